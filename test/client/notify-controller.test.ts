/** The controller's alerts (client/notify.ts alertOf) against a real server: what reaches --notify and --on-mention. */
import test from 'ava';
import {Controller} from '../../source/client/controller.js';
import type {Alert} from '../../source/client/notify.js';
import {backends} from '../helpers/backends.js';
import {signIn, untilState} from '../helpers/controller.js';
import {startTestServer} from '../helpers/server.js';

test('a moderator is alerted of a join request and a direct message, not of a mention in the salon on screen', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const alerts: Alert[] = [];
  const marc = new Controller({host: '127.0.0.1', port: srv.server.port, lang: 'en', backoff: {initial: 30, max: 200}, onAlert: (a) => alerts.push(a)});
  marc.start();
  t.teardown(async () => {
    await marc.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.moderator('marc');
  const eve = await srv.user('eve');
  await signIn(marc, 'marc');
  await untilState(marc, (s) => s.current === 1);

  await eve.request('join', {salon: 3});
  await untilState(marc, (s) => s.flash?.key === 'flash.joinRequest');
  t.deepEqual(alerts, [{kind: 'request', conversation: 'Comptabilité', sender: 'Eve', username: 'eve', text: 'Eve asks to join Comptabilité'}]);

  await eve.request('send', {salon: 1, text: '@marc sous tes yeux'});
  await untilState(marc, (s) => s.salons[0]!.lastSeq > 0);
  const dm = (await eve.request('dm', {with: ['marc']})).salon;
  await eve.request('send', {salon: dm.id, text: 'Un mot en privé'});
  await untilState(marc, (s) => (s.salons.find((x) => x.id === dm.id)?.mentions ?? 0) > 0);
  t.deepEqual(alerts.slice(1), [{kind: 'direct', conversation: 'Eve', sender: 'Eve', username: 'eve', text: 'Un mot en privé'}]);
});
