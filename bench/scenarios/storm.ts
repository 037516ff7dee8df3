/**
 * storm: N clients are connected and have seen some traffic; the server is stopped
 * (SIGTERM) and started again on the same store and port; meanwhile --messages messages
 * are stored in Général behind the clients' backs (as another node would), so that every
 * client has something to catch up on. Then all clients reconnect at once, `resume`, and
 * ask `history` after the last seq they had. Target: everyone back within 10 s.
 */
import type {Result} from '../report.js';
import {seedMessages} from '../seed.js';
import type {Scenario} from './scenario.js';
import {runTraffic, trafficFields} from './traffic.js';

const TARGET_MS = 10_000;

export const storm: Scenario = {
  layout: 'general',
  async measure(session, setup) {
    const {senders, rate, duration, messages} = session.opts;
    const load = session.load;
    const first = session.server;
    if (!load || !first) throw new Error('not started');

    session.progress(`warm-up: ${rate} msgs/s from ${senders} senders for ${duration} s`);
    const warm = await runTraffic(session, senders, rate, duration);
    const fields: Partial<Result> = trafficFields(session, warm, rate);

    session.progress('restarting the server (SIGTERM)');
    await load.run({cmd: 'expect-close'}, 'ok');
    const stopAt = Date.now();
    const closed = load.run({cmd: 'wait-closed', timeoutMs: 60_000}, 'closed');
    await session.stopServer();
    const stoppedAt = Date.now();
    const {open} = await closed;
    if (open > 0) session.warn(`${open} clients still connected after the server stopped`);
    // Stored while the clients were away: their resync has to fetch these.
    if (messages > 0) await seedMessages(session.db, 1, messages);
    const second = await session.startServer(first.port);
    const listeningAt = Date.now();

    session.progress(`server back on port ${second.port}; ${setup.connections} clients reconnect at once`);
    const r = await load.run({cmd: 'reconnect', port: second.port, timeoutMs: 60_000}, 'resynced');
    const doneAt = Date.now();
    if (r.retries > 0) session.warn(`reconnect: ${r.retries} failed attempts: ${JSON.stringify(r.errors)}`);
    const usage = session.serverUsage(listeningAt, doneAt);
    const loadUsage = session.loadUsage(listeningAt, doneAt);
    const totalMs = r.resyncMs >= 0 ? listeningAt - stopAt + r.resyncMs : -1;
    return {
      ...fields,
      storm: {
        stopMs: stoppedAt - stopAt,
        restartMs: listeningAt - stopAt,
        reconnectMs: r.reconnectMs,
        resyncMs: r.resyncMs,
        totalMs,
        back: r.back,
        resynced: r.resynced,
        perClientResyncMs: r.perClientResyncMs,
        retries: r.retries,
        fetched: r.fetched,
        missed: messages,
        targetMet: r.resynced === setup.connections && totalMs >= 0 && totalMs <= TARGET_MS,
      },
      server: {peakRssMB: usage.peakRssMB, rssMB: usage.lastRssMB, cpuPercent: usage.cpuPercent, peakCpuPercent: usage.peakCpuPercent},
      load: {cpuPercent: loadUsage.cpuPercent, peakCpuPercent: loadUsage.peakCpuPercent},
    };
  },
};
