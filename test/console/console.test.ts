/**
 * The moderation console, driven through the real chat-server binary's stdin as an operator
 * types, while real clients connect over TCP.
 */
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import {backends} from '../helpers/backends.js';
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
    async waitFor(pattern, timeoutMs = 10_000) {
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

test('the console refuses a non-moderator and a wrong password, then stops', async (t) => {
  const db = await backends[0]!.create();
  const first = startBinary(['--data-dir', db.dataDir, '--no-console'], {CHAT_ADMIN_USER: 'boss', CHAT_ADMIN_PASSWORD: PASSWORD});
  try {
    const [, port] = await first.waitFor(/127\.0\.0\.1:(\d+)/);
    const client = wrap(await ClientConnection.open({host: '127.0.0.1', port: Number(port)}));
    await client.request('register', {username: 'plain', alias: 'Plain', password: PASSWORD});
    first.child.kill('SIGTERM');
    t.is(await first.exit, 0, 'SIGTERM stops gracefully');

    const second = startBinary(['--data-dir', db.dataDir, '--lang', 'en']);
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

    const third = startBinary(['--data-dir', db.dataDir, '--no-console'], {CHAT_ADMIN_USER: 'boss', CHAT_ADMIN_PASSWORD: 'nope nope nope'});
    t.is(await third.exit, 1, 'a service with wrong credentials does not start');
  } finally {
    first.child.kill('SIGKILL');
    await db.drop();
  }
});

test('with no moderator, no terminal and no environment, the server explains what to set', async (t) => {
  const db = await backends[0]!.create();
  try {
    const server = startBinary(['--data-dir', db.dataDir, '--no-console']);
    t.is(await server.exit, 1);
    t.regex(server.output(), /CHAT_ADMIN_PASSWORD/);
  } finally {
    await db.drop();
  }
});

test('KILL tells connected clients and stores what was accepted', async (t) => {
  const db = await backends[0]!.create();
  const server = startBinary(['--data-dir', db.dataDir], {CHAT_ADMIN_USER: 'boss', CHAT_ADMIN_PASSWORD: PASSWORD});
  try {
    const [, port] = await server.waitFor(/127\.0\.0\.1:(\d+)/);
    const client = wrap(await ClientConnection.open({host: '127.0.0.1', port: Number(port)}));
    await client.request('register', {username: 'last', alias: 'Last', password: PASSWORD});
    await client.request('login', {username: 'last', password: PASSWORD});
    const sends = Array.from({length: 20}, (_, i) => client.request('send', {salon: 1, text: `final ${i}`}).then(() => 'ok', (e) => e.code));
    server.type('KILL');
    const shutdown = await client.waitFor('shutdown');
    t.truthy(shutdown);
    t.is(await server.exit, 0);
    const outcomes = await Promise.all(sends);
    const acknowledged = outcomes.filter((o) => o === 'ok').length;
    const stored = await db.query('SELECT message_id FROM messages');
    t.is(stored.length, acknowledged, 'every acknowledged message is stored, and only those');
    t.true(outcomes.every((o) => o === 'ok' || o === 'SHUTTING_DOWN' || o === 'CONNECTION_CLOSED'));
    t.is(await refusal(client.request('ping', {})), 'CONNECTION_CLOSED');
  } finally {
    server.child.kill('SIGKILL');
    await db.drop();
  }
});
