/** Moderation from the client against a real server: what asks before it acts. */
import test from 'ava';
import {backends} from '../helpers/backends.js';
import {say, signIn, startClient, untilState} from '../helpers/controller.js';
import {startTestServer} from '../helpers/server.js';

test('/ban asks first: n leaves the account alone, y bans it', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const marc = startClient(srv);
  t.teardown(async () => {
    await marc.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.moderator('marc');
  const eve = await srv.user('eve');
  await signIn(marc, 'marc');

  say(marc, '/ban eve');
  t.deepEqual(marc.getState().modal, {kind: 'confirm', action: {type: 'ban', username: 'eve'}});
  await marc.confirm(false);
  t.is(marc.getState().modal, null);
  t.truthy(await srv.store.findUser('eve'), 'no answer but y deletes nothing');
  t.false(eve.events.some((e) => e.event === 'banned'));

  say(marc, '/ban eve');
  await marc.confirm(true);
  await eve.waitFor('banned');
  await untilState(marc, (s) => s.flash?.key === 'flash.banned');
  t.falsy(await srv.store.findUser('eve'));
});
