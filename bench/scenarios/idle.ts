/**
 * idle: N logged-in clients that say nothing. What does each connection cost the server in
 * memory, and does an idle crowd cost CPU? Held for --duration seconds.
 */
import type {Result} from '../report.js';
import type {Scenario} from './scenario.js';

export const idle: Scenario = {
  layout: 'general',
  async measure(session, setup) {
    const load = session.load;
    const sampler = session.serverSampler;
    if (!load || !sampler) throw new Error('not started');
    const before = await load.run({cmd: 'counters'}, 'counters');
    const holdStart = Date.now();
    session.progress(`${setup.connections} clients in; holding ${session.opts.duration} s`);
    await new Promise((resolve) => setTimeout(resolve, session.opts.duration * 1000));
    const after = await load.run({cmd: 'counters'}, 'counters');
    const last = sampler.take();
    const holdEnd = Date.now();
    const hold = session.serverUsage(holdStart, holdEnd);
    const connecting = session.serverUsage(setup.connectStart, setup.connectEnd);
    const loadHold = session.loadUsage(holdStart, holdEnd);
    const rssAfterKB = last?.rssKB ?? 0;
    const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
    const fields: Partial<Result> = {
      idle: {
        rssBeforeMB: mb(setup.baselineRssKB),
        rssAfterMB: mb(rssAfterKB),
        rssPerConnectionKB: setup.connections ? Math.round(((rssAfterKB - setup.baselineRssKB) / setup.connections) * 10) / 10 : 0,
        holdCpuPercent: hold.cpuPercent,
        connectCpuPercent: connecting.cpuPercent,
        framesDuringHold: after.framesIn - before.framesIn,
      },
      server: {peakRssMB: hold.peakRssMB, rssMB: mb(rssAfterKB), cpuPercent: hold.cpuPercent, peakCpuPercent: hold.peakCpuPercent},
      load: {cpuPercent: loadHold.cpuPercent, peakCpuPercent: loadHold.peakCpuPercent},
    };
    if (after.unexpectedCloses > before.unexpectedCloses) session.warn(`${after.unexpectedCloses - before.unexpectedCloses} idle connections were closed by the server`);
    return fields;
  },
};
