/**
 * Sends and changes share the writer's batches: through TCP, on both backends, requests
 * queued while the database holds the writer's previous batch are stored together, in the
 * order they arrived, a refused change answered beside the sends it shares a batch with.
 */
import {holdWriteLock} from '../helpers/backends.js';
import {eachBackend} from '../helpers/each-backend.js';
import {refusal, startTestServer} from '../helpers/server.js';
import type {Submission} from '../../source/store/types.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

eachBackend('sends, edits, a deletion, reactions, retries and refusals queued together are stored in one batch, in arrival order', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice', 'Alice');
    const bob = await srv.user('bob', 'Bob');
    const {message: m1} = await alice.request('send', {salon: 1, text: 'Bonjuor à tous'});
    const {message: m2} = await alice.request('send', {salon: 1, text: 'à effacer'});
    const {message: b1} = await bob.request('send', {salon: 1, text: 'à bob'});

    // What the writer hands the store, batch by batch.
    const batches: string[][] = [];
    const {store} = srv;
    const writeBatch = store.writeBatch.bind(store);
    store.writeBatch = (batch: readonly Submission[], rules) => {
      batches.push(batch.map((s) => (s.message ? 'send' : (s.change?.kind ?? ''))));
      return writeBatch(batch, rules);
    };

    // The writer's batch in flight waits for the database; everything after it queues.
    const release = await holdWriteLock(db);
    const blocked = alice.request('send', {salon: 1, text: 'bloquant'});
    await pause(100);
    const fromAlice = [
      alice.request('send', {salon: 1, text: 'un', clientMsgId: 's-1'}),
      alice.request('edit', {salon: 1, seq: m1.seq, text: 'Bonjour à tous', clientMsgId: 'e-1'}),
      alice.request('edit', {salon: 1, seq: m1.seq, text: 'Bonjour à tous', clientMsgId: 'e-1'}),
      refusal(alice.request('edit', {salon: 1, seq: b1.seq, text: 'pirate'})),
      alice.request('react', {salon: 1, seq: m1.seq, emoji: '👍'}),
      alice.request('delete', {salon: 1, seq: m2.seq}),
      refusal(alice.request('react', {salon: 1, seq: m2.seq, emoji: '🎉'})),
      alice.request('send', {salon: 1, text: 'deux'}),
    ] as const;
    await pause(50);
    const fromBob = [
      bob.request('react', {salon: 1, seq: m1.seq, emoji: '👍', clientMsgId: 'r-1'}),
      bob.request('react', {salon: 1, seq: m1.seq, emoji: '👍', clientMsgId: 'r-1'}),
      bob.request('send', {salon: 1, text: 'trois'}),
    ] as const;
    await pause(50);
    await release();

    t.is((await blocked).message.seq, 4);
    const [one, edit, editAgain, notYours, react, removed, deleted, two] = await Promise.all(fromAlice);
    const [bobReact, bobAgain, three] = await Promise.all(fromBob);
    t.deepEqual(
      [one.message.seq, edit.change?.seq, editAgain.change?.seq, notYours, react.change?.seq, removed.change?.seq, deleted, two.message.seq],
      [5, 6, 6, 'NOT_YOURS', 7, 8, 'DELETED', 9],
      'in arrival order; the retry sent at once answers as the first',
    );
    t.deepEqual([bobReact.change?.seq, bobAgain.change?.seq, three.message.seq], [10, 10, 11]);
    t.deepEqual(batches, [['send', 'edit', 'edit', 'edit', 'react', 'delete', 'react', 'send', 'react', 'react', 'send']], 'one batch after the blocked one');

    // Bob saw every row once, in seq order, changes included.
    await bob.waitFor('message', (e) => e.seq === 11);
    t.deepEqual(
      bob.events.flatMap((e) => (e.event === 'message' && e.seq > 3 ? [`${e.seq}:${e.kind ?? 'message'}`] : [])),
      ['4:message', '5:message', '6:edit', '7:react', '8:delete', '9:message', '10:react', '11:message'],
    );
    const page = (await bob.request('history', {salon: 1})).messages;
    t.like(page.find((m) => m.seq === m1.seq), {text: 'Bonjour à tous', changedSeq: 10});
    t.deepEqual(page.find((m) => m.seq === m1.seq)?.reactions, [{emoji: '👍', count: 2, mine: true}]);
    t.like(page.find((m) => m.seq === m2.seq), {text: '', deletedBy: 'alice'});
    t.deepEqual((await bob.request('search', {salon: 1, text: 'bonjour'})).messages.map((m) => m.seq), [m1.seq]);
    t.deepEqual((await bob.request('search', {salon: 1, text: 'effacer'})).messages, []);
    const general = (await bob.request('salons', {})).salons.find((s) => s.id === 1);
    t.like(general, {lastSeq: 11, lastN: 7}, 'seven messages; the four changes are not counted');
    t.is((await db.query('SELECT message_id FROM messages')).length, 11);
  } finally {
    await srv.stop();
  }
});

eachBackend('a change the database refuses fails alone: the sends queued in its batch are stored, delivered and acknowledged', async (t, db, backend) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice', 'Alice');
    const bob = await srv.user('bob', 'Bob');
    const {message: m1} = await bob.request('send', {salon: 1, text: 'premier jet'});
    // A real refusal of the database's own, for one edit's text: not an outage.
    await db.query(
      backend.name === 'sqlite'
        ? "CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN NEW.kind = 'edit' AND NEW.contenu = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END"
        : "CREATE TRIGGER refuse_boom BEFORE INSERT ON messages FOR EACH ROW IF NEW.kind = 'edit' AND NEW.contenu = 'boom' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom refused'; END IF",
    );
    const release = await holdWriteLock(db);
    const blocked = alice.request('send', {salon: 1, text: 'bloquant'});
    await pause(100);
    const one = alice.request('send', {salon: 1, text: 'un'});
    const boom = refusal(bob.request('edit', {salon: 1, seq: m1.seq, text: 'boom'}));
    const two = alice.request('send', {salon: 1, text: 'deux'});
    const fine = bob.request('edit', {salon: 1, seq: m1.seq, text: 'premier texte'});
    await pause(50);
    await release();
    await blocked;
    t.is(await boom, 'INTERNAL');
    t.deepEqual([(await one).message.text, (await two).message.text], ['un', 'deux']);
    t.truthy((await fine).change, 'the other change of the batch is stored');
    await bob.waitFor('message', (e) => e.text === 'deux');
    const page = (await bob.request('history', {salon: 1})).messages;
    t.deepEqual(page.filter((m) => (m.kind ?? 'message') === 'message').map((m) => m.text), ['premier texte', 'bloquant', 'un', 'deux']);
  } finally {
    await srv.stop();
  }
});
