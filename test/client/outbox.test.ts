/**
 * The outbox against a real server that limits the sending rate: nothing waits for the
 * user to send again, and the order is the order typed.
 */
import test from 'ava';
import {backends} from '../helpers/backends.js';
import {say, signIn, startClient, texts, untilState} from '../helpers/controller.js';
import {startTestServer} from '../helpers/server.js';

test('messages refused for rate are retried on their own, in order, and shown as waiting meanwhile', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db, {policy: {messagesPerSecond: 10, messageBurst: 2}});
  const alice = startClient(srv);
  const bob = startClient(srv);
  t.teardown(async () => {
    await Promise.all([alice.quit(), bob.quit()]);
    await srv.stop();
    await db.drop();
  });
  await srv.user('alice');
  await srv.user('bob');
  await signIn(alice, 'alice');
  await signIn(bob, 'bob');
  let sawRateLimit = false;
  alice.subscribe(() => {
    if (alice.getState().outbox.some((o) => o.error?.key === 'error.RATE_LIMITED')) sawRateLimit = true;
  });
  const lines = Array.from({length: 12}, (_, i) => `message ${i + 1}`);
  for (const line of lines) say(alice, line);
  // No other key is pressed: the outbox empties by itself.
  await untilState(bob, (s) => texts(s, 1).length === 12, 10_000);
  t.deepEqual(texts(bob.getState(), 1), lines);
  await untilState(alice, (s) => s.outbox.length === 0);
  t.deepEqual(texts(alice.getState(), 1), lines);
  t.true(sawRateLimit, 'the server did refuse some for rate, and the outbox said so');
});
