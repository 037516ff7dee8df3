/**
 * `--nodes N` (fanout, salons; MySQL only): a private redis-server on a free port, N
 * chat-server nodes on the run's throwaway MySQL database joined by it (`--bus
 * redis://... --node-id nK`), client i on node i mod N. Reports same-node and cross-node
 * latency, lost and duplicated deliveries by seq, per-node CPU and memory, Redis's CPU,
 * and the database's row-lock waits. `--kill-node`: SIGKILL the last node in the middle of
 * the traffic; its clients fail over (cluster-load.ts) and the run says how long until all
 * of them were back and caught up. See bench/README.md, "Several nodes".
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {accessSync, closeSync, constants, openSync, readFileSync} from 'node:fs';
import {type AddressInfo, connect, createServer} from 'node:net';
import {delimiter, join, resolve} from 'node:path';
import type {ClusterTrafficReport, FailoverReport} from './cluster-load.js';
import type {Result} from './report.js';
import {drainFor} from './scenarios/scenario.js';
import {trafficFields} from './scenarios/traffic.js';
import {Sampler, type ServerProcess, startServerProcess, tail} from './server-process.js';
import type {Session} from './session.js';
import {type Summary, summarize} from './stats.js';

/** Counted by seq in the load process; documented in cluster-load.ts. */
type SeqAccount = Pick<ClusterTrafficReport, 'lost' | 'duplicated' | 'overlap' | 'caughtUp' | 'checkedMessages' | 'lostExamples'>;

export interface ClusterResult extends SeqAccount {
  /** Per node, over the traffic (a killed node: until it died). */
  nodes: {id: string; port: number; clients: number; killed: boolean; cpuPercent: number; peakCpuPercent: number; peakRssMB: number; rssMB: number}[];
  redis: {port: number; cpuPercent: number; peakCpuPercent: number; peakRssMB: number};
  sameNodeLatencyMs: Summary;
  crossNodeLatencyMs: Summary;
  /** MySQL row-lock waits over the traffic (Innodb_row_lock_waits, _time ms): the salons' counter rows. */
  rowLockWaits?: number;
  rowLockTimeMs?: number;
  kill?: Pick<FailoverReport, 'dropped' | 'resumed' | 'caughtUp' | 'retries' | 'errors' | 'unacknowledged' | 'resent' | 'resentAcknowledged' | 'fetched'> & {
    node: string;
    /** From the first send to the SIGKILL. */
    atMs: number;
    /** Clients that were on it. */
    clients: number;
    /** SIGKILL → the last of its clients saw its connection close. */
    lastCloseMs: number;
    /** SIGKILL → the last one resumed / caught up (history up to its resume's lastSeq). */
    lastResumeMs: number;
    allBackMs: number;
    perClientBackMs: Summary;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function findRedis(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const candidate of [...dirs.map((d) => join(d, 'redis-server')), '/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const {port} = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

function ping(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect({host: '127.0.0.1', port});
    const done = (answer: boolean) => {
      socket.destroy();
      ok(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
    socket.write('*1\r\n$4\r\nPING\r\n');
  });
}

export class BenchCluster {
  readonly nodes: ServerProcess[] = [];
  readonly samplers: Sampler[] = [];
  readonly killed = new Set<number>();
  redis: ChildProcess | undefined;
  redisSampler: Sampler | undefined;
  redisPort = 0;
  private redisLog = '';

  constructor(private readonly session: Session) {}

  get ports(): number[] {
    return this.nodes.map((n) => n.port);
  }

  get busUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}`;
  }

  /** redis-server on a free port, nothing persisted; retried if the port was taken meanwhile. */
  async startRedis(): Promise<void> {
    const binary = findRedis();
    if (!binary) throw new Error('--nodes needs redis-server (apt-get install redis-server), and it was not found');
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const logFile = join(this.session.db.workDir, `redis-${port}.log`);
      const fd = openSync(logFile, 'a');
      const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.session.db.workDir, '--protected-mode', 'no', '--daemonize', 'no'], {stdio: ['ignore', fd, fd]});
      closeSync(fd);
      const deadline = Date.now() + 5000;
      while (child.exitCode === null && Date.now() < deadline && !(await ping(port))) await sleep(30);
      if (child.exitCode === null && (await ping(port))) {
        this.redis = child;
        this.redisPort = port;
        this.redisLog = logFile;
        this.redisSampler = new Sampler(child.pid as number);
        return;
      }
      child.kill('SIGKILL');
      if (attempt >= 4) throw new Error(`redis-server did not start on port ${port}:\n${tail(readFileSync(logFile, 'utf8'))}`);
    }
  }

  /** N nodes on the run's database and the bus, in parallel; node 1 becomes session.server. */
  async startNodes(count: number): Promise<ServerProcess> {
    const {db, opts} = this.session;
    const settled = await Promise.allSettled(
      Array.from({length: count}, (_, k) =>
        startServerProcess({
          storeArgs: [...db.serverArgs, '--bus', this.busUrl, '--node-id', `n${k + 1}`],
          workDir: db.workDir,
          profileDir: opts.profile ? resolve(opts.profile) : undefined,
        }),
      ),
    );
    // Every node that did start is ours to stop, even when another one failed.
    const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const node of started) {
      this.nodes.push(node);
      const sampler = new Sampler(node.pid);
      this.samplers.push(sampler);
      this.session.serverSamplers.push(sampler);
    }
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const first = started[0] as ServerProcess;
    this.session.server = first;
    this.session.serverSampler = this.samplers[0];
    // Heartbeats every second: let every node hear the others before the clients come.
    await sleep(1500);
    return first;
  }

  kill(k: number): void {
    this.killed.add(k);
    this.nodes[k]?.child.kill('SIGKILL');
  }

  /** SIGTERM to every node at once (they store what they accepted), then Redis. */
  async stop(): Promise<void> {
    const codes = await Promise.all(this.nodes.map((n) => n.stop(20_000)));
    codes.forEach((code, k) => {
      if (!this.killed.has(k) && code !== 0) this.session.warn(`node n${k + 1} exited with ${code}; log tail:\n${tail(this.nodes[k]?.log() ?? '', 10)}`);
    });
    for (const s of this.samplers) s.stop();
    await this.stopRedis();
  }

  private async stopRedis(): Promise<void> {
    const redis = this.redis;
    this.redisSampler?.stop();
    if (!redis || redis.exitCode !== null || redis.signalCode !== null) return;
    const gone = new Promise((r) => redis.once('exit', r));
    redis.kill('SIGTERM');
    const timer = setTimeout(() => redis.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }

  killNow(): void {
    for (const n of this.nodes) n.child.kill('SIGKILL');
    this.redis?.kill('SIGKILL');
  }

  redisLogTail(): string {
    try {
      return tail(readFileSync(this.redisLog, 'utf8'));
    } catch {
      return '';
    }
  }
}

/** run.ts: starts Redis and the nodes; the cluster is then session.cluster (cleaned up with the session). */
export async function startCluster(session: Session): Promise<ServerProcess> {
  const cluster = new BenchCluster(session);
  session.cluster = cluster;
  await cluster.startRedis();
  session.progress(`redis-server (pid ${cluster.redis?.pid}) on port ${cluster.redisPort}`);
  const first = await cluster.startNodes(session.opts.nodes);
  session.progress(`${cluster.nodes.length} chat-server nodes on ports ${cluster.ports.join(', ')} (pids ${cluster.nodes.map((n) => n.pid).join(', ')})`);
  return first;
}

async function rowLocks(session: Session): Promise<{waits: number; timeMs: number} | undefined> {
  if (session.db.kind !== 'mysql') return undefined;
  try {
    const read = (name: string) => session.db.count(`SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '${name}'`);
    return {waits: await read('INNODB_ROW_LOCK_WAITS'), timeMs: await read('INNODB_ROW_LOCK_TIME')};
  } catch {
    return undefined;
  }
}

/** fanout / salons over the cluster (run.ts calls this instead of the scenario's measure). */
export async function measureCluster(session: Session): Promise<Partial<Result>> {
  const cluster = session.cluster;
  const load = session.load;
  if (!cluster || !load) throw new Error('no cluster');
  const {senders, rate, duration, killNode} = session.opts;
  const durationMs = Math.round(duration * 1000);
  const victim = killNode ? cluster.nodes.length - 1 : undefined;
  // A node that died before publishing its last batch: the others read it from the
  // database within 5 s (their periodic comparison); the drain must outwait that.
  const drain = drainFor(duration);
  if (victim !== undefined) drain.drainIdleMs = 15_000;
  session.progress(`sending ${rate} msgs/s from ${senders} senders for ${duration} s over ${cluster.nodes.length} nodes${victim !== undefined ? `; SIGKILL to n${victim + 1} after ${duration / 2} s` : ''}`);
  const locksBefore = await rowLocks(session);
  let killAt = 0;
  const timer =
    victim === undefined
      ? undefined
      : setTimeout(() => {
          killAt = Date.now();
          cluster.kill(victim);
          session.progress(`SIGKILL to n${victim + 1} (pid ${cluster.nodes[victim]?.pid})`);
        }, durationMs / 2);
  let report;
  try {
    report = await load.run(
      {cmd: 'traffic', senders, rate, window: 0, changes: 0, durationMs, tag: session.tag, ...drain, ...(victim === undefined ? {} : {failover: {killedNode: victim, timeoutMs: 60_000 + durationMs}})},
      'traffic',
    );
  } finally {
    clearTimeout(timer);
  }
  const locksAfter = await rowLocks(session);
  const fields = trafficFields(session, report, rate);
  const c = report.cluster as ClusterTrafficReport;
  const end = Math.max(report.sendEndAt, report.lastAckAt, report.lastDeliveryAt);
  const usages = cluster.samplers.map((s) => s.usage(report.firstSendAt, end));
  const redis = cluster.redisSampler?.usage(report.firstSendAt, end);
  const result: ClusterResult = {
    nodes: cluster.nodes.map((n, k) => ({
      id: `n${k + 1}`,
      port: n.port,
      clients: c.clientsPerNode[k] ?? 0,
      killed: cluster.killed.has(k),
      cpuPercent: usages[k]?.cpuPercent ?? 0,
      peakCpuPercent: usages[k]?.peakCpuPercent ?? 0,
      peakRssMB: cluster.samplers[k]?.usage().peakRssMB ?? 0,
      rssMB: usages[k]?.lastRssMB ?? 0,
    })),
    redis: {port: cluster.redisPort, cpuPercent: redis?.cpuPercent ?? 0, peakCpuPercent: redis?.peakCpuPercent ?? 0, peakRssMB: redis?.peakRssMB ?? 0},
    sameNodeLatencyMs: c.sameNodeLatency,
    crossNodeLatencyMs: c.crossNodeLatency,
    lost: c.lost,
    duplicated: c.duplicated,
    overlap: c.overlap,
    caughtUp: c.caughtUp,
    checkedMessages: c.checkedMessages,
    lostExamples: c.lostExamples,
    ...(locksBefore && locksAfter ? {rowLockWaits: locksAfter.waits - locksBefore.waits, rowLockTimeMs: locksAfter.timeMs - locksBefore.timeMs} : {}),
  };
  const f = c.failover;
  if (f && victim !== undefined) {
    const since = (t: number) => (t > 0 && killAt > 0 ? t - killAt : -1);
    const clients = c.clientsPerNode[victim] ?? 0;
    result.kill = {
      node: `n${victim + 1}`,
      atMs: killAt > 0 ? killAt - report.firstSendAt : -1,
      clients,
      dropped: f.dropped,
      resumed: f.resumed,
      caughtUp: f.caughtUp,
      lastCloseMs: since(f.lastCloseAt),
      lastResumeMs: since(f.lastResumedAt),
      allBackMs: f.caughtUp === clients ? since(f.lastCaughtUpAt) : -1,
      perClientBackMs: summarize(f.caughtUpAt.map((t) => t - killAt)),
      retries: f.retries,
      errors: f.errors,
      unacknowledged: f.unacknowledged,
      resent: f.resent,
      resentAcknowledged: f.resentAcknowledged,
      fetched: f.fetched,
    };
    if (killAt === 0) session.warn('the traffic ended before the node was killed');
    else if (f.caughtUp < clients) session.warn(`${clients - f.caughtUp} of the ${clients} clients of the killed node did not come back and catch up`);
  }
  if (c.lost > 0) session.warn(`${c.lost} acknowledged deliveries lost, e.g. ${c.lostExamples.join('; ')}`);
  if (c.duplicated > 0) session.warn(`${c.duplicated} deliveries duplicated (same seq twice to a client)`);
  // The server row: every node together (CPU summed); peak RSS: the largest node (run.ts).
  const sum = (pick: (u: (typeof usages)[number]) => number) => Math.round(usages.reduce((a, u) => a + pick(u), 0) * 10) / 10;
  // otherCpuPercent counted node 1 only as "the server": the other nodes and Redis are ours too.
  const ours = usages.slice(1).reduce((a, u) => a + u.cpuPercent, 0) + (redis?.cpuPercent ?? 0);
  const other = Math.max(0, Math.round(((fields.otherCpuPercent ?? 0) - ours) * 10) / 10);
  return {
    ...fields,
    otherCpuPercent: other,
    server: {peakRssMB: 0, rssMB: sum((u) => u.lastRssMB), cpuPercent: sum((u) => u.cpuPercent), peakCpuPercent: sum((u) => u.peakCpuPercent)},
    cluster: result,
  };
}

const n = (value: number) => (Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', {maximumFractionDigits: 1}));
const ms = (s: Summary) => `p50 ${n(s.p50)}  p95 ${n(s.p95)}  p99 ${n(s.p99)}  max ${n(s.max)}  (n=${n(s.count)})`;

/** The table's rows for --nodes (report.ts calls it). */
export function clusterRows(c: ClusterResult, add: (label: string, value: string) => void): void {
  add('nodes', c.nodes.map((x) => `${x.id}: ${n(x.clients)} clients, CPU ${n(x.cpuPercent)} % (peak ${n(x.peakCpuPercent)} %), peak RSS ${n(x.peakRssMB)} MB${x.killed ? ', KILLED' : ''}`).join('; '));
  add('redis', `CPU ${n(c.redis.cpuPercent)} % (peak ${n(c.redis.peakCpuPercent)} %), peak RSS ${n(c.redis.peakRssMB)} MB`);
  add('same-node latency ms', ms(c.sameNodeLatencyMs));
  add('cross-node latency ms', ms(c.crossNodeLatencyMs));
  add('by seq', `lost ${n(c.lost)}, duplicated ${n(c.duplicated)} (${n(c.checkedMessages)} acknowledged messages checked against every member; ${n(c.caughtUp)} deliveries made good by history, ${n(c.overlap)} fetched again after a live receipt)`);
  if (c.rowLockWaits !== undefined) add('row-lock waits', `${n(c.rowLockWaits)} waits, ${n(c.rowLockTimeMs ?? 0)} ms waited in total (whole database server)`);
  const k = c.kill;
  if (k) {
    const errors = Object.entries(k.errors).map(([e, v]) => `${e} ${v}`).join(', ');
    add('kill', `SIGKILL to ${k.node} at ${n(k.atMs)} ms; ${n(k.dropped)} of its ${n(k.clients)} clients dropped (last close seen +${n(k.lastCloseMs)} ms), ${n(k.resumed)} resumed elsewhere (last +${n(k.lastResumeMs)} ms), ${n(k.caughtUp)} caught up`);
    add('kill → all back', `${k.allBackMs >= 0 ? `${n(k.allBackMs)} ms` : 'NOT all back'} (per client: ${ms(k.perClientBackMs)}); ${n(k.retries)} retried attempts${errors ? ` (${errors})` : ''}, ${n(k.fetched)} messages fetched`);
    add('in flight at the kill', `${n(k.unacknowledged)} sends unacknowledged, ${n(k.resent)} resent with the same clientMsgId, ${n(k.resentAcknowledged)} acknowledged on the new node`);
  }
}
