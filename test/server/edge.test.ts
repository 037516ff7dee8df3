import {once} from 'node:events';
import {connect} from 'node:net';
import {eachBackend} from '../helpers/each-backend.js';
import {eventually, startTestServer} from '../helpers/server.js';

/** A raw socket that collects the server's lines. */
async function rawClient(port: number) {
  const socket = connect({host: '127.0.0.1', port});
  await once(socket, 'connect');
  const lines: any[] = [];
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      lines.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
    }
  });
  const next = async (count: number) => {
    const deadline = Date.now() + 5000;
    while (lines.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return lines.slice(0, count);
  };
  return {socket, lines, next};
}

// Run on both backends as every server behaviour is (README, Test): what a frame costs
// before it reaches a handler should not, but a dropped connection writes the status column.

eachBackend('malformed, unknown, incomplete and oversized frames each get a clear error; the connection goes on', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const {socket, next} = await rawClient(srv.server.port);
    socket.write('this is not json\n');
    socket.write('{"id":1,"type":"fly"}\n');
    socket.write('{"id":2,"type":"hello"}\n');
    socket.write(`{"id":3,"type":"hello","version":1,"client":"${'x'.repeat(70_000)}"}\n`);
    socket.write('{"id":4,"type":"hello","version":1}\n');
    socket.write('{"id":5,"type":"send","salon":1,"text":"hi"}\n');
    const replies = await next(6);
    t.like(replies[0], {id: null, ok: false, error: {code: 'BAD_FRAME'}});
    t.like(replies[1], {id: 1, ok: false, error: {code: 'UNKNOWN_TYPE'}});
    t.like(replies[2], {id: 2, ok: false, error: {code: 'BAD_REQUEST'}});
    t.regex(replies[2].error.message, /version/);
    t.like(replies[3], {id: null, ok: false, error: {code: 'FRAME_TOO_LARGE'}});
    t.like(replies[4], {id: 4, ok: true, result: {version: 1}});
    t.like(replies[5], {id: 5, ok: false, error: {code: 'NOT_AUTHENTICATED'}});
    socket.destroy();
  } finally {
    await srv.stop();
  }
});

eachBackend('a flood of garbage gets the connection closed while others keep being served', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const bystander = await srv.user('bystander');
    const {socket} = await rawClient(srv.server.port);
    const closed = once(socket, 'close');
    for (let i = 0; i < 200; i++) socket.write('garbage\n');
    await closed;
    const {message} = await bystander.request('send', {salon: 1, text: 'still here'});
    t.is(message.text, 'still here');
  } finally {
    await srv.stop();
  }
});

eachBackend('a dropped connection logs the user out', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const watcher = await srv.user('watcher');
    await watcher.request('members', {salon: 1});
    alice.conn.socket.destroy();
    await watcher.waitFor('presence', (e) => e.username === 'alice' && !e.online);
    const status = await eventually(async () => {
      const [row] = await db.query<{status: string}>("SELECT status FROM clients WHERE username = 'alice'");
      return row?.status === 'disconnected' && row.status;
    });
    t.is(status, 'disconnected');
  } finally {
    await srv.stop();
  }
});
