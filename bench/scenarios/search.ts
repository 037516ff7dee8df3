/**
 * search (issue 18): --messages messages in Général from search-corpus.ts, seeded with
 * their search_words so the full-text index holds them all before the server starts; then
 * fan-out traffic (as fanout) in phases of --duration seconds, alternately without and with
 * --searchers clients searching (one search each per 2.1 s, under the server's allowance;
 * the run's last clients, in a process of their own: Scenario.apart), so that the delivery
 * latency with and without searches comes from the same server, store and minute. Reported: each phase's delivery and acknowledgement latency, the searches'
 * latency (overall and by kind of query), and the index's size on disk.
 */
import type {TrafficReport} from '../ipc.js';
import type {Result} from '../report.js';
import {seedCorpus} from '../seed.js';
import type {SearchReport} from '../search-load.js';
import type {Session} from '../session.js';
import type {Summary} from '../stats.js';
import {type Scenario, drainFor} from './scenario.js';
import {trafficFields} from './traffic.js';

/** Phases in a run: without, with, without, with. */
const PHASES = 4;
/** Per searcher: above the server's refill (one search per 2 s), so none is refused. */
const SEARCH_INTERVAL_MS = 2100;

export interface SearchPhase {
  searching: boolean;
  achievedMsgsPerSec: number;
  latencyMs: Summary;
  ackLatencyMs: Summary;
  lost: number;
  serverCpuPercent: number;
  databaseCpuPercent?: number;
  otherCpuPercent: number;
  loadEventLoopDelayP99Ms: number;
  search?: SearchReport;
  /** The searchers' own process (Scenario.apart): its event-loop delay while they searched. */
  searchersEventLoopDelayP99Ms?: number;
}

export interface SearchResult {
  seeded: number;
  seedMs: number;
  authors: number;
  sizes: Awaited<ReturnType<Session['db']['searchSizes']>>;
  sizesAfter: Awaited<ReturnType<Session['db']['searchSizes']>>;
  phases: SearchPhase[];
}

let seeded = {ms: 0, now: 0, authors: 0};

export const search: Scenario = {
  layout: 'general',
  // The searchers time their searches in a process of their own, as a user's terminal would:
  // the load process, with 990 receivers of 1,000 msgs/s, lags by 40-50 ms at p99 itself.
  apart: (opts) => opts.searchers,
  async seed(session) {
    const {messages, clients} = session.opts;
    const authors = Math.min(clients, 1000);
    const now = Date.now();
    session.progress(`seeding ${messages.toLocaleString('en-US')} messages with their search words (${session.db.kind === 'mysql' ? 'then their terms, as a batch of sends writes them' : 'FTS5 triggers indexing each row'})`);
    const start = Date.now();
    // The index is kept as the server keeps it (FTS5's triggers; MySQL's term table written
    // for a set of messages in one statement). With InnoDB's former FULLTEXT key, dropping it for the bulk insert and adding
    // it again afterwards was tried: on MariaDB 10.11 the index built that way matched nothing.
    await seedCorpus(session.db, 1, messages, authors, now);
    seeded = {ms: Date.now() - start, now, authors};
    session.progress(`seeded in ${(seeded.ms / 1000).toFixed(1)} s`);
  },
  async measure(session) {
    const {load, side} = session;
    if (!load) throw new Error('no load process');
    const {senders, rate, duration, searchers, messages} = session.opts;
    const sizes = await session.db.searchSizes();
    session.progress(`index: ${sizes.searchIndexMB} MB (messages ${sizes.messagesMB} MB, their other indexes ${sizes.messageIndexesMB} MB)`);
    const phases: SearchPhase[] = [];
    const reports: TrafficReport[] = [];
    for (let k = 0; k < PHASES; k++) {
      const searching = k % 2 === 1 && searchers > 0;
      session.progress(`phase ${k + 1} of ${PHASES}: ${rate} msgs/s from ${senders} senders for ${duration} s, ${searching ? `${searchers} clients searching` : 'no searches'}`);
      const durationMs = Math.round(duration * 1000);
      const drain = drainFor(duration);
      const [t, searched] = await Promise.all([
        load.run({cmd: 'traffic', senders, rate, window: 0, changes: 0, durationMs, tag: session.tag, ...drain}, 'traffic'),
        searching && side ? side.run({cmd: 'search', durationMs, settleMs: drain.drainIdleMs, plan: {searchers, intervalMs: SEARCH_INTERVAL_MS, authors: seeded.authors, now: seeded.now, runIndex: k}}, 'searched') : undefined,
      ]);
      reports.push(t);
      const f = trafficFields(session, t, rate);
      if (searched && Object.keys(searched.search.errors).length > 0) session.warn(`phase ${k + 1}: searches refused: ${JSON.stringify(searched.search.errors)}`);
      phases.push({
        searching,
        achievedMsgsPerSec: f.throughput?.achievedMsgsPerSec ?? 0,
        latencyMs: t.latency,
        ackLatencyMs: t.ackLatency,
        lost: Math.max(0, t.expectedDeliveries - t.deliveries),
        serverCpuPercent: f.server?.cpuPercent ?? 0,
        ...(f.database ? {databaseCpuPercent: f.database.cpuPercent} : {}),
        otherCpuPercent: f.otherCpuPercent ?? 0,
        loadEventLoopDelayP99Ms: f.load?.eventLoopDelayMs?.p99 ?? 0,
        ...(searched ? {search: searched.search, searchersEventLoopDelayP99Ms: searched.loadLagMs.p99} : {}),
      });
    }
    const sizesAfter = await session.db.searchSizes();
    // The whole run's totals: stored (counted after the server stops) = acknowledged = sent.
    const sum = (pick: (t: TrafficReport) => number) => reports.reduce((a, t) => a + pick(t), 0);
    const last = trafficFields(session, reports[reports.length - 1] as TrafficReport, rate);
    const result: Partial<Result> = {
      messages: {sent: sum((t) => t.sent), acknowledged: sum((t) => t.acknowledged), stored: -1, unanswered: sum((t) => t.unanswered), errors: {}},
      deliveries: {
        received: sum((t) => t.deliveries),
        expected: sum((t) => t.expectedDeliveries),
        lost: sum((t) => Math.max(0, t.expectedDeliveries - t.deliveries)),
        gaps: sum((t) => t.gaps),
        duplicates: sum((t) => t.duplicates),
        unexpectedCloses: sum((t) => t.unexpectedCloses),
      },
      ...(last.server ? {server: last.server} : {}),
      search: {seeded: messages, seedMs: seeded.ms, authors: seeded.authors, sizes, sizesAfter, phases},
    };
    for (const t of reports) for (const [code, count] of Object.entries(t.errors)) result.messages!.errors[code] = (result.messages!.errors[code] ?? 0) + count;
    return result;
  },
};
