/**
 * npm run bench -- --scenario NAME [...]: the coordinator. It seeds a throwaway store,
 * starts chat-server as a child process, forks the load process, times the scenario, stops
 * everything, counts what was stored and reports. See bench/README.md.
 */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {type Options, USAGE, UsageError, parseOptions} from './args.js';
import {measureCluster, startCluster} from './cluster.js';
import {type Result, machine, table} from './report.js';
import {countSentMessages, seedAccounts} from './seed.js';
import {Session} from './session.js';
import {client} from './scenarios/client.js';
import {dm} from './scenarios/dm.js';
import {history} from './scenarios/history.js';
import {idle} from './scenarios/idle.js';
import {search} from './scenarios/search.js';
import type {Scenario, Setup} from './scenarios/scenario.js';
import {storm} from './scenarios/storm.js';
import {throughput} from './scenarios/throughput.js';
import {fanout, salons} from './scenarios/traffic.js';

const SCENARIOS: Record<Options['scenario'], Scenario> = {fanout, salons, throughput, idle, storm, history, client, dm, search};

/** The soft limit on open files (ulimit -n), from /proc; undefined when unknown. */
function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/** The git commit the server was built from, when run from a checkout ('+' if modified). */
function commit(): string | undefined {
  const cwd = new URL('../..', import.meta.url);
  try {
    const git = (...args: string[]) => execFileSync('git', args, {cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
    return git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--', 'source', 'bin') ? '+' : '');
  } catch {
    return undefined;
  }
}

function checkOpenFiles(clients: number): void {
  const limit = openFileLimit();
  // The load process holds one socket per client, and so does the server, plus some spare.
  const needed = clients + 100;
  if (limit !== undefined && needed > limit) {
    throw new UsageError(
      `${clients} clients need about ${needed} open files in the load process and in the server, ` +
        `but the open-file limit (ulimit -n) is ${limit}. Raise it for this shell only ` +
        `(ulimit -n ${needed}, up to the hard limit, ulimit -Hn) or use fewer --clients.`,
    );
  }
}

async function bench(opts: Options, session: Session): Promise<Result> {
  const scenario = SCENARIOS[opts.scenario];
  const {db} = session;
  const seedStart = Date.now();
  session.progress(`store: ${db.kind === 'mysql' ? `MySQL database ${db.location}` : `SQLite in ${db.workDir}`}`);
  await db.migrate();
  session.progress(`seeding ${opts.clients.toLocaleString('en-US')} accounts with sessions`);
  const accounts = await seedAccounts(db, opts.clients, scenario.layout);
  await scenario.seed?.(session);
  const seedMs = Date.now() - seedStart;

  const serverStart = Date.now();
  const server = opts.nodes > 1 ? await startCluster(session) : await session.startServer(0, scenario.memoryProbe);
  const serverStartMs = Date.now() - serverStart;
  session.progress(`chat-server (pid ${server.pid}) listening on port ${server.port}`);

  const load = session.startLoad();
  const baselineRssKB = session.serverSampler?.take()?.rssKB ?? 0;
  const connectStart = Date.now();
  session.progress(`connecting ${opts.clients.toLocaleString('en-US')} clients (hello + resume)`);
  // Several nodes are measured by cluster-load.ts, whose clients are all in the load process.
  const apart = session.cluster ? 0 : Math.min(opts.clients, scenario.apart?.(opts) ?? 0);
  const connect = {cmd: 'connect', host: '127.0.0.1', port: server.port, secret: accounts.secret, layout: scenario.layout, concurrency: opts.concurrency, watchers: opts.watchers, timeoutMs: 1_200_000, ...(session.cluster ? {ports: session.cluster.ports} : {})} as const;
  const connected = await load.run({...connect, count: opts.clients - apart}, 'connected');
  if (apart > 0) {
    const side = await session.startSide().run({...connect, count: apart, first: opts.clients - apart}, 'connected');
    connected.connected += side.connected;
    connected.failed += side.failed;
    connected.framesIn += side.framesIn;
    connected.ms += side.ms;
    connected.firstError ??= side.firstError;
  }
  const connectEnd = Date.now();
  if (connected.failed > 0) session.warn(`${connected.failed} clients could not connect; first error: ${connected.firstError}`);
  if (connected.connected === 0) throw new Error(`no client could connect: ${connected.firstError}`);
  const setup: Setup = {connectStart, connectEnd, baselineRssKB, connections: connected.connected};

  const measured = session.cluster ? await measureCluster(session) : await scenario.measure(session, setup);
  session.loadSampler?.take();
  const loadUsage = session.loadUsage(connectEnd);
  // Server first: its shutdown closes every connection at once, where clients leaving one by
  // one would each make it tell all the others (presence).
  await load.run({cmd: 'expect-close'}, 'ok');
  await session.side?.run({cmd: 'expect-close'}, 'ok');
  await session.cluster?.stop();
  await session.stopServer();
  await load.close();
  await session.side?.close();
  if (measured.messages) measured.messages.stored = await countSentMessages(db, session.tag);

  const whole = session.serverUsage();
  return {
    scenario: opts.scenario,
    store: db.kind,
    location: db.location,
    date: new Date().toISOString(),
    machine: machine(),
    commit: commit(),
    config: {clients: opts.clients, senders: opts.senders, rate: opts.rate, durationS: opts.duration, messages: opts.messages, pages: opts.pages, watchers: opts.watchers, window: opts.scenario === 'throughput' && opts.rate === 0 ? opts.window : 0, ...(opts.changes > 0 ? {changes: opts.changes} : {}), ...(opts.scenario === 'search' ? {searchers: opts.searchers} : {})},
    connections: connected.connected,
    setup: {seedMs, serverStartMs, connectMs: connected.ms, connectsPerSec: connected.ms > 0 ? Math.round(connected.connected / (connected.ms / 1000)) : 0, framesWhileConnecting: connected.framesIn},
    ...measured,
    server: {...(measured.server ?? {rssMB: whole.lastRssMB, cpuPercent: whole.cpuPercent, peakCpuPercent: whole.peakCpuPercent}), peakRssMB: whole.peakRssMB},
    load: measured.load ?? {cpuPercent: loadUsage.cpuPercent, peakCpuPercent: loadUsage.peakCpuPercent},
    warnings: session.warnings,
  };
}

async function main(argv: string[]): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = parseOptions(argv);
    if (opts !== 'help') checkOpenFiles(opts.clients);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const session = await Session.create(opts);
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    session.progress('interrupted: cleaning up');
    void session.cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  process.once('exit', () => session.killNow());
  try {
    const result = await bench(opts, session);
    process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${table(result)}\n`);
    return 0;
  } catch (error) {
    if (interrupted) return 130;
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    const log = session.server?.log();
    if (log) process.stderr.write(`--- chat-server log (tail) ---\n${log.trimEnd().split('\n').slice(-20).join('\n')}\n`);
    return 1;
  } finally {
    await session.cleanup();
  }
}

process.exit(await main(process.argv.slice(2)));
