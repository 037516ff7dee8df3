/**
 * history: --messages messages in Général, seeded in bulk with seq 1..N. One client opens
 * the salon (the newest page) a few times, then pages back with `before` at random depths.
 * Keyset pagination should make every page cost the same, however deep.
 */
import {seedMessages} from '../seed.js';
import type {Scenario} from './scenario.js';

/** How many times the newest page is asked for. */
const OPENS = 20;

export const history: Scenario = {
  layout: 'general',
  async seed(session) {
    session.progress(`seeding ${session.opts.messages.toLocaleString('en-US')} messages`);
    await seedMessages(session.db, 1, session.opts.messages);
  },
  async measure(session) {
    const load = session.load;
    if (!load) throw new Error('not started');
    const {messages, pages} = session.opts;
    const start = Date.now();
    session.serverSampler?.take();
    const r = await load.run({cmd: 'history', opens: OPENS, pages, total: messages}, 'history');
    session.serverSampler?.take();
    const usage = session.serverUsage(start, Date.now());
    if (r.problems.length > 0) session.warn(`history pages not as seeded: ${r.problems.join('; ')}`);
    return {
      history: {seeded: messages, firstPageMs: r.firstPage, olderPageMs: r.olderPage, problems: r.problems},
      server: {peakRssMB: usage.peakRssMB, rssMB: usage.lastRssMB, cpuPercent: usage.cpuPercent, peakCpuPercent: usage.peakCpuPercent},
    };
  },
};
