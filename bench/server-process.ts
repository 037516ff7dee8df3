/**
 * chat-server as a child process with the abuse limits lifted, its log in a file (a pipe
 * nobody reads would block it: stdout is synchronous on Linux), its port read from the
 * log; and a sampler of any process's CPU time and resident memory from /proc.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {closeSync, openSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/chat-server.js', import.meta.url));
const PROBE = new URL('./server-probe.js', import.meta.url).href;

export const ADMIN_ENV = {CHAT_ADMIN_USER: 'benchadmin', CHAT_ADMIN_PASSWORD: 'bench admin password'};

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** Resolves with the exit code, or the signal's name. */
  readonly exit: Promise<number | string | null>;
  /** SIGTERM (graceful: the server stores what it accepted), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string | null>;
  log(): string;
}

export interface ServerSpec {
  storeArgs: string[];
  workDir: string;
  /** 0: any free port. */
  port?: number;
  /** Writes a V8 CPU profile of the server into this directory when it exits. */
  profileDir?: string | undefined;
  /** Loads server-probe.js: memory after GC on request (serverMemory), written to this file. */
  memoryFile?: string | undefined;
}

/** process.memoryUsage() of the server after a full garbage collection, in bytes. */
export interface ServerMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

let started = 0;

export async function startServerProcess(spec: ServerSpec, timeoutMs = 120_000): Promise<ServerProcess> {
  const logFile = join(spec.workDir, `server-${++started}.log`);
  const fd = openSync(logFile, 'a');
  const nodeArgs = spec.profileDir ? ['--cpu-prof', '--cpu-prof-dir', spec.profileDir] : [];
  if (spec.memoryFile) nodeArgs.push('--expose-gc', '--import', PROBE);
  const args = [
    ...nodeArgs, BIN,
    '--host', '127.0.0.1', '--port', String(spec.port ?? 0), '--no-console', '--lang', 'en',
    '--message-rate', '1000000', '--max-connections-per-address', '1000000', '--idle-timeout', '3600',
    '--logins-per-address', '1000000', '--registrations-per-address', '1000000',
    ...spec.storeArgs,
  ];
  // Only what the server needs: CHAT_* variables of the caller's shell must not leak in.
  const env = {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...ADMIN_ENV, ...(spec.memoryFile ? {BENCH_MEMORY_FILE: spec.memoryFile} : {})};
  const child = spawn(process.execPath, args, {stdio: ['ignore', fd, fd], env});
  closeSync(fd);
  const exit = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async (graceMs = 60_000) => {
    if (alive()) child.kill('SIGTERM');
    const timer = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
    const code = await exit;
    clearTimeout(timer);
    return code;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = log().match(/waiting for connections on [^\s]*:(\d+)/);
    if (match) return {child, pid: child.pid as number, port: Number(match[1]), exit, stop, log};
    if (!alive() || Date.now() > deadline) {
      await stop(1000);
      throw new Error(`chat-server did not start (${alive() ? 'timeout' : `exit ${child.exitCode ?? child.signalCode}`}); its output:\n${tail(log())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Asks a server started with `memoryFile` to collect garbage and report its memory
 * (server-probe.js, on SIGUSR2); waits for the answer up to `timeoutMs`.
 */
export async function serverMemory(server: ServerProcess, file: string, timeoutMs = 10_000): Promise<ServerMemory> {
  const read = (): (ServerMemory & {probe: number}) | undefined => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ServerMemory & {probe: number};
    } catch {
      return undefined;
    }
  };
  const before = read()?.probe ?? 0;
  server.child.kill('SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = read();
    if (now && now.probe > before) return {rss: now.rss, heapTotal: now.heapTotal, heapUsed: now.heapUsed, external: now.external, arrayBuffers: now.arrayBuffers};
    if (Date.now() > deadline) throw new Error(`chat-server did not report its memory within ${timeoutMs} ms (server-probe.js not loaded?)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const tail = (text: string, lines = 30) => text.trimEnd().split('\n').slice(-lines).join('\n');

// ---- /proc sampling ---------------------------------------------------------------------

export interface Sample {
  /** Date.now() of the sample. */
  t: number;
  /** utime + stime, in seconds. */
  cpu: number;
  rssKB: number;
}

export interface Usage {
  /** CPU time over wall time, in % of one core (200 % = both cores of a 2-core machine). */
  cpuPercent: number;
  /** Highest CPU % over one sampling interval. */
  peakCpuPercent: number;
  peakRssMB: number;
  lastRssMB: number;
}

const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux the bench targets

/** MACHINE as a pid: the whole machine, from /proc/stat (busy = every state but idle and iowait; rssKB 0). */
export const MACHINE = 0;

export function readProc(pid: number): Sample | undefined {
  if (pid === MACHINE) return readMachine();
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return {t: Date.now(), cpu, rssKB};
  } catch {
    return undefined; // gone, or not Linux
  }
}

function readMachine(): Sample | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.split(/\s+/).slice(1, 9).map(Number) ?? [];
    if (fields.length < 8) return undefined;
    // user nice system idle iowait irq softirq steal
    const busy = fields.reduce((a, b) => a + b, 0) - (fields[3] ?? 0) - (fields[4] ?? 0);
    return {t: Date.now(), cpu: busy / CLOCK_TICKS, rssKB: 0};
  } catch {
    return undefined;
  }
}

/** Samples a process (or the MACHINE) every `intervalMs` until stopped or gone. */
export class Sampler {
  readonly samples: Sample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(readonly pid: number, intervalMs = 200) {
    this.take();
    this.timer = setInterval(() => this.take(), intervalMs);
    this.timer.unref();
  }

  take(): Sample | undefined {
    const sample = readProc(this.pid);
    if (sample) this.samples.push(sample);
    return sample;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** CPU and memory between two times (Date.now() values); the whole life by default. */
  usage(from = 0, to = Infinity): Usage {
    const inside = this.samples.filter((s) => s.t >= from && s.t <= to);
    return usageOf(inside);
  }
}

export function usageOf(samples: readonly Sample[]): Usage {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return {cpuPercent: 0, peakCpuPercent: 0, peakRssMB: 0, lastRssMB: 0};
  let peakCpu = 0;
  let peakRss = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as Sample;
    peakRss = Math.max(peakRss, s.rssKB);
    const prev = samples[i - 1];
    if (prev && s.t > prev.t) peakCpu = Math.max(peakCpu, ((s.cpu - prev.cpu) / ((s.t - prev.t) / 1000)) * 100);
  }
  const wall = (last.t - first.t) / 1000;
  const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
  return {
    cpuPercent: wall > 0 ? Math.round(((last.cpu - first.cpu) / wall) * 1000) / 10 : 0,
    peakCpuPercent: Math.round(peakCpu * 10) / 10,
    peakRssMB: mb(peakRss),
    lastRssMB: mb(last.rssKB),
  };
}
