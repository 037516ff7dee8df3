/**
 * throughput: how many messages per second the server stores and acknowledges, with as
 * little fan-out as possible. The senders are spread over the five salons (layout
 * `spread`) and are their salons' only online members, so each message is delivered to
 * senders / 5 clients (4 by default), against 1,000 in fanout.
 *
 * Closed loop (--rate 0, the default): each sender keeps --window sends unacknowledged and
 * sends again as answers come, for --duration seconds: the most the server acknowledges.
 * Open loop (--rate R): R msgs/s whatever the server does, as fanout and salons send: the
 * acknowledgement latency at a given load.
 *
 * --messages N first stores N earlier messages of the same senders, with clientMsgIds:
 * storing costs more once the table (and the retry lookup's index) is large.
 */
import {seedSenderHistory} from '../seed.js';
import type {Scenario} from './scenario.js';
import {runTraffic, statementFields, trafficFields} from './traffic.js';

export const throughput: Scenario = {
  layout: 'spread',
  async seed(session) {
    const {messages, senders} = session.opts;
    if (messages <= 0) return;
    session.progress(`seeding ${messages.toLocaleString('en-US')} earlier messages of the senders`);
    await seedSenderHistory(session.db, 'spread', senders, messages);
  },
  async measure(session) {
    const {senders, rate, duration, window} = session.opts;
    session.progress(
      rate > 0
        ? `open loop: ${rate} msgs/s from ${senders} senders for ${duration} s`
        : `closed loop: ${senders} senders × ${window} sends in flight for ${duration} s`,
    );
    const before = await session.db.statusCounters?.();
    const report = await runTraffic(session, senders, rate, duration, rate > 0 ? 0 : window);
    const after = await session.db.statusCounters?.();
    const fields = trafficFields(session, report, rate);
    const statements = statementFields(before, after, report.acknowledged);
    if (statements) fields.databaseStatements = statements;
    return fields;
  },
};
