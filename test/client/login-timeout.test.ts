/**
 * Someone who leaves the sign-in form open: the server closes connections that do not sign
 * in (LOGIN_TIMEOUT), and the client takes a fresh one without showing a lost link.
 */
import test from 'ava';
import {ChatSession} from '../../source/client/session.js';
import {backends} from '../helpers/backends.js';
import {PASSWORD, eventually, startTestServer} from '../helpers/server.js';

test('at the sign-in form, a login timeout is met with a new connection, never "reconnecting"; signing in then works', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db, {policy: {loginTimeoutMs: 1000}});
  const links: string[] = [];
  const session = new ChatSession({host: '127.0.0.1', port: srv.server.port}, {
    link: (state) => links.push(state),
    session: () => {},
    needLogin: () => {},
    event: () => {},
  });
  try {
    await (await srv.user('alice')).conn.close();
    session.start();
    // Two timeouts in a row.
    await eventually(async () => links.filter((l) => l === 'online').length >= 3, 10_000);
    t.false(links.includes('reconnecting'), links.join(' '));
    // Right after a fresh connection, well within its second.
    const onlines = links.filter((l) => l === 'online').length;
    await eventually(async () => links.filter((l) => l === 'online').length > onlines && session.online, 10_000);
    t.is((await session.login('alice', PASSWORD)).user.username, 'alice');
  } finally {
    await session.stop();
    await srv.stop();
    await db.drop();
  }
});
