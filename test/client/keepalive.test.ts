/**
 * The client's keepalive (PROTOCOL.md, limits; SECURITY.md): `chat` pings every 15 s, so a
 * user who reads without typing is not taken for a dead peer by the server's idle timeout
 * (90 s by default). Here the server closes connections silent for 18 s (checked every 6 s,
 * so by 24 s at the latest) and the client, with its default settings, sits idle for 26 s:
 * it must still be on its first connection. A ping at 15 s leaves 3 s for a late timer.
 * (Real time, no fake clock: about 30 s, run beside the other files.)
 */
import test from 'ava';
import {ChatSession} from '../../source/client/session.js';
import {backends} from '../helpers/backends.js';
import {sleep} from '../helpers/common.js';
import {PASSWORD, startTestServer} from '../helpers/server.js';

test('a signed-in client left idle past an 18 s server idle timeout stays connected (it pings every 15 s)', async (t) => {
  t.timeout(90_000);
  const db = await backends[0]!.create();
  const srv = await startTestServer(db, {policy: {idleTimeoutMs: 18_000}});
  const links: string[] = [];
  const session = new ChatSession({host: '127.0.0.1', port: srv.server.port}, {
    link: (state) => links.push(state),
    session: () => {},
    needLogin: () => {},
    event: () => {},
  });
  try {
    await srv.user('alice').then((c) => c.conn.close());
    session.start();
    const deadline = Date.now() + 15_000;
    while (!session.online && Date.now() < deadline) await sleep(20);
    await session.login('alice', PASSWORD);
    const logins = () => srv.notices.filter((n) => n.kind === 'login' && (n as {username?: string}).username === 'alice').length;
    const before = logins();
    await sleep(26_000);
    t.deepEqual(links, ['connecting', 'online'], 'never dropped, never reconnecting');
    t.true(session.online);
    t.is(logins(), before, 'no second login: the same connection all along');
    t.truthy(await session.request('ping', {}));
  } finally {
    await session.stop();
    await srv.stop();
    await db.drop();
  }
});
