/**
 * Limits PROTOCOL.md and SECURITY.md document, through real TCP on both backends: OVERLOADED
 * when the write queue is full; a connection's request queue that stops reading its socket
 * when full and reads again once drained; STORE_UNAVAILABLE when a commit hangs (a database
 * that stops answering, not one that refuses), with a retry storing the message once.
 */
import {once} from 'node:events';
import {connect} from 'node:net';
import {holdWriteLock} from '../helpers/backends.js';
import {sleep, storedMessages, until} from '../helpers/common.js';
import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, refusal, startTestServer} from '../helpers/server.js';

interface Frame {
  id?: string | number | null;
  ok?: boolean;
  result?: Record<string, unknown>;
  error?: {code: string};
  event?: string;
}

/**
 * A logged-in connection that writes raw lines, several in one write when asked (one TCP
 * segment on loopback), and keeps every frame received in wire order.
 */
async function rawUser(port: number, username: string) {
  const socket = connect({host: '127.0.0.1', port});
  socket.setNoDelay(true);
  await once(socket, 'connect');
  const frames: Frame[] = [];
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      frames.push(JSON.parse(buffer.slice(0, nl)) as Frame);
      buffer = buffer.slice(nl + 1);
    }
  });
  const write = (...requests: object[]) => socket.write(requests.map((r) => JSON.stringify(r) + '\n').join(''));
  const answer = (id: string) => frames.find((f) => f.id === id && f.ok !== undefined);
  const index = (id: string) => frames.findIndex((f) => f.id === id && f.ok !== undefined);
  const answered = async (id: string, timeoutMs = 15_000) => {
    if (!(await until(() => answer(id) !== undefined, timeoutMs))) throw new Error(`no answer to ${id}`);
    return answer(id)!;
  };
  write({id: 'h', type: 'hello', version: 1}, {id: 'l', type: 'login', username, password: PASSWORD});
  const login = await answered('l');
  if (!login.ok) throw new Error(`login: ${JSON.stringify(login)}`);
  return {socket, frames, write, answer, index, answered};
}

const send = (id: string, text = id) => ({id, type: 'send', salon: 1, text, clientMsgId: id});

eachBackend('OVERLOADED: sends past the write queue are refused at once, the rest stored; nothing refused is stored', async (t, db) => {
  const srv = await startTestServer(db, {writer: {maxQueue: 3}});
  try {
    await srv.user('alice');
    const alice = await rawUser(srv.server.port, 'alice');
    // Six sends read in one turn of the event loop: three wait for the writer, three do not fit.
    alice.write(...['s1', 's2', 's3', 's4', 's5', 's6'].map((id) => send(id)));
    const answers = await Promise.all(['s1', 's2', 's3', 's4', 's5', 's6'].map((id) => alice.answered(id)));
    t.deepEqual(answers.map((a) => (a.ok ? 'ok' : a.error?.code)), ['ok', 'ok', 'ok', 'OVERLOADED', 'OVERLOADED', 'OVERLOADED']);
    t.deepEqual((await storedMessages(db)).map((r) => r.clientMsgId), ['s1', 's2', 's3']);
    // The queue drained: the next send is taken, with the same clientMsgId as a refused one.
    alice.write({id: 'retry', type: 'send', salon: 1, text: 's4', clientMsgId: 's4'});
    t.true((await alice.answered('retry')).ok, 'a refused send can be retried');
    t.deepEqual((await storedMessages(db)).map((r) => r.clientMsgId), ['s1', 's2', 's3', 's4']);
    alice.socket.destroy();
  } finally {
    await srv.stop();
  }
});

eachBackend("a connection's full request queue stops the server reading it; it reads again once the requests are answered", async (t, db) => {
  const srv = await startTestServer(db, {policy: {maxQueuedRequests: 4}});
  const release = {fn: undefined as undefined | (() => Promise<void>)};
  try {
    await srv.user('alice');
    const bob = await srv.user('bob');
    const alice = await rawUser(srv.server.port, 'alice');
    release.fn = await holdWriteLock(db);
    // Four sends (they wait for the locked database) fill the queue; the ping in the same
    // segment is read anyway and answered, which proves all five were read.
    alice.write(send('s1'), send('s2'), send('s3'), send('s4'), {id: 'p1', type: 'ping'});
    await alice.answered('p1');
    t.is(alice.frames.filter((f) => f.ok !== undefined && String(f.id).startsWith('s')).length, 0, 'the sends wait for the database');
    // A ping in a later segment is not read while the queue is full: it is answered only
    // after the sends. The lock is released when it is answered, or after 1.5 s (the store
    // refuses a lock held 2 s); the order of the answers tells which came first.
    alice.write({id: 'p2', type: 'ping'});
    const pong = alice.answered('p2', 30_000);
    await Promise.race([pong, sleep(1500)]);
    await release.fn();
    release.fn = undefined;
    await pong;
    const sends = ['s1', 's2', 's3', 's4'];
    await Promise.all(sends.map((id) => alice.answered(id)));
    t.deepEqual(sends.map((id) => alice.answer(id)?.ok), [true, true, true, true], 'the sends are stored once the lock is gone');
    t.true(sends.every((id) => alice.index(id) < alice.index('p2')), 'the later ping was read only once the queue had drained');
    // Other connections were read all along; this one reads again.
    t.truthy((await bob.request('ping', {})).time);
    alice.write(send('s5'));
    t.true((await alice.answered('s5')).ok, 'the socket is read again');
    alice.socket.destroy();
  } finally {
    await release.fn?.();
    await srv.stop();
  }
});

eachBackend('a commit that hangs is answered STORE_UNAVAILABLE; the retry with the same clientMsgId is stored and delivered once', async (t, db) => {
  const srv = await startTestServer(db, {writer: {commitTimeoutMs: 300}});
  let release: (() => Promise<void>) | undefined;
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    release = await holdWriteLock(db);
    t.is(await refusal(alice.request('send', {salon: 1, text: 'pendant', clientMsgId: 'hang-1'})), 'STORE_UNAVAILABLE');
    await release();
    release = undefined;
    const {message} = await alice.request('send', {salon: 1, text: 'pendant', clientMsgId: 'hang-1'});
    await bob.waitFor('message', (e) => e.id === message.id);
    // A later message proves bob has every earlier one: a late commit of the first attempt
    // would have been delivered before it, once.
    const after = await alice.request('send', {salon: 1, text: 'après', clientMsgId: 'after-1'});
    await bob.waitFor('message', (e) => e.id === after.message.id);
    t.deepEqual(bob.events.filter((e) => e.event === 'message').map((e) => (e as {text: string}).text), ['pendant', 'après']);
    t.deepEqual((await storedMessages(db)).map((r) => `${r.seq}:${r.clientMsgId}`), ['1:hang-1', '2:after-1']);
  } finally {
    await release?.();
    await srv.stop();
  }
});
