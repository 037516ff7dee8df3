/**
 * The chat-server options an operator tunes for abuse, each as a flag and as an environment
 * variable (README, Configure; SECURITY.md), checked for what N means on the real binary:
 * --max-connections-per-address N (open connections per IP address), --idle-timeout N
 * (seconds of silence before a connection is closed), --message-rate N (messages per second
 * per connection, bursts of 3N). SQLite only: none of them touches the database.
 */
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, rmSync} from 'node:fs';
import {connect} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test, {type ExecutionContext} from 'ava';
import {sleep, until} from '../helpers/common.js';
import {PASSWORD} from '../helpers/server.js';

const BIN = fileURLToPath(new URL('../../../bin/chat-server.js', import.meta.url));

async function server(t: ExecutionContext, args: string[], env: Record<string, string> = {}): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-options-'));
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [BIN, '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--no-console', '--lang', 'en', ...args],
    {env: {PATH: process.env.PATH ?? '', HOME: dataDir, CHAT_ADMIN_USER: 'admin', CHAT_ADMIN_PASSWORD: PASSWORD, ...env}},
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    rmSync(dataDir, {recursive: true, force: true});
  });
  if (!(await until(() => /waiting for connections on 127\.0\.0\.1:\d+/.test(out) || child.exitCode !== null, 30_000))) throw new Error(`no start:\n${out}`);
  const port = /waiting for connections on 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
  if (!port) throw new Error(`chat-server did not start:\n${out}`);
  return Number(port);
}

interface Frame {
  id?: string | number | null;
  ok?: boolean;
  error?: {code: string; details?: Record<string, unknown>};
  result?: Record<string, unknown>;
}

/** A raw connection: lines written in one segment, frames kept in order, closing noticed. */
async function raw(port: number) {
  const socket = connect({host: '127.0.0.1', port});
  socket.setNoDelay(true);
  socket.on('error', () => {});
  const frames: Frame[] = [];
  let closed = false;
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      frames.push(JSON.parse(buffer.slice(0, nl)) as Frame);
      buffer = buffer.slice(nl + 1);
    }
  });
  socket.on('close', () => (closed = true));
  await once(socket, 'connect');
  const write = (...requests: object[]) => socket.write(requests.map((r) => JSON.stringify(r) + '\n').join(''));
  const answered = async (id: string) => {
    if (!(await until(() => frames.some((f) => f.id === id) || closed, 15_000))) throw new Error(`no answer to ${id}`);
    return frames.find((f) => f.id === id);
  };
  return {socket, frames, write, answered, isClosed: () => closed};
}

// Each option once as a flag, once as its environment variable.
const ways = (flag: string, variable: string, value: string) =>
  [
    [`${flag} ${value}`, [flag, value], {}],
    [`${variable}=${value}`, [], {[variable]: value}],
  ] as const;

for (const [how, args, env] of ways('--max-connections-per-address', 'CHAT_MAX_CONNECTIONS_PER_ADDRESS', '2')) {
  test(`${how}: two open connections from one address, the third refused TOO_MANY_CONNECTIONS and closed, a place freed is taken`, async (t) => {
    const port = await server(t, [...args], env);
    const first = await raw(port);
    const second = await raw(port);
    for (const [i, c] of [first, second].entries()) {
      c.write({id: `h${i}`, type: 'hello', version: 1});
      t.true((await c.answered(`h${i}`))?.ok, `connection ${i + 1} is served`);
    }
    const third = await raw(port);
    t.true(await until(() => third.isClosed(), 15_000), 'the third is closed');
    t.like(third.frames[0], {id: null, ok: false, error: {code: 'TOO_MANY_CONNECTIONS'}});
    first.socket.destroy();
    // The server counts the closed one out when it sees it close: try until it has.
    let again: Awaited<ReturnType<typeof raw>> | undefined;
    t.true(
      await until(async () => {
        again?.socket.destroy();
        again = await raw(port);
        again.write({id: 'h', type: 'hello', version: 1});
        return (await again.answered('h'))?.ok === true;
      }, 15_000, 100),
      'once one closed, a new connection is served',
    );
    second.socket.destroy();
    again?.socket.destroy();
  });
}

for (const [how, args, env] of ways('--idle-timeout', 'CHAT_IDLE_TIMEOUT', '1')) {
  test(`${how}: a connection silent for a second is closed; one that pings is not`, async (t) => {
    const port = await server(t, [...args], env);
    const silent = await raw(port);
    const talking = await raw(port);
    for (const c of [silent, talking]) {
      c.write({id: 'h', type: 'hello', version: 1});
      await c.answered('h');
    }
    let n = 0;
    const pinging = setInterval(() => talking.write({id: `p${n++}`, type: 'ping'}), 250);
    t.teardown(() => clearInterval(pinging));
    t.true(await until(() => silent.isClosed(), 15_000), 'the silent connection is closed');
    // It was closed for its silence: the other one, silent no more than 250 ms at a time, is
    // still served after that.
    await sleep(300);
    clearInterval(pinging);
    talking.write({id: 'last', type: 'ping'});
    t.true((await talking.answered('last'))?.ok, 'the pinging connection is still served');
    t.false(talking.isClosed());
    talking.socket.destroy();
  });
}

for (const [how, args, env] of ways('--message-rate', 'CHAT_MESSAGE_RATE', '2')) {
  test(`${how}: 2 messages per second per connection, bursts of 6: the seventh at once is RATE_LIMITED, another connection has its own allowance`, async (t) => {
    const port = await server(t, [...args], env);
    const signup = await raw(port);
    signup.write({id: 'h', type: 'hello', version: 1}, {id: 'r', type: 'register', username: 'alice', alias: 'Alice', password: PASSWORD});
    t.true((await signup.answered('r'))?.ok);
    const login = async () => {
      const c = await raw(port);
      c.write({id: 'h', type: 'hello', version: 1}, {id: 'l', type: 'login', username: 'alice', password: PASSWORD});
      t.true((await c.answered('l'))?.ok);
      return c;
    };
    const [one, two] = [await login(), await login()];
    // Seven sends in one segment: read and handled together, before any allowance comes back.
    const ids = Array.from({length: 7}, (_, i) => `s${i + 1}`);
    one.write(...ids.map((id) => ({id, type: 'send', salon: 1, text: id})));
    const answers = await Promise.all(ids.map((id) => one.answered(id)));
    t.deepEqual(answers.map((a) => (a?.ok ? 'ok' : a?.error?.code)), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED']);
    const wait = answers[6]?.error?.details?.retryAfterMs;
    t.true(typeof wait === 'number' && wait > 0 && wait <= 500, `retryAfterMs: under 1/2 s for one message at 2/s (${String(wait)})`);
    t.false(one.isClosed(), 'the connection stays open');
    two.write({id: 'other', type: 'send', salon: 1, text: 'from the other connection'});
    t.true((await two.answered('other'))?.ok, 'per connection: the other one still has its burst');
    one.socket.destroy();
    two.socket.destroy();
  });
}
