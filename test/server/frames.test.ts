/**
 * Connections that hold the server's memory without using it: lines that never end, frames
 * that never finish, guests that never log in. Each is closed, and says why.
 */
import {once} from 'node:events';
import {type Socket, connect} from 'node:net';
import test from 'ava';
import {backends} from '../helpers/backends.js';
import {type TestServer, startTestServer} from '../helpers/server.js';
import type {ServerOptions} from '../../source/server/server.js';

const sqlite = backends[0]!;

/** A raw socket with everything it received, parsed, and a promise of its close. */
async function raw(srv: TestServer) {
  const socket: Socket = connect({host: '127.0.0.1', port: srv.server.port});
  await once(socket, 'connect');
  let text = '';
  socket.on('data', (d) => (text += d));
  const closed = once(socket, 'close').then(() => true);
  const frames = () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const line = (frame: unknown) => socket.write(JSON.stringify(frame) + '\n');
  return {socket, frames, line, closed};
}

async function withServer(policy: Partial<ServerOptions['policy']>, body: (srv: TestServer) => Promise<void>) {
  const db = await sqlite.create();
  const srv = await startTestServer(db, {policy});
  try {
    await body(srv);
  } finally {
    await srv.stop();
    await db.drop();
  }
}

test('a line that runs on past 1 MiB gets the connection closed', async (t) => {
  await withServer({}, async (srv) => {
    const c = await raw(srv);
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    for (let sent = 0; sent < 2 * 1024 * 1024 && !c.socket.destroyed; sent += chunk.length) {
      if (!c.socket.write(chunk)) await Promise.race([once(c.socket, 'drain'), c.closed]);
    }
    t.true(await c.closed);
    t.is(c.frames()[0]?.error?.code, 'FRAME_TOO_LARGE', 'told once, then dropped');
  });
});

test('a frame that stays unfinished is closed with FRAME_TIMEOUT, even while bytes trickle in', async (t) => {
  await withServer({frameTimeoutMs: 400, idleTimeoutMs: 60_000}, async (srv) => {
    const c = await raw(srv);
    c.socket.write('{"id":1,');
    const trickle = setInterval(() => c.socket.writable && c.socket.write(' '), 50);
    try {
      t.true(await c.closed);
    } finally {
      clearInterval(trickle);
    }
    t.is(c.frames().at(-1)?.error?.code, 'FRAME_TIMEOUT');
  });
});

test('a guest that does not log in is closed with LOGIN_TIMEOUT; a logged-in user who pings stays', async (t) => {
  await withServer({loginTimeoutMs: 1500, idleTimeoutMs: 60_000}, async (srv) => {
    const user = await srv.user('alice');
    const guest = await raw(srv);
    const pinging = setInterval(() => guest.line({id: 9, type: 'hello', version: 1}), 50);
    try {
      t.true(await guest.closed);
    } finally {
      clearInterval(pinging);
    }
    t.is(guest.frames().at(-1)?.error?.code, 'LOGIN_TIMEOUT');
    t.truthy(await user.request('ping', {}), 'the logged-in connection is still open');
    t.false(user.conn.closed);
  });
});
