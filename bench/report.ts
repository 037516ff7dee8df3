/** The result of a run: one object, printed as JSON (--json) or as a table of its fields. */
import {cpus, totalmem} from 'node:os';
import {type ClusterResult, clusterRows} from './cluster.js';
import type {ChangesReport} from './ipc.js';
import type {SearchResult} from './scenarios/search.js';
import type {Summary} from './stats.js';

export interface Result {
  scenario: string;
  store: 'sqlite' | 'mysql';
  /** The throwaway store: the temporary directory (SQLite) or the database name (MySQL); gone after the run. */
  location: string;
  date: string;
  machine: {cpus: number; cpuModel: string; memoryGB: number; node: string};
  /** git commit of the checkout (+: source/ or bin/ modified), when known. */
  commit?: string | undefined;
  /** window: throughput in closed loop, the sends each sender keeps unacknowledged (else 0). */
  config: {clients: number; senders: number; rate: number; durationS: number; messages: number; pages: number; watchers: number; window: number; changes?: number; searchers?: number};
  /** Clients connected and logged in (resume) when the measurement started. */
  connections: number;
  /** framesWhileConnecting: what the clients received while connecting (presence events mostly). */
  setup: {seedMs: number; serverStartMs: number; connectMs: number; connectsPerSec: number; framesWhileConnecting: number};
  /**
   * mode: open loop (the offered rate is sent whatever happens) or closed loop (throughput:
   * as fast as acknowledgements come; offered is 0). acksPerSecond: acknowledgements in each
   * second from the first send.
   */
  throughput?: {mode: 'open' | 'closed'; offeredMsgsPerSec: number; achievedMsgsPerSec: number; deliveriesPerSec: number; acksPerSecond: number[]};
  /** Send to receipt by every receiver, ms (the send time travels in the message text). */
  latencyMs?: Summary;
  /** Send to the acknowledgement (the response to `send`, once stored), ms. */
  ackLatencyMs?: Summary;
  messages?: {sent: number; acknowledged: number; stored: number; unanswered: number; errors: Record<string, number>};
  deliveries?: {received: number; expected: number; lost: number; gaps: number; duplicates: number; unexpectedCloses: number};
  /**
   * --changes: edits and reactions sent and acknowledged with a change row (counted in
   * messages and deliveries too), answered {"change":null}, and the delivery latency of
   * the change rows alone.
   */
  changes?: ChangesReport;
  server: {peakRssMB: number; rssMB: number; cpuPercent: number; peakCpuPercent: number};
  /**
   * Traffic scenarios: CPU the rest of the machine used meanwhile (busy time from /proc/stat
   * minus the server, the load process and a local database), in % of one core. High: the
   * figures are a lower bound.
   */
  otherCpuPercent?: number;
  /** The MySQL/MariaDB server process over the traffic, when it runs on this machine. */
  database?: {cpuPercent: number; peakCpuPercent: number; peakRssMB: number};
  /**
   * throughput on MySQL: global status counters over the traffic (every session of that
   * MySQL server counts, the bench's own few queries included). statements: Questions;
   * commits: Com_commit; fsyncs: Innodb_data_fsyncs.
   */
  databaseStatements?: {statements: number; commits: number; selects: number; inserts: number; updates: number; fsyncs: number; messagesPerCommit: number; statementsPerCommit: number};
  /** The load process; eventLoopDelayMs (traffic scenarios): how late it was itself. */
  load: {cpuPercent: number; peakCpuPercent: number; eventLoopDelayMs?: {p50: number; p99: number; max: number}};
  idle?: {rssBeforeMB: number; rssAfterMB: number; rssPerConnectionKB: number; holdCpuPercent: number; connectCpuPercent: number; framesDuringHold: number};
  storm?: {
    stopMs: number;
    restartMs: number;
    reconnectMs: number;
    resyncMs: number;
    totalMs: number;
    back: number;
    resynced: number;
    perClientResyncMs: Summary;
    retries: number;
    fetched: number;
    missed: number;
    targetMet: boolean;
  };
  history?: {seeded: number; firstPageMs: Summary; olderPageMs: Summary; problems: string[]};
  /**
   * client: the chat binary in tmux. cpuPercent over the traffic (% of one core); peak RSS
   * over the whole run; rssAfterTrafficMB once the traffic is over, finalRssMB quietS
   * seconds later; frames: frames the client wrote to the terminal during the traffic;
   * shown: the screen ends with the last message (current) or Général's unread count.
   */
  client?: {
    mode: 'current' | 'background';
    columns: number;
    rows: number;
    heapMB: number;
    received: number;
    cpuPercent: number;
    peakCpuPercent: number;
    /** Signed in, the salon drawn, just before the traffic. */
    rssBeforeMB: number;
    peakRssMB: number;
    rssAfterTrafficMB: number;
    finalRssMB: number;
    quietS: number;
    frames: number;
    framesPerSec: number;
    idleFramesPerSec: number;
    kBPerSec: number;
    tmuxCpuPercent: number;
    alive: boolean;
    shown: boolean;
  };
  /**
   * dm: pairs and their direct messages (told: second participants that got the
   * conversation event); each acknowledged message checked against the other
   * participant's receipts (latencyMs is theirs; echoLatencyMs the sender's own copy);
   * the server's memory after a full GC with the clients in, with every direct message
   * open and idle, and after the traffic; per conversation: the differences ÷ told.
   */
  dm?: {
    pairs: number;
    opened: number;
    distinct: number;
    told: number;
    openMs: number;
    opensPerSec: number;
    openLatencyMs: Summary;
    checked: number;
    receivedOnce: number;
    lost: number;
    duplicated: number;
    foreign: number;
    echoes: number;
    echoLatencyMs: Summary;
    memory: {
      connected: DmMemory;
      idle: DmMemory;
      afterTraffic: DmMemory;
      perIdleConversationKB: {heapUsed: number; rss: number};
      perConversationAfterTrafficKB: {heapUsed: number; rss: number};
    };
  };
  /** search: seeding, the index's size, and each phase (with and without searches). */
  search?: SearchResult;
  /** --nodes: per node, Redis, same/cross-node latency, lost/duplicated by seq, --kill-node (cluster.ts). */
  cluster?: ClusterResult;
  warnings: string[];
}

/** The server's memory after a full GC (dm), MB. */
export interface DmMemory {
  rssMB: number;
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
}

export function machine(): Result['machine'] {
  const list = cpus();
  return {cpus: list.length, cpuModel: list[0]?.model.trim() ?? '?', memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version};
}

const n = (value: number) => (Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', {maximumFractionDigits: 1}));
const ms = (s: Summary) => `p50 ${n(s.p50)}  p95 ${n(s.p95)}  p99 ${n(s.p99)}  max ${n(s.max)}  (n=${n(s.count)})`;

export function table(r: Result): string {
  const rows: [string, string][] = [];
  const add = (label: string, value: string) => rows.push([label, value]);
  add('scenario', `${r.scenario} on ${r.store}, ${r.date}${r.commit ? `, commit ${r.commit}` : ''}`);
  add('machine', `${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGB} GB, node ${r.machine.node}`);
  add('connections', `${n(r.connections)} of ${n(r.config.clients)}${r.config.watchers ? `, ${n(r.config.watchers)} watching their member list` : ''} (connected in ${n(r.setup.connectMs)} ms, ${n(r.setup.connectsPerSec)}/s)`);
  add('setup', `seed ${n(r.setup.seedMs)} ms, server start ${n(r.setup.serverStartMs)} ms, ${n(r.setup.framesWhileConnecting)} frames received while connecting`);
  if (r.throughput) {
    const t = r.throughput;
    const offered = t.mode === 'closed' ? `closed loop (${r.config.window} in flight per sender)` : `offered ${n(t.offeredMsgsPerSec)}`;
    add('messages/s', `${offered}, achieved ${n(t.achievedMsgsPerSec)} (${r.config.senders} senders, ${r.config.durationS} s)`);
    const seconds = t.acksPerSecond.slice(0, Math.floor(r.config.durationS));
    if (seconds.length > 1) add('acks per second', seconds.map(n).join(' '));
    add('deliveries/s', n(t.deliveriesPerSec));
  }
  if (r.latencyMs) add('latency ms (send→receipt)', ms(r.latencyMs));
  if (r.ackLatencyMs) add('ack latency ms', ms(r.ackLatencyMs));
  if (r.messages) {
    const m = r.messages;
    const errors = Object.entries(m.errors).map(([k, v]) => `${k} ${v}`).join(', ');
    add('messages', `stored ${n(m.stored)} / acknowledged ${n(m.acknowledged)} / sent ${n(m.sent)}${m.unanswered ? `, unanswered ${n(m.unanswered)}` : ''}${errors ? `, errors: ${errors}` : ''}`);
  }
  if (r.deliveries) {
    const d = r.deliveries;
    add('deliveries', `${n(d.received)} of ${n(d.expected)} expected (lost ${n(d.lost)}, gaps ${n(d.gaps)}, duplicates ${n(d.duplicates)}, dropped connections ${n(d.unexpectedCloses)})`);
  }
  if (r.changes) {
    const c = r.changes;
    add('changes', `edits ${n(c.edits.acknowledged)} of ${n(c.edits.sent)}, reactions ${n(c.reactions.acknowledged)} of ${n(c.reactions.sent)} acknowledged with a change row (in messages and deliveries above)${c.unchanged ? `, ${n(c.unchanged)} answered change null` : ''}`);
    add('change latency ms', ms(c.latency));
  }
  if (r.idle) {
    const i = r.idle;
    add('server RSS', `${n(i.rssBeforeMB)} MB before clients, ${n(i.rssAfterMB)} MB with all in (${n(i.rssPerConnectionKB)} KB per connection)`);
    add('server CPU', `${n(i.connectCpuPercent)} % while connecting, ${n(i.holdCpuPercent)} % while idle (${n(i.framesDuringHold)} frames received while idle)`);
  }
  if (r.storm) {
    const s = r.storm;
    add('restart', `SIGTERM → stopped ${n(s.stopMs)} ms, → listening again ${n(s.restartMs)} ms`);
    add('reconnect', `all ${n(s.back)} of ${n(r.connections)} resumed in ${n(s.reconnectMs)} ms (${n(s.retries)} retried attempts)`);
    add('resync', `${n(s.resynced)} caught up in ${n(s.resyncMs)} ms after the reconnect order (${n(s.fetched)} messages fetched, ${n(s.missed)} missed each)`);
    add('resync per client ms', ms(s.perClientResyncMs));
    add('SIGTERM → all back', `${n(s.totalMs)} ms (target <= 10,000: ${s.targetMet ? 'met' : 'NOT met'})`);
  }
  if (r.history) {
    const h = r.history;
    add('history', `${n(h.seeded)} messages seeded${h.problems.length ? `; PROBLEMS: ${h.problems.join('; ')}` : ''}`);
    add('first page ms', ms(h.firstPageMs));
    add('older page ms', ms(h.olderPageMs));
  }
  if (r.client) {
    const c = r.client;
    add('chat client', `${c.mode === 'current' ? 'looking at the busy salon' : 'busy salon in the background'}, ${c.columns}x${c.rows}${c.heapMB ? `, --max-old-space-size=${c.heapMB}` : ''}: ${c.alive ? 'alive' : 'DIED'}, ${c.shown ? 'screen up to date' : 'screen NOT up to date'}`);
    add('client CPU', `${n(c.cpuPercent)} % of one core (peak ${n(c.peakCpuPercent)} %) while receiving ${n(c.received)} messages`);
    add('client RSS', `${n(c.rssBeforeMB)} MB before the traffic, peak ${n(c.peakRssMB)} MB, ${n(c.rssAfterTrafficMB)} MB when the traffic ended, ${n(c.finalRssMB)} MB ${n(c.quietS)} s later`);
    add('client frames', `${n(c.framesPerSec)} per second (${n(c.frames)} in all, ${n(c.kBPerSec)} KB/s to the terminal; ${n(c.idleFramesPerSec)} in an idle second); tmux ${n(c.tmuxCpuPercent)} % CPU`);
  }
  if (r.dm) {
    const d = r.dm;
    const m = d.memory;
    add('direct messages', `${n(d.opened)} of ${n(d.pairs)} pairs opened with dm in ${n(d.openMs)} ms (${n(d.opensPerSec)}/s), ${n(d.distinct)} distinct, ${n(d.told)} told by event`);
    add('dm request ms', ms(d.openLatencyMs));
    add('other participant', `${n(d.receivedOnce)} of ${n(d.checked)} acknowledged messages received exactly once (lost ${n(d.lost)}, duplicated ${n(d.duplicated)}, foreign ${n(d.foreign)})`);
    add('own copy ms', ms(d.echoLatencyMs));
    const mem = (x: DmMemory) => `heap ${n(x.heapUsedMB)} MB, RSS ${n(x.rssMB)} MB`;
    add('server after GC', `clients in: ${mem(m.connected)}; direct messages idle: ${mem(m.idle)}; after the traffic: ${mem(m.afterTraffic)}`);
    add('per direct message', `idle: heap ${n(m.perIdleConversationKB.heapUsed)} KB, RSS ${n(m.perIdleConversationKB.rss)} KB; after the traffic: heap ${n(m.perConversationAfterTrafficKB.heapUsed)} KB, RSS ${n(m.perConversationAfterTrafficKB.rss)} KB`);
  }
  if (r.search) {
    const s = r.search;
    const size = (z: SearchResult['sizes']) => `full-text index ${n(z.searchIndexMB)} MB, messages ${n(z.messagesMB)} MB (+ ${n(z.messageIndexesMB)} MB of other indexes), file ${n(z.fileMB)} MB`;
    add('search seeding', `${n(s.seeded)} messages by ${n(s.authors)} authors in ${n(s.seedMs)} ms`);
    add('index on disk', `${size(s.sizes)}; after the run: ${n(s.sizesAfter.searchIndexMB)} MB`);
    s.phases.forEach((p, k) => {
      add(`phase ${k + 1} ${p.searching ? 'searching' : 'no search'}`, `latency ${ms(p.latencyMs)}; ack p50 ${n(p.ackLatencyMs.p50)} p99 ${n(p.ackLatencyMs.p99)}; ${n(p.achievedMsgsPerSec)} msgs/s; lost ${n(p.lost)}; server ${n(p.serverCpuPercent)} %${p.databaseCpuPercent === undefined ? '' : `, database ${n(p.databaseCpuPercent)} %`}, other ${n(p.otherCpuPercent)} %, load delay p99 ${n(p.loadEventLoopDelayP99Ms)} ms`);
      if (p.search) {
        const q = p.search;
        add(`  searches`, `${n(q.searches)} by ${q.searchers} clients: ${ms(q.latency)}${Object.keys(q.errors).length ? `; refused ${JSON.stringify(q.errors)}` : ''}${q.unanswered ? `; unanswered ${q.unanswered}` : ''}; their process's delay p99 ${n(p.searchersEventLoopDelayP99Ms ?? 0)} ms`);
        for (const [kind, v] of Object.entries(q.byKind)) add(`    ${kind}`, `p50 ${n(v.latency.p50)}  p99 ${n(v.latency.p99)}  max ${n(v.latency.max)} ms (n=${v.count}), hits p50 ${n(v.hits.p50)}`);
      }
    });
  }
  if (r.cluster) clusterRows(r.cluster, add);
  add('server', `peak RSS ${n(r.server.peakRssMB)} MB, CPU ${n(r.server.cpuPercent)} % (peak ${n(r.server.peakCpuPercent)} %) of one core`);
  if (r.databaseStatements) {
    const d = r.databaseStatements;
    add('database statements', `${n(d.commits)} commits (${n(d.messagesPerCommit)} messages each), ${n(d.statements)} statements (${n(d.statementsPerCommit)} per commit: ${n(d.selects)} SELECT, ${n(d.updates)} UPDATE, ${n(d.inserts)} INSERT), ${n(d.fsyncs)} fsyncs`);
  }
  if (r.database) add('database server', `peak RSS ${n(r.database.peakRssMB)} MB, CPU ${n(r.database.cpuPercent)} % (peak ${n(r.database.peakCpuPercent)} %) of one core`);
  const lag = r.load.eventLoopDelayMs;
  add('load process', `CPU ${n(r.load.cpuPercent)} % (peak ${n(r.load.peakCpuPercent)} %)${lag ? `, event-loop delay p50 ${n(lag.p50)} p99 ${n(lag.p99)} max ${n(lag.max)} ms` : ''}`);
  if (r.otherCpuPercent !== undefined) add('other processes', `CPU ${n(r.otherCpuPercent)} % of one core${r.otherCpuPercent >= 20 ? ' (something else was busy on this machine: the figures are a lower bound)' : ''}`);
  for (const w of r.warnings) add('warning', w.split('\n')[0] ?? '');
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
