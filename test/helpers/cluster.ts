/**
 * A chat cluster for tests: a private redis-server on a free port, a throwaway MariaDB
 * database, and N real chat-server processes (`--db ... --bus ... --node-id ...`), each
 * with its console on stdin, and protocol clients connected to them. Every child process
 * is killed and the database dropped when the test ends, even when it fails.
 *
 * Without MariaDB or redis-server (or haproxy, for the tests that ask for it) the tests
 * are skipped with a notice, except under CI=true, where that is a failure.
 */
import {type ChildProcess, type ChildProcessWithoutNullStreams, spawn} from 'node:child_process';
import {accessSync, constants, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync} from 'node:fs';
import {type AddressInfo, connect, createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {ExecutionContext} from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import type {LoginResult, MemberInfo, MessageInfo} from '../../source/protocol/frames.js';
import {type Database, MYSQL_ADMIN_URL, backends, isMysqlReachable} from './backends.js';
import {type Row, type SendLoop, sendLoop, sleep, storedMessages, until, within} from './common.js';
import {PASSWORD, type TestClient, wrap} from './server.js';

export {type Row, type Sent, ackedVersusStored, outcome, sleep, storedMessages, until, within} from './common.js';

export const BIN = fileURLToPath(new URL('../../../bin/chat-server.js', import.meta.url));
export const ADMIN = {CHAT_ADMIN_USER: 'admin', CHAT_ADMIN_PASSWORD: PASSWORD};

// ---------------------------------------------------------------------------------------
// Child processes: all of them die with the test worker, whatever happens.

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A timed-out test may end the worker before its teardown runs.
    process.once('exit', () => {
      for (const c of children) {
        try {
          c.kill('SIGCONT');
          c.kill('SIGKILL');
        } catch {}
      }
    });
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function exitOf(child: ChildProcess): Promise<number | string | null> {
  if (exited(child)) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const {port} = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Whether the process `pid` is the one listening on 127.0.0.1:port (Linux: /proc/net/tcp
 * gives the listening socket's inode, /proc/<pid>/fd the sockets the process holds). A
 * port found free and bound later may have been taken meanwhile by another test worker's
 * process: answering on the port proves nothing, owning the socket does. Where /proc is
 * not readable the answer is true, as before this check.
 */
export function ownsListener(pid: number | undefined, port: number): boolean {
  if (pid === undefined) return false;
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return true;
  }
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const row of table.split('\n').slice(1)) {
    const f = row.trim().split(/\s+/);
    if (f[1] === local && f[3] === '0A') inodes.add(`socket:[${f[9]}]`);
  }
  if (inodes.size === 0) return false;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

export function findBinary(name: string, extra: string[] = []): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const candidate of [...extra, ...dirs.map((d) => join(d, name)), `/usr/sbin/${name}`, `/usr/local/sbin/${name}`]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// What the tests need, and skipping without it.

const notified = new Set<string>();

/**
 * True when MariaDB and redis-server (and haproxy when asked) are there. Otherwise prints a
 * notice once, passes the test and returns false; under CI=true it throws instead.
 */
export async function clusterRequirements(t: ExecutionContext, needs: {haproxy?: boolean} = {}): Promise<boolean> {
  const missing: string[] = [];
  if (!(await isMysqlReachable())) missing.push(`MySQL/MariaDB is not reachable at ${MYSQL_ADMIN_URL} (set CHAT_TEST_MYSQL_URL)`);
  if (!findBinary('redis-server', ['/usr/bin/redis-server'])) missing.push('redis-server is not installed (apt-get install redis-server)');
  if (needs.haproxy && !findBinary('haproxy')) missing.push('haproxy is not installed (apt-get install haproxy)');
  if (missing.length === 0) return true;
  const reason = missing.join('; ');
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true the cluster tests must run.`);
  if (!notified.has(reason)) {
    notified.add(reason);
    console.log(`NOTICE: skipping cluster tests: ${reason}`);
  }
  t.pass();
  return false;
}

// ---------------------------------------------------------------------------------------
// Redis.

/** Sends one command in RESP and returns the first line of the reply ('+OK', '+PONG', ...). */
export function redisCommand(port: number, args: string[], timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({host: '127.0.0.1', port});
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis ${args[0]}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const end = data.indexOf('\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(data.slice(0, end));
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

export class RedisServer {
  private child: ChildProcess | undefined;
  private log = '';
  private frozen = false;
  private readonly dir = mkdtempSync(join(tmpdir(), 'chat-redis-'));

  private constructor(
    readonly binary: string,
    public port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  output(): string {
    return this.log;
  }

  /** Starts a private redis-server on a free port (retrying if the port was taken meanwhile). */
  static async start(): Promise<RedisServer> {
    const binary = findBinary('redis-server', ['/usr/bin/redis-server']);
    if (!binary) throw new Error('redis-server not found');
    let last: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const redis = new RedisServer(binary, await freePort());
      try {
        await redis.startAgain();
        return redis;
      } catch (error) {
        last = error;
        await redis.close();
      }
    }
    throw last;
  }

  /** Starts redis-server again on the same port, empty (nothing is persisted). */
  async startAgain(): Promise<void> {
    if (this.child && !exited(this.child)) throw new Error('redis-server is already running');
    const child = spawn(
      this.binary,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--protected-mode', 'no', '--daemonize', 'no'],
      {stdio: ['ignore', 'pipe', 'pipe']},
    );
    track(child);
    this.child = child;
    this.frozen = false;
    child.stdout?.on('data', (d) => (this.log += d));
    child.stderr?.on('data', (d) => (this.log += d));
    // Another worker's process may have taken the port since it was found free: the PONG
    // must come from our child.
    const ready = await until(
      async () => exited(child) || ((await redisCommand(this.port, ['PING'], 500).catch(() => '')) === '+PONG' && ownsListener(child.pid, this.port)),
      5000,
      30,
    );
    if (!ready || exited(child)) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${this.port}\n${this.log}`);
    }
  }

  /** Kills redis-server (SIGKILL): every link drops, every subscription and key is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || exited(child)) return;
    if (this.frozen) child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exitOf(child);
    this.frozen = false;
  }

  /** CLIENT PAUSE ms ALL: redis keeps its links but answers no client for `ms`. */
  async pause(ms: number): Promise<void> {
    const reply = await redisCommand(this.port, ['CLIENT', 'PAUSE', String(ms), 'ALL']);
    if (reply !== '+OK') throw new Error(`CLIENT PAUSE answered ${reply}`);
  }

  /** SIGSTOP: the process is frozen, its sockets stay open and nothing is answered. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT after freeze(). */
  thaw(): void {
    this.child?.kill('SIGCONT');
    this.frozen = false;
  }

  async ping(timeoutMs = 500): Promise<boolean> {
    return (await redisCommand(this.port, ['PING'], timeoutMs).catch(() => '')) === '+PONG';
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, {recursive: true, force: true});
  }
}

// ---------------------------------------------------------------------------------------
// Nodes.

/** A logged-in test client, with what it needs to come back. */
export interface User extends TestClient {
  username: string;
  token: string;
  login: LoginResult;
}

export interface ChatNode {
  readonly id: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** The port from the "waiting for connections" notice (0 until it is printed). */
  port: number;
  /** stdout and stderr, interleaved as they came. */
  output(): string;
  /** stderr alone. */
  errors(): string;
  /** The exit code, or the signal's name. */
  readonly exit: Promise<number | string | null>;
  readonly running: boolean;
  /** Where the output is now: waitFor(pattern, {from: mark()}) ignores what came before. */
  mark(): number;
  waitFor(pattern: RegExp, options?: {from?: number; timeoutMs?: number}): Promise<RegExpMatchArray>;
  /** Types a line on the console. */
  type(line: string): void;
  /** Types a console command and waits for a matching line printed after it. */
  command(line: string, reply: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends the signal (SIGKILL by default) and, for SIGKILL/SIGTERM, waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  connect(): Promise<TestClient>;
  /** Registers (unless told not to) and logs in. */
  user(username: string, options?: {register?: boolean}): Promise<User>;
  /** Connects and resumes with a token. */
  resume(username: string, token: string): Promise<User>;
}

export interface NodeOptions {
  id: string;
  /** mysql://... ; without it, SQLite in `dataDir`. */
  dbUrl?: string;
  dataDir?: string;
  busUrl?: string;
  /** Extra flags. */
  args?: string[];
  env?: Record<string, string>;
  /** Wait for the listening notice (default true). */
  listening?: boolean;
}

export function spawnNode(options: NodeOptions): ChatNode {
  const args = [
    BIN,
    ...(options.dbUrl ? ['--db', options.dbUrl] : ['--data-dir', options.dataDir ?? tmpdir()]),
    ...(options.busUrl ? ['--bus', options.busUrl] : []),
    '--node-id',
    options.id,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--lang',
    'en',
    '--message-rate',
    '1000000',
    '--logins-per-address',
    '1000000',
    '--registrations-per-address',
    '1000000',
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...ADMIN, ...options.env},
  });
  track(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => ((out += d), (err += d)));
  child.stdin.on('error', () => {});
  const exit = exitOf(child);
  const clients: TestClient[] = [];

  const waitFor = async (pattern: RegExp, {from = 0, timeoutMs = 15_000}: {from?: number; timeoutMs?: number} = {}) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = out.slice(from).match(pattern);
      if (match) return match;
      if (exited(child)) throw new Error(`node ${options.id} exited before printing ${pattern}\n--- output of ${options.id} ---\n${out}`);
      if (Date.now() > deadline) throw new Error(`node ${options.id} did not print ${pattern} within ${timeoutMs} ms\n--- output of ${options.id} ---\n${out}`);
      await sleep(20);
    }
  };

  const node: ChatNode = {
    id: options.id,
    child,
    port: 0,
    exit,
    output: () => out,
    errors: () => err,
    get running() {
      return !exited(child);
    },
    mark: () => out.length,
    waitFor,
    type(line) {
      child.stdin.write(line + '\n');
    },
    async command(line, reply, timeoutMs = 10_000) {
      const from = out.length;
      node.type(line);
      return waitFor(reply, {from, timeoutMs});
    },
    async kill(signal = 'SIGKILL') {
      if (exited(child)) return;
      child.kill(signal);
      if (signal === 'SIGKILL' || signal === 'SIGTERM') await within(10_000, exit, `node ${options.id} exiting after ${signal}`);
    },
    async connect() {
      if (!node.port) throw new Error(`node ${options.id} is not listening`);
      const client = wrap(await ClientConnection.open({host: '127.0.0.1', port: node.port}));
      clients.push(client);
      return client;
    },
    async user(username, {register = true} = {}) {
      const client = await node.connect();
      if (register) await client.request('register', {username, alias: aliasOf(username), password: PASSWORD});
      const login = (await client.request('login', {username, password: PASSWORD})) as LoginResult;
      return Object.assign(client, {username, token: login.token, login});
    },
    async resume(username, token) {
      const client = await node.connect();
      const login = (await client.request('resume', {token})) as LoginResult;
      return Object.assign(client, {username, token, login});
    },
  };
  exit.then(() => {
    for (const c of clients) c.conn.socket.destroy();
  });
  return node;
}

export const aliasOf = (username: string) => username.charAt(0).toUpperCase() + username.slice(1);

const LISTENING = /waiting for connections on 127\.0\.0\.1:(\d+)/;

async function listening(node: ChatNode, timeoutMs = 30_000): Promise<ChatNode> {
  node.port = Number((await node.waitFor(LISTENING, {timeoutMs}))[1]);
  return node;
}

// ---------------------------------------------------------------------------------------
// The cluster.

export interface Cluster {
  db: Database;
  redis: RedisServer;
  nodes: ChatNode[];
  /** Starts one more node on the same database and Redis. */
  addNode(id?: string): Promise<ChatNode>;
  /** Registers a cleanup, run (in reverse order) when the test ends. */
  onCleanup(fn: () => Promise<void> | void): void;
  /** Every stored message, by salon then seq. */
  stored(): Promise<Row[]>;
  /** Where each node's output is now, for loginsOf. */
  marks(): Map<ChatNode, number>;
  /** The running nodes whose console reported a login of the user (since the marks). */
  loginsOf(username: string, since?: Map<ChatNode, number>): ChatNode[];
}

/**
 * Starts Redis, a throwaway database and `nodes` nodes named n1, n2, ... The first node
 * creates the schema and the moderator; the others start once it listens, unless
 * `together` (then all start at once on the empty database).
 */
export async function startCluster(
  t: ExecutionContext,
  {nodes = 3, together = false, nodeArgs}: {nodes?: number; together?: boolean; nodeArgs?: (id: string) => string[]} = {},
): Promise<Cluster> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const all: ChatNode[] = [];
  t.teardown(async () => {
    if (!t.passed) {
      // What the nodes printed, to diagnose a failure.
      for (const n of all) console.error(`--- ${t.title}: output of ${n.id} (last 4000 characters) ---\n${n.output().slice(-4000)}`);
    }
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error('cluster cleanup:', error);
      }
    }
  });
  const mysql = backends.find((b) => b.name === 'mysql');
  if (!mysql) throw new Error('no mysql backend');
  const db = await mysql.create();
  cleanups.push(() => db.drop());
  const redis = await RedisServer.start();
  cleanups.push(() => redis.close());

  let counter = 0;
  const spawnOne = (id = `n${++counter}`) => {
    const node = spawnNode({id, dbUrl: db.url as string, busUrl: redis.url, args: nodeArgs?.(id) ?? []});
    all.push(node);
    cleanups.push(async () => {
      if (node.running) node.child.kill('SIGCONT');
      await node.kill('SIGKILL');
    });
    return node;
  };
  const dump = () => all.map((n) => `--- ${n.id} ---\n${n.output()}`).join('\n');
  try {
    if (together) {
      await Promise.all(Array.from({length: nodes}, () => listening(spawnOne())));
    } else {
      await listening(spawnOne());
      await Promise.all(Array.from({length: nodes - 1}, () => listening(spawnOne())));
    }
  } catch (error) {
    t.log(dump());
    throw error;
  }

  return {
    db,
    redis,
    nodes: all,
    addNode: async (id) => listening(spawnOne(id)),
    onCleanup: (fn) => void cleanups.push(fn),
    stored: () => storedMessages(db),
    marks: () => new Map(all.map((n) => [n, n.mark()])),
    loginsOf(username, since) {
      const notice = `Connection established with ${username} (`;
      return all.filter((n) => n.running && n.output().slice(since?.get(n) ?? 0).includes(notice));
    },
  };
}

// ---------------------------------------------------------------------------------------
// Messages as users saw them.

/** The `message` events of one salon a client received, in arrival order. */
export function received(client: TestClient, salon: number): MessageInfo[] {
  return client.events.filter((e) => e.event === 'message' && e.salon === salon) as unknown as MessageInfo[];
}

/** "seq:id:text", the form transcripts are compared in. */
export const line = (m: {seq: number; id: number; text: string}) => `${m.seq}:${m.id}:${m.text}`;

/** The stored transcript of one salon. */
export function storedTranscript(rows: readonly Row[], salon: number): string[] {
  return rows.filter((r) => r.salon === salon).map(line);
}

/** What a client received live in one salon, as lines, in arrival order (duplicates kept). */
export function liveTranscript(client: TestClient, salon: number): string[] {
  return received(client, salon).map(line);
}

/**
 * Problems in a transcript received live: it must be seq 1, 2, 3... in arrival order, no
 * gap, no duplicate (messages received before `fromSeq` are not expected).
 */
export function sequenceProblems(messages: readonly {seq: number}[], fromSeq = 1): string[] {
  const problems: string[] = [];
  let expected = fromSeq;
  for (const m of messages) {
    if (m.seq !== expected) problems.push(m.seq < expected ? `seq ${m.seq} again after ${expected - 1}` : `seq ${m.seq} after ${expected - 1} (gap)`);
    expected = Math.max(expected, m.seq + 1);
  }
  return problems.slice(0, 10);
}

/**
 * Pages through `history` with `after` from `afterSeq` to the end: what a client fetches
 * after a reconnect.
 */
export async function catchUp(client: TestClient, salon: number, afterSeq: number): Promise<MessageInfo[]> {
  const pages: MessageInfo[] = [];
  for (let after = afterSeq; ; ) {
    const page = (await client.request('history', {salon, after, limit: 200})) as {messages: MessageInfo[]; hasMore: boolean};
    pages.push(...page.messages);
    if (!page.hasMore || page.messages.length === 0) return pages;
    after = pages.at(-1)!.seq;
  }
}

/**
 * A client's view of a salon after applying the protocol's rules (section 7): messages by
 * seq, each once. Conflicts (one seq, two different messages) are reported.
 */
export function merge(...parts: readonly (readonly MessageInfo[])[]): {lines: string[]; conflicts: string[]} {
  const bySeq = new Map<number, string>();
  const conflicts: string[] = [];
  for (const m of parts.flat()) {
    const known = bySeq.get(m.seq);
    if (known !== undefined && known !== line(m)) conflicts.push(`seq ${m.seq}: ${known} and ${line(m)}`);
    else bySeq.set(m.seq, line(m));
  }
  return {lines: [...bySeq].sort(([a], [b]) => a - b).map(([, l]) => l), conflicts};
}

/** The `members` list of a salon as a connection sees it: username -> online. */
export async function onlineMap(client: TestClient, salon: number): Promise<Record<string, boolean>> {
  const result = (await client.request('members', {salon})) as {members: MemberInfo[]};
  return Object.fromEntries(result.members.map((m) => [m.username, m.online]));
}

/** Each client sends continuously to the given salons in turn, `window` sends in flight. */
export function burst(clients: readonly User[], {window = 2, salons = [1, 2], prefix = 'b'}: {window?: number; salons?: number[]; prefix?: string} = {}): SendLoop {
  return sendLoop(
    clients.map((client) => ({user: client.username, client})),
    {window, salons, prefix},
  );
}

// ---------------------------------------------------------------------------------------
// HAProxy.

export interface HAProxy {
  port: number;
  config: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts haproxy in the foreground (-db) on a rendered copy of a config, on a free port for
 * the frontend (retried if another process takes it first): the frontend replaces
 * 127.0.0.1:5000 and the node ports replace 127.0.0.1:5001, :5002, :5003.
 */
export async function startHAProxy(template: string, nodePorts: readonly number[]): Promise<HAProxy> {
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await startHAProxyOn(template, await freePort(), nodePorts);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

async function startHAProxyOn(template: string, frontend: number, nodePorts: readonly number[]): Promise<HAProxy> {
  const binary = findBinary('haproxy');
  if (!binary) throw new Error('haproxy not found');
  let config = template.replaceAll('127.0.0.1:5000', `127.0.0.1:${frontend}`);
  nodePorts.forEach((port, i) => (config = config.replaceAll(`127.0.0.1:${5001 + i}`, `127.0.0.1:${port}`)));
  const dir = mkdtempSync(join(tmpdir(), 'chat-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child = spawn(binary, ['-db', '-f', file], {stdio: ['ignore', 'pipe', 'pipe']});
  track(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const stop = async () => {
    if (!exited(child)) {
      child.kill('SIGKILL');
      await exitOf(child);
    }
    rmSync(dir, {recursive: true, force: true});
  };
  // Up when haproxy itself holds the frontend port, not merely when something answers there.
  const up = await until(() => exited(child) || ownsListener(child.pid, frontend), 10_000, 50);
  if (!up || exited(child)) {
    await stop();
    throw new Error(`haproxy did not start on port ${frontend}\n--- config ---\n${config}\n--- output ---\n${out}`);
  }
  return {port: frontend, config, output: () => out, stop};
}
