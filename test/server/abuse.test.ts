/** Floods, guessing, hoarding and silence: each defence, with the limit lowered to be reachable. */
import {once} from 'node:events';
import {connect} from 'node:net';
import test from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import {backends} from '../helpers/backends.js';
import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, eventually, refusal, startTestServer, wrap} from '../helpers/server.js';

const sqlite = backends[0]!;

eachBackend('a burst of messages passes, a flood is refused with RATE_LIMITED, and the connection stays', async (t, db) => {
  let now = 1_000_000;
  const srv = await startTestServer(db, {clock: () => now, policy: {messagesPerSecond: 2, messageBurst: 5}});
  try {
    const alice = await srv.user('alice');
    const outcomes = await Promise.all(Array.from({length: 8}, (_, i) => alice.request('send', {salon: 1, text: `m${i}`}).then(() => 'ok', (e) => e.code)));
    t.deepEqual(outcomes, ['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    const error = await alice.request('send', {salon: 1, text: 'again'}).catch((e) => e);
    t.is(error.details.retryAfterMs, 500, 'says when the next message may go');
    now += 1000;
    t.is((await alice.request('send', {salon: 1, text: 'later'})).message.text, 'later', 'still connected, allowed again');
    t.is((await db.query('SELECT message_id FROM messages')).length, 6);
  } finally {
    await srv.stop();
  }
});

test('failed logins are slowed, then refused for a while, even with the right password', async (t) => {
  const db = await sqlite.create();
  let now = 1_000_000;
  const srv = await startTestServer(db, {clock: () => now, policy: {loginFreeFailures: 2, loginMaxDelayMs: 20, loginLockFailures: 4, loginWindowMs: 60_000}});
  try {
    await srv.user('victim');
    const attacker = await srv.connect();
    for (let i = 0; i < 4; i++) t.is(await refusal(attacker.request('login', {username: 'victim', password: `guess ${i}`})), 'INVALID_CREDENTIALS');
    const locked = await attacker.request('login', {username: 'victim', password: PASSWORD}).catch((e) => e);
    t.is(locked.code, 'RATE_LIMITED');
    t.is(locked.details.retryAfter, 60);
    now += 61_000;
    t.is((await attacker.request('login', {username: 'victim', password: PASSWORD})).user.username, 'victim');
  } finally {
    await srv.stop();
    await db.drop();
  }
});

test('one address may register only so many accounts', async (t) => {
  const db = await sqlite.create();
  const srv = await startTestServer(db, {policy: {registrationsPerAddress: 2}});
  try {
    const c = await srv.connect();
    await c.request('register', {username: 'one', alias: 'One', password: PASSWORD});
    await c.request('register', {username: 'two', alias: 'Two', password: PASSWORD});
    t.is(await refusal(c.request('register', {username: 'three', alias: 'Three', password: PASSWORD})), 'RATE_LIMITED');
    t.is((await db.query('SELECT client_id FROM clients')).length, 2);
  } finally {
    await srv.stop();
    await db.drop();
  }
});

test('connections past the per-address limit are refused with a clear error', async (t) => {
  const db = await sqlite.create();
  const srv = await startTestServer(db, {policy: {maxConnectionsPerAddress: 3}});
  try {
    const open = await Promise.all([1, 2, 3].map(() => srv.connect()));
    const extra = connect({host: '127.0.0.1', port: srv.server.port});
    let reply = '';
    extra.on('data', (d) => (reply += d));
    await once(extra, 'close');
    t.is(JSON.parse(reply).error.code, 'TOO_MANY_CONNECTIONS');
    await open[0]!.conn.close();
    await eventually(async () => srv.server.connections.size === 2);
    t.truthy(await srv.connect(), 'a freed slot can be used again');
  } finally {
    await srv.stop();
    await db.drop();
  }
});

test('a client that stops reading is dropped once its queue is full; the others miss nothing', async (t) => {
  const db = await sqlite.create();
  const srv = await startTestServer(db, {connection: {maxSendQueueBytes: 512 * 1024}});
  try {
    const slow = await srv.user('slow');
    const reader = await srv.user('reader');
    const sender = await srv.user('sender');
    slow.conn.socket.pause();
    const text = 'x'.repeat(3900);
    // Enough to fill the kernel's buffers on both sides and then the server's bound.
    const total = 3000;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(Array.from({length: 50}, (_, k) => sender.request('send', {salon: 1, text: `${i + k} ${text}`})));
    }
    await eventually(async () => ![...srv.server.connections].some((c) => c.session?.user.username === 'slow'), 10_000);
    await reader.waitFor('message', (e) => e.seq === total, 10_000);
    const seqs = reader.events.flatMap((e) => (e.event === 'message' ? [e.seq] : []));
    t.deepEqual(seqs, Array.from({length: total}, (_, i) => i + 1));
  } finally {
    await srv.stop();
    await db.drop();
  }
});

test('a silent connection is closed after the idle timeout and its user shown offline', async (t) => {
  const db = await sqlite.create();
  const srv = await startTestServer(db, {policy: {idleTimeoutMs: 300}});
  try {
    const watcher = wrap(await ClientConnection.open({host: '127.0.0.1', port: srv.server.port}));
    const keepAlive = setInterval(() => void watcher.request('ping', {}).catch(() => {}), 100);
    try {
      await watcher.request('register', {username: 'watcher', alias: 'Watcher', password: PASSWORD});
      await watcher.request('login', {username: 'watcher', password: PASSWORD});
      await watcher.request('members', {salon: 1});
      // The ghost pings while it registers and logs in (two password hashes can outlast
      // the timeout on a busy machine), then falls silent.
      const ghost = await srv.connect();
      const ghostAlive = setInterval(() => void ghost.request('ping', {}).catch(() => {}), 100);
      try {
        await ghost.request('register', {username: 'ghost', alias: 'Ghost', password: PASSWORD});
        await ghost.request('login', {username: 'ghost', password: PASSWORD});
      } finally {
        clearInterval(ghostAlive);
      }
      await ghost.closed;
      await watcher.waitFor('presence', (e) => e.username === 'ghost' && !e.online);
      await eventually(async () => (await db.query<{status: string}>("SELECT status FROM clients WHERE username = 'ghost'"))[0]?.status === 'disconnected');
      t.false(watcher.conn.closed, 'a client that pings stays connected');
    } finally {
      clearInterval(keepAlive);
    }
  } finally {
    await srv.stop();
    await db.drop();
  }
});
