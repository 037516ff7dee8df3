/**
 * dm: clients 2k and 2k + 1 are a pair; the first opens their direct message with the
 * protocol's `dm` request, the second hears of it by the `conversation` event. Then every
 * client sends into its direct message at the offered rate (all together), and the load
 * process checks that the other participant received each acknowledged message exactly
 * once. The server's memory is read after a full GC (server-probe.ts) with the clients in
 * and no direct message, with every direct message open and idle, and after the traffic:
 * the difference per conversation is what an idle direct message costs the server.
 */
import type {Result} from '../report.js';
import type {ServerMemory} from '../server-process.js';
import {type Scenario} from './scenario.js';
import {runTraffic, statementFields, trafficFields} from './traffic.js';

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const kbEach = (from: number, to: number, count: number) => (count > 0 ? Math.round(((to - from) / 1024 / count) * 100) / 100 : 0);
const brief = (m: ServerMemory) => ({rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), heapTotalMB: mb(m.heapTotal), externalMB: mb(m.external)});

export const dm: Scenario = {
  layout: 'general',
  memoryProbe: true,
  async measure(session) {
    const load = session.load;
    if (!load) throw new Error('no load process');
    const {senders, rate, duration, concurrency} = session.opts;
    const connected = await session.serverMemory();
    session.progress(`server after GC with the clients in: heap ${mb(connected.heapUsed)} MB, RSS ${mb(connected.rss)} MB`);

    session.progress(`opening ${Math.floor(session.opts.clients / 2).toLocaleString('en-US')} direct messages (dm, ${concurrency} at a time)`);
    const opened = await load.run({cmd: 'dm-open', concurrency, timeoutMs: 120_000}, 'dm-opened');
    if (opened.failed > 0) session.warn(`${opened.failed} dm requests failed; first error: ${opened.firstError}`);
    if (opened.distinct !== opened.opened) session.warn(`${opened.opened} direct messages opened but ${opened.distinct} distinct ids: pairs share a conversation`);
    if (opened.told < opened.opened) session.warn(`${opened.opened - opened.told} second participants never received the conversation event of their direct message`);
    if (opened.told === 0) throw new Error(`no direct message could be opened: ${opened.firstError ?? 'no conversation event'}`);
    const idle = await session.serverMemory();
    session.progress(`server after GC with ${opened.told} idle direct messages: heap ${mb(idle.heapUsed)} MB, RSS ${mb(idle.rss)} MB`);

    session.progress(`sending ${rate} msgs/s from ${senders} clients into their direct messages for ${duration} s`);
    const counters = await session.db.statusCounters?.();
    const report = await runTraffic(session, senders, rate, duration);
    const countersAfter = await session.db.statusCounters?.();
    const after = await session.serverMemory();
    const fields = trafficFields(session, report, rate);
    // How the writer batched: messages per commit (MySQL; other sessions count too).
    const statements = statementFields(counters, countersAfter, report.acknowledged);
    if (statements) fields.databaseStatements = statements;
    const d = report.dm;
    if (!d) throw new Error('the load process reported no direct-message check');
    if (d.lost > 0) session.warn(`${d.lost} acknowledged messages never reached the other participant (e.g. ${d.lostExamples.join('; ')})`);
    if (d.duplicated > 0) session.warn(`${d.duplicated} messages reached the other participant more than once`);
    if (d.foreign > 0) session.warn(`${d.foreign} deliveries that did not belong to the receiver's direct message (or were never acknowledged)`);
    const n = opened.told;
    const result: Partial<Result> = {
      ...fields,
      dm: {
        pairs: opened.pairs,
        opened: opened.opened,
        distinct: opened.distinct,
        told: opened.told,
        openMs: opened.ms,
        opensPerSec: opened.ms > 0 ? Math.round(opened.opened / (opened.ms / 1000)) : 0,
        openLatencyMs: opened.latency,
        checked: d.checked,
        receivedOnce: d.receivedOnce,
        lost: d.lost,
        duplicated: d.duplicated,
        foreign: d.foreign,
        echoes: d.echoes,
        echoLatencyMs: d.echoLatency,
        memory: {
          connected: brief(connected),
          idle: brief(idle),
          afterTraffic: brief(after),
          perIdleConversationKB: {heapUsed: kbEach(connected.heapUsed, idle.heapUsed, n), rss: kbEach(connected.rss, idle.rss, n)},
          perConversationAfterTrafficKB: {heapUsed: kbEach(connected.heapUsed, after.heapUsed, n), rss: kbEach(connected.rss, after.rss, n)},
        },
      },
    };
    return result;
  },
};
