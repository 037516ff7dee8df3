/**
 * Everything one run owns, and gives back however it ends: the throwaway store, the server
 * child (and its successor after a restart), the load process, their samplers.
 */
import {randomBytes} from 'node:crypto';
import {readFileSync, readdirSync} from 'node:fs';
import {join, resolve} from 'node:path';
import type {Options} from './args.js';
import type {BenchCluster} from './cluster.js';
import {type BenchDatabase, createBenchDatabase} from './database.js';
import {LoadProcess} from './ipc.js';
import {MACHINE, type Sample, Sampler, type ServerMemory, type ServerProcess, type Usage, serverMemory, startServerProcess, usageOf} from './server-process.js';

export class Session {
  server: ServerProcess | undefined;
  serverSampler: Sampler | undefined;
  load: LoadProcess | undefined;
  loadSampler: Sampler | undefined;
  /** The process holding the run's last clients apart (search's searchers: Scenario.apart). */
  side: LoadProcess | undefined;
  sideSampler: Sampler | undefined;
  /** The whole machine's busy CPU time (/proc/stat), to tell what other processes took. */
  readonly machineSampler = new Sampler(MACHINE);
  /** The MySQL/MariaDB server's process, when it runs on this machine (found in /proc). */
  databaseSampler: Sampler | undefined;
  /** Samplers of every server process of the run (storm has two). */
  readonly serverSamplers: Sampler[] = [];
  /** --nodes: Redis and the nodes (cluster.ts); server is then node 1. */
  cluster: BenchCluster | undefined;
  readonly warnings: string[] = [];
  /** What a scenario started and must stop however the run ends (the client's tmux). */
  readonly cleanups: (() => Promise<void>)[] = [];
  /** A tag unique to the run, in every clientMsgId it sends. */
  readonly tag = `b${randomBytes(3).toString('hex')}`;
  private cleaned: Promise<void> | undefined;

  private constructor(readonly opts: Options, readonly db: BenchDatabase) {}

  static async create(opts: Options): Promise<Session> {
    const session = new Session(opts, await createBenchDatabase(opts.db));
    const pid = opts.db ? localDatabasePid(opts.db) : undefined;
    if (pid !== undefined) session.databaseSampler = new Sampler(pid);
    return session;
  }

  progress(text: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
  }

  warn(text: string): void {
    this.warnings.push(text);
    this.progress(`warning: ${text}`);
  }

  /** memoryProbe: the server can be asked for its memory after GC (serverMemory). */
  async startServer(port = 0, memoryProbe = false): Promise<ServerProcess> {
    const server = await startServerProcess({
      storeArgs: this.db.serverArgs,
      workDir: this.db.workDir,
      port,
      profileDir: this.opts.profile ? resolve(this.opts.profile) : undefined,
      memoryFile: memoryProbe ? this.memoryFile : undefined,
    });
    this.server = server;
    this.serverSampler = new Sampler(server.pid);
    this.serverSamplers.push(this.serverSampler);
    return server;
  }

  private get memoryFile(): string {
    return join(this.db.workDir, 'server-memory.json');
  }

  /** The server's memory after a full GC (a server started with memoryProbe). */
  serverMemory(): Promise<ServerMemory> {
    if (!this.server) return Promise.reject(new Error('no server'));
    return serverMemory(this.server, this.memoryFile);
  }

  /** Graceful stop (SIGTERM: the server stores every message it accepted), then waits. */
  async stopServer(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const code = await server.stop();
    this.serverSampler?.stop();
    if (code !== 0) this.warn(`chat-server exited with ${code}; log tail:\n${server.log().split('\n').slice(-10).join('\n')}`);
  }

  startLoad(): LoadProcess {
    this.load = new LoadProcess((text) => this.progress(text));
    this.loadSampler = new Sampler(this.load.pid);
    return this.load;
  }

  startSide(): LoadProcess {
    this.side = new LoadProcess((text) => this.progress(text));
    this.sideSampler = new Sampler(this.side.pid);
    return this.side;
  }

  /** Server usage between two times, over every server process of the run. */
  serverUsage(from = 0, to = Infinity): Usage {
    const current = this.serverSampler?.usage(from, to) ?? usageOf([]);
    const all: Sample[] = this.serverSamplers.flatMap((s) => s.samples);
    const peak = Math.max(0, ...all.map((s) => s.rssKB));
    return {...current, peakRssMB: Math.round((peak / 1024) * 10) / 10};
  }

  loadUsage(from = 0, to = Infinity): Usage {
    return this.loadSampler?.usage(from, to) ?? usageOf([]);
  }

  /**
   * CPU used by processes other than the server, the load processes and the local database
   * (another program, a test suite...): in % of one core. Only meaningful over a window.
   */
  otherCpuPercent(from: number, to: number): number {
    const machine = this.machineSampler.usage(from, to).cpuPercent;
    const ours = this.serverUsage(from, to).cpuPercent + this.loadUsage(from, to).cpuPercent + (this.databaseUsage(from, to)?.cpuPercent ?? 0) + (this.sideUsage(from, to)?.cpuPercent ?? 0);
    return Math.max(0, Math.round((machine - ours) * 10) / 10);
  }

  sideUsage(from = 0, to = Infinity): Usage | undefined {
    return this.sideSampler?.usage(from, to);
  }

  /** The database server's usage (undefined: SQLite, or a database on another machine). */
  databaseUsage(from = 0, to = Infinity): Usage | undefined {
    return this.databaseSampler?.usage(from, to);
  }

  /** Idempotent (every caller waits for the same cleanup); never throws. */
  cleanup(): Promise<void> {
    this.cleaned ??= this.clean();
    return this.cleaned;
  }

  private async clean(): Promise<void> {
    for (const cleanup of this.cleanups) await cleanup().catch(() => {});
    this.loadSampler?.stop();
    this.sideSampler?.stop();
    this.databaseSampler?.stop();
    this.machineSampler.stop();
    await this.load?.close().catch(() => {});
    await this.side?.close().catch(() => {});
    await this.cluster?.stop().catch(() => {});
    if (this.server) await this.server.stop(20_000).catch(() => {});
    for (const s of this.serverSamplers) s.stop();
    await this.db.drop().catch((error) => this.progress(`could not drop the benchmark store: ${error}`));
  }

  /** Kills the children at once (the coordinator is exiting without cleanup). */
  killNow(): void {
    this.server?.child.kill('SIGKILL');
    this.cluster?.killNow();
    this.load?.child.kill('SIGKILL');
    this.side?.child.kill('SIGKILL');
  }
}

/**
 * The pid of the mariadbd / mysqld process when the URL names this machine, so that the
 * database's CPU can be reported next to the server's (on a small machine the three
 * processes share the cores). Undefined when not found or not local.
 */
export function localDatabasePid(url: string): number | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
  if (!['127.0.0.1', 'localhost', '::1', ''].includes(host)) return undefined;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
        if (comm === 'mariadbd' || comm === 'mysqld') return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}
