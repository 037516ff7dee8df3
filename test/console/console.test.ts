/**
 * The moderation console, driven through the real chat-server binary's stdin as an operator
 * types, while real clients connect over TCP.
 */
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process';
import {once} from 'node:events';
import {connect} from 'node:net';
import {fileURLToPath} from 'node:url';
import test, {type ExecutionContext} from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import type {MessageInfo} from '../../source/protocol/frames.js';
import {type Database, backends, holdWriteLock} from '../helpers/backends.js';
import {type Sent, ackedVersusStored, outcome, storedMessages, within} from '../helpers/common.js';
import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, refusal, wrap} from '../helpers/server.js';

const BIN = fileURLToPath(new URL('../../../bin/chat-server.js', import.meta.url));

interface Running {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  type(line: string): void;
  exit: Promise<number | null>;
}

function startBinary(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [BIN, '--host', '127.0.0.1', '--port', '0', ...args], {
    env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env},
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exit,
    output: () => out,
    type: (line) => child.stdin.write(line + '\n'),
    // Generous: several servers start at once here, on a machine that may be busy.
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`not seen: ${pattern}\n--- output ---\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

const storeArgs = (db: {url: string | undefined; dataDir: string}) => (db.url ? ['--db', db.url] : ['--data-dir', db.dataDir]);

eachBackend('the operator creates the first moderator, then accepts a join and kicks from the console', async (t, db) => {
  const server = startBinary([...storeArgs(db), '--lang', 'fr']);
  try {
    await server.waitFor(/Aucun compte modérateur/);
    server.type('admin');
    server.type('short');
    server.type(PASSWORD);
    server.type(PASSWORD);
    await server.waitFor(/Compte modérateur admin créé/);
    const [, port] = await server.waitFor(/127\.0\.0\.1:(\d+)/);

    const user = wrap(await ClientConnection.open({host: '127.0.0.1', port: Number(port)}));
    await user.request('register', {username: 'exemple', alias: 'Exemple', password: PASSWORD});
    await user.request('login', {username: 'exemple', password: PASSWORD});
    await user.request('join', {salon: 'Blabla'});
    await server.waitFor(/Utilisateur exemple ajouté au salon 2\./);
    await user.request('join', {salon: 'Comptabilité'});
    await server.waitFor(/Demande d'adhésion de exemple pour le salon Comptabilité\./);

    server.type('pending');
    await server.waitFor(/exemple \(Exemple\) demande à rejoindre Comptabilité/);
    server.type('ACCEPT:exemple:Comptabilité');
    const accepted = await user.waitFor('membership', (e) => e.salon === 3 && e.state === 'member');
    t.is(accepted.reason, 'accepted');
    await server.waitFor(/Utilisateur exemple ajouté au salon 3\./);
    server.type('accept:exemple:Blabla');
    await server.waitFor(/L'utilisateur exemple est déjà adhérent au salon Blabla\./);
    server.type('REJECT:nobody:Marketing');
    await server.waitFor(/Utilisateur nobody inconnu\./);
    server.type('KICK:exemple');
    const kicked = await user.waitFor('kicked');
    t.is(kicked.minutes, 5);
    await server.waitFor(/exemple expulsé/);
    server.type('KILL');
    t.is(await server.exit, 0);
    await server.waitFor(/Serveur arrêté\./);
  } finally {
    server.child.kill('SIGKILL');
  }
});

eachBackend('the console refuses a non-moderator and a wrong password, then stops', async (t, db) => {
  const first = startBinary([...storeArgs(db), '--no-console'], {CHAT_ADMIN_USER: 'boss', CHAT_ADMIN_PASSWORD: PASSWORD});
  try {
    const [, port] = await first.waitFor(/127\.0\.0\.1:(\d+)/);
    const client = wrap(await ClientConnection.open({host: '127.0.0.1', port: Number(port)}));
    await client.request('register', {username: 'plain', alias: 'Plain', password: PASSWORD});
    first.child.kill('SIGTERM');
    t.is(await first.exit, 0, 'SIGTERM stops gracefully');

    const second = startBinary([...storeArgs(db), '--lang', 'en']);
    second.type('plain');
    second.type(PASSWORD);
    second.type('boss');
    second.type('wrong password');
    second.type('boss');
    second.type('also wrong');
    await second.waitFor(/Too many failed attempts/);
    t.is(await second.exit, 1);
    t.is(second.output().match(/only a moderator account may operate the console/g)?.length, 3);
    t.notRegex(second.output(), /waiting for connections/);

    const third = startBinary([...storeArgs(db), '--no-console'], {CHAT_ADMIN_USER: 'boss', CHAT_ADMIN_PASSWORD: 'nope nope nope'});
    t.is(await third.exit, 1, 'a service with wrong credentials does not start');
  } finally {
    first.child.kill('SIGKILL');
  }
});

eachBackend('with no moderator, no terminal and no environment, the server explains what to set', async (t, db) => {
  const server = startBinary([...storeArgs(db), '--no-console']);
  t.is(await server.exit, 1);
  t.regex(server.output(), /CHAT_ADMIN_PASSWORD/);
});

/**
 * What docs/PROTOCOL.md (shutdown), OPERATIONS.md and SECURITY.md promise of KILL and
 * SIGTERM: new requests refused with SHUTTING_DOWN; the messages accepted before (here still
 * waiting for the database) stored and acknowledged, before the shutdown event; every
 * connection, logged in or not, told; statuses reset; exit code 0.
 */
async function stopsGracefully(t: ExecutionContext, db: Database, stop: (server: Running) => void): Promise<void> {
  const server = startBinary([...storeArgs(db), '--lang', 'en'], {CHAT_ADMIN_USER: 'boss', CHAT_ADMIN_PASSWORD: PASSWORD});
  let release: (() => Promise<void>) | undefined;
  try {
    const [, port] = await server.waitFor(/127\.0\.0\.1:(\d+)/);
    const open = async () => wrap(await ClientConnection.open({host: '127.0.0.1', port: Number(port)}));
    const alice = await open();
    await alice.request('register', {username: 'alice', alias: 'Alice', password: PASSWORD});
    await alice.request('login', {username: 'alice', password: PASSWORD});
    const guest = await open(); // said hello, never logged in
    await alice.request('send', {salon: 1, text: 'before', clientMsgId: 'before'});

    release = await holdWriteLock(db);
    const sent: Sent[] = [];
    // The frames as they arrive, in wire order (the client resolves answers a tick after it
    // emits the events of the same chunk, so only the bytes tell which came first).
    let wire = '';
    alice.conn.socket.on('data', (chunk: Buffer) => (wire += chunk.toString('utf8')));
    const answers = Array.from({length: 20}, (_, i) => {
      const entry: Sent = {user: 'alice', clientMsgId: `pending-${i}`, salon: 1, text: `pending ${i}`, sentAt: Date.now()};
      sent.push(entry);
      return outcome(alice.request('send', {salon: 1, text: entry.text, clientMsgId: entry.clientMsgId})).then((o) => {
        entry.code = o.code;
        if ('result' in o) entry.message = (o.result as {message: MessageInfo}).message;
      });
    });
    // Requests on one connection start in order: once this ping is answered, the 20 sends
    // are in the writer, waiting for the database.
    await alice.request('ping', {});
    t.deepEqual(sent.filter((s) => s.code !== undefined).map((s) => `${s.clientMsgId}: ${s.code}`), [], 'the sends wait for the locked database');

    stop(server);
    await server.waitFor(/Stopping: clients are told, pending messages stored/);
    t.is(await refusal(alice.request('send', {salon: 1, text: 'too late', clientMsgId: 'late'})), 'SHUTTING_DOWN', 'a new send is refused');
    t.is(await refusal(guest.request('ping', {})), 'SHUTTING_DOWN', 'a new request of a guest is refused');
    t.deepEqual(sent.filter((s) => s.code !== undefined).map((s) => `${s.clientMsgId}: ${s.code}`), [], 'the accepted sends are still waiting for the database');
    t.is(server.child.exitCode, null, 'the server waits for them');

    await release();
    release = undefined;
    t.is(await within(20_000, server.exit, 'the server exiting'), 0, 'exit code 0');
    await Promise.all(answers);
    t.deepEqual(sent.filter((s) => s.code !== 'ok').map((s) => `${s.clientMsgId}: ${s.code}`), [], 'every accepted send is acknowledged');
    const frames = wire.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {event?: string; ok?: boolean; result?: {message?: {clientMsgId?: string}}});
    const told = frames.findIndex((f) => f.event === 'shutdown');
    const acked = frames.flatMap((f, i) => (f.ok && f.result?.message?.clientMsgId?.startsWith('pending-') ? [i] : []));
    t.true(told > 0 && acked.length === 20 && acked.every((i) => i < told), 'each acknowledgement came before the shutdown event');
    for (const [who, client] of [['alice', alice], ['a guest', guest]] as const) {
      t.is((await client.waitFor('shutdown')).reason, 'shutdown', `${who} is told`);
      await within(5000, client.closed, `${who}'s connection closing`);
    }

    const rows = await storedMessages(db);
    t.deepEqual(ackedVersusStored(sent, rows), [], 'every acknowledged message is stored as acknowledged');
    t.deepEqual(rows.map((r) => r.clientMsgId), ['before', ...sent.map((s) => s.clientMsgId)], 'and nothing else (not the refused one)');
    const statuses = await db.query<{username: string; status: string}>('SELECT username, status FROM clients WHERE username = ?', ['alice']);
    t.deepEqual(statuses.map((r) => String(r.status)), ['disconnected'], "alice's status column is reset");
  } finally {
    await release?.();
    server.child.kill('SIGKILL');
  }
}

eachBackend('KILL: new requests refused, the sends in progress stored and acknowledged, every client told, exit 0', (t, db) =>
  stopsGracefully(t, db, (server) => server.type('KILL')),
);

eachBackend('SIGTERM: new requests refused, the sends in progress stored and acknowledged, every client told, exit 0', (t, db) =>
  stopsGracefully(t, db, (server) => server.child.kill('SIGTERM')),
);

// PROTOCOL.md (shutdown): the server waits up to 2 s for a client to read, then drops it. A
// client that never closes its side (half-open, or gone without a word) must not hold the
// stop: the server exits all the same, having told it.
test('a client that never closes its side does not hold a SIGTERM stop', async (t) => {
  const db = await backends[0]!.create();
  const server = startBinary(['--data-dir', db.dataDir, '--no-console', '--lang', 'en'], {CHAT_ADMIN_USER: 'boss', CHAT_ADMIN_PASSWORD: PASSWORD});
  try {
    const [, port] = await server.waitFor(/127\.0\.0\.1:(\d+)/);
    // allowHalfOpen: this socket does not answer the server's end with its own.
    const socket = connect({host: '127.0.0.1', port: Number(port), allowHalfOpen: true});
    socket.on('error', () => {});
    let received = '';
    let ended = false;
    socket.on('data', (d) => (received += d));
    socket.on('end', () => (ended = true));
    await once(socket, 'connect');
    socket.write('{"id":1,"type":"hello","version":1}\n');
    while (!received.includes('"id":1')) await new Promise((r) => setTimeout(r, 20));

    server.child.kill('SIGTERM');
    t.is(await within(20_000, server.exit, 'the server exiting while a client keeps its side open'), 0);
    t.regex(received, /"event":"shutdown"/, 'the client was told');
    t.true(ended, 'and its connection ended by the server');
    socket.destroy();
  } finally {
    server.child.kill('SIGKILL');
    await db.drop();
  }
});
