/**
 * Shared by the fault tests: the real chat-server binary as a child process, a TCP proxy
 * that can cut the server off from MariaDB, and reading messages back as stored.
 */
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process';
import {type AddressInfo, type Server, type Socket, connect, createServer} from 'node:net';
import {fileURLToPath} from 'node:url';
import {ClientConnection} from '../../source/client/connection.js';
import type {Database} from '../helpers/backends.js';
import {type Row, type SendLoop, sendLoop} from '../helpers/common.js';
import {PASSWORD, type TestClient, wrap} from '../helpers/server.js';

export type {MessageInfo} from '../../source/protocol/frames.js';
export {type Row, type Sent, outcome, sleep, storedMessages, until, within} from '../helpers/common.js';

const BIN = fileURLToPath(new URL('../../../bin/chat-server.js', import.meta.url));

export const ADMIN = {CHAT_ADMIN_USER: 'admin', CHAT_ADMIN_PASSWORD: PASSWORD};

export interface Binary {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  output(): string;
  /** Resolves with the exit code, or the signal name when killed. */
  readonly exit: Promise<number | string | null>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  connect(): Promise<TestClient>;
  /** Registers (unless told not to), logs in, returns the client. */
  user(username: string, options?: {register?: boolean}): Promise<TestClient>;
  /** SIGKILL, then waits for the process to be gone. Safe to call twice. */
  kill(): Promise<void>;
}

export function storeArgs(db: {url: string | undefined; dataDir: string}, url = db.url): string[] {
  return url ? ['--db', url] : ['--data-dir', db.dataDir];
}

/**
 * Starts `chat-server --no-console` on port 0 and waits until it listens. The tests send
 * faster than people type, so the per-connection message rate is lifted.
 */
export async function startBinary(args: string[]): Promise<Binary> {
  const flags = ['--host', '127.0.0.1', '--port', '0', '--no-console', '--lang', 'en', '--message-rate', '1000000', '--logins-per-address', '1000000', '--registrations-per-address', '1000000'];
  const child = spawn(process.execPath, [BIN, ...flags, ...args], {
    env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...ADMIN},
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exit = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const clients: TestClient[] = [];
  const waitFor = async (pattern: RegExp, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = out.match(pattern);
      if (match) return match;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`chat-server exited before ${pattern}\n--- output ---\n${out}`);
      if (Date.now() > deadline) throw new Error(`not seen: ${pattern}\n--- output ---\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
    for (const c of clients) c.conn.socket.destroy();
  };
  let port: number;
  try {
    port = Number((await waitFor(/waiting for connections on 127\.0\.0\.1:(\d+)/))[1]);
  } catch (error) {
    await kill();
    throw error;
  }
  const connectClient = async () => {
    const client = wrap(await ClientConnection.open({host: '127.0.0.1', port}));
    clients.push(client);
    return client;
  };
  return {
    child,
    port,
    exit,
    output: () => out,
    waitFor,
    connect: connectClient,
    async user(username, options = {}) {
      const client = await connectClient();
      if (options.register !== false) {
        await client.request('register', {username, alias: username.charAt(0).toUpperCase() + username.slice(1), password: PASSWORD});
      }
      await client.request('login', {username, password: PASSWORD});
      return client;
    },
    kill,
  };
}

/** Problems with the per-salon sequence: each salon must hold 1..n and its counter n. */
export async function seqProblems(db: Database, rows: readonly Row[]): Promise<string[]> {
  const problems: string[] = [];
  const bySalon = new Map<number, number[]>();
  for (const r of rows) bySalon.set(r.salon, [...(bySalon.get(r.salon) ?? []), r.seq]);
  for (const [salon, seqs] of bySalon) {
    seqs.forEach((seq, i) => {
      if (seq !== i + 1) problems.push(`salon ${salon}: position ${i + 1} holds seq ${seq}`);
    });
  }
  const counters = await db.query<Record<string, unknown>>('SELECT salon_id, seq FROM salons');
  for (const c of counters) {
    const n = bySalon.get(Number(c.salon_id))?.length ?? 0;
    if (Number(c.seq) !== n) problems.push(`salon ${String(c.salon_id)}: counter ${String(c.seq)} but ${n} messages`);
  }
  return problems.slice(0, 20);
}

/** How many times each (author, clientMsgId) is stored, for those stored more than once. */
export function duplicates(rows: readonly Row[]): string[] {
  const count = new Map<string, number>();
  for (const r of rows) {
    if (r.clientMsgId === null) continue;
    const key = `${r.author}/${r.clientMsgId}`;
    count.set(key, (count.get(key) ?? 0) + 1);
  }
  return [...count].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
}

/**
 * A TCP proxy in front of MariaDB. `cut()` destroys every open link and refuses new ones
 * (the port stops listening, so connecting gets ECONNREFUSED, as when MariaDB is down);
 * `restore()` listens again on the same port.
 */
export class Proxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: {host: string; port: number}) {}

  async start(): Promise<void> {
    const server = createServer((downstream) => {
      const upstream = connect(this.target);
      this.sockets.add(downstream).add(upstream);
      const drop = () => {
        downstream.destroy();
        upstream.destroy();
        this.sockets.delete(downstream);
        this.sockets.delete(upstream);
      };
      downstream.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      downstream.pipe(upstream);
      upstream.pipe(downstream);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  get links(): number {
    return this.sockets.size;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  restore(): Promise<void> {
    return this.start();
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}

/** Each client sends continuously to Général (1) and Blabla (2) in turn, `window` sends in flight. */
export function sendContinuously(clients: readonly {user: string; client: TestClient}[], window: number): SendLoop {
  return sendLoop(clients, {window, stopWithinMs: 10_000});
}
