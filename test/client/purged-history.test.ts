/**
 * A user whose salon lost its oldest messages to retention: the client loads what is kept,
 * asks for nothing older, and says why the history starts there. Real server, real client
 * code, no terminal.
 */
import {paneView} from '../../source/client/pane.js';
import {eachBackend} from '../helpers/each-backend.js';
import {signIn, startClient, texts, untilState} from '../helpers/controller.js';
import {OPERATOR, startTestServer} from '../helpers/server.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 9);

eachBackend('history down to the oldest kept message, then "older messages were deleted"', async (t, db) => {
  let now = T0;
  const srv = await startTestServer(db, {clock: () => now, retention: {intervalMs: 0}});
  const controller = startClient(srv);
  try {
    const alice = await srv.user('alice', 'Alice');
    for (let i = 1; i <= 60; i++) await alice.request('send', {salon: 1, text: `old ${i}`});
    now = T0 + 3 * DAY;
    for (let i = 1; i <= 5; i++) await alice.request('send', {salon: 1, text: `new ${i}`});
    await srv.server.moderation.setRetention('DEFAULT', '1d', OPERATOR);
    await srv.server.retention.runOnce();

    await signIn(controller, 'alice');
    await untilState(controller, (s) => s.salons.find((x) => x.id === 1)?.loaded === true);
    const salon = controller.getState().salons.find((x) => x.id === 1);
    t.deepEqual(texts(controller.getState(), 1), ['new 1', 'new 2', 'new 3', 'new 4', 'new 5']);
    t.false(salon?.hasOlder, 'nothing older is promised');
    const lines = salon ? paneView(salon, 20, {width: 80, height: 20, me: {username: 'alice', alias: 'Alice'}, lang: 'en', now}).lines.map((l) => l.text) : [];
    t.is(lines[0], 'Older messages of Général were deleted by the retention policy.');
    t.false(lines.includes('Start of Général.'));
  } finally {
    await controller.quit();
    await srv.stop();
  }
});
