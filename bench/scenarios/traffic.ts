/**
 * fanout (everyone in Général) and salons (five salons of N/5 members): senders send at the
 * offered rate, spread evenly; every client counts and times what it receives.
 */
import type {TrafficReport} from '../ipc.js';
import type {Layout} from '../layout.js';
import type {Result} from '../report.js';
import type {Session} from '../session.js';
import {type Scenario, drainFor} from './scenario.js';

const round1 = (value: number) => Math.round(value * 10) / 10;
const perSecond = (count: number, from: number, to: number) => (to > from ? Math.round((count / ((to - from) / 1000)) * 10) / 10 : 0);

/**
 * rate 0: closed loop, each sender keeping `window` sends unacknowledged. changes: the share
 * of (open-loop) sends made an edit or a reaction instead.
 */
export async function runTraffic(session: Session, senders: number, rate: number, durationS: number, window = 0, changes = 0): Promise<TrafficReport> {
  const load = session.load;
  if (!load) throw new Error('no load process');
  return load.run({cmd: 'traffic', senders, rate, window, changes, durationMs: Math.round(durationS * 1000), tag: session.tag, ...drainFor(durationS)}, 'traffic');
}

/** The result fields every traffic run reports (stored is filled in after the server stops). */
export function trafficFields(session: Session, t: TrafficReport, rate: number): Partial<Result> {
  const end = Math.max(t.sendEndAt, t.lastAckAt, t.lastDeliveryAt);
  const server = session.serverUsage(t.firstSendAt, end);
  const load = session.loadUsage(t.firstSendAt, end);
  const database = session.databaseUsage(t.firstSendAt, end);
  if (t.unexpectedCloses > 0) session.warn(`${t.unexpectedCloses} client connections were closed by the server during the run (slow reader dropped at 4 MiB unread?)`);
  if (t.deliveries < t.expectedDeliveries) session.warn(`${t.expectedDeliveries - t.deliveries} deliveries missing when the drain ended`);
  if (t.changes && t.changes.unchanged > 0) session.warn(`${t.changes.unchanged} edits or reactions were answered {"change":null} (nothing stored)`);
  return {
    throughput: {
      mode: rate > 0 ? 'open' : 'closed',
      offeredMsgsPerSec: rate,
      achievedMsgsPerSec: perSecond(t.acknowledged, t.firstSendAt, t.lastAckAt),
      deliveriesPerSec: perSecond(t.deliveries, t.firstSendAt, t.lastDeliveryAt),
      acksPerSecond: t.acksPerSecond,
    },
    latencyMs: t.latency,
    ackLatencyMs: t.ackLatency,
    messages: {sent: t.sent, acknowledged: t.acknowledged, stored: -1, unanswered: t.unanswered, errors: t.errors},
    deliveries: {
      received: t.deliveries,
      expected: t.expectedDeliveries,
      lost: Math.max(0, t.expectedDeliveries - t.deliveries),
      gaps: t.gaps,
      duplicates: t.duplicates,
      unexpectedCloses: t.unexpectedCloses,
    },
    server: {peakRssMB: server.peakRssMB, rssMB: server.lastRssMB, cpuPercent: server.cpuPercent, peakCpuPercent: server.peakCpuPercent},
    otherCpuPercent: session.otherCpuPercent(t.firstSendAt, end),
    ...(database ? {database: {cpuPercent: database.cpuPercent, peakCpuPercent: database.peakCpuPercent, peakRssMB: database.peakRssMB}} : {}),
    ...(t.changes ? {changes: t.changes} : {}),
    load: {
      cpuPercent: load.cpuPercent,
      peakCpuPercent: load.peakCpuPercent,
      eventLoopDelayMs: {p50: round1(t.loadLagMs.p50), p99: round1(t.loadLagMs.p99), max: round1(t.loadLagMs.max)},
    },
  };
}

/**
 * MySQL: what the database server did over the traffic, from two readings of its global
 * status counters (every session of that server counts). Undefined on SQLite.
 */
export function statementFields(before: Record<string, number> | undefined, after: Record<string, number> | undefined, acknowledged: number): Result['databaseStatements'] {
  if (!before || !after) return undefined;
  const delta = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  const commits = delta('Com_commit');
  const statements = delta('Questions');
  const per = (x: number) => (commits > 0 ? Math.round((x / commits) * 10) / 10 : 0);
  return {
    statements,
    commits,
    selects: delta('Com_select'),
    inserts: delta('Com_insert'),
    updates: delta('Com_update'),
    fsyncs: delta('Innodb_data_fsyncs'),
    messagesPerCommit: per(acknowledged),
    statementsPerCommit: per(statements),
  };
}

const traffic = (layout: Layout): Scenario => ({
  layout,
  async measure(session) {
    const {senders, rate, duration, changes} = session.opts;
    session.progress(`sending ${rate} msgs/s from ${senders} senders for ${duration} s${changes > 0 ? `, ${Math.round(changes * 100)} % of them edits and reactions` : ''}`);
    const report = await runTraffic(session, senders, rate, duration, 0, changes);
    return trafficFields(session, report, rate);
  },
});

export const fanout = traffic('general');
export const salons = traffic('spread');
