/**
 * Messages that change: edit, delete, reply, react, and typing notices. Each change is a
 * row of the stream with its own seq; pages show messages as they stand. Through TCP, on
 * both backends.
 */
import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, refusal, startTestServer} from '../helpers/server.js';

eachBackend('an edit, a reaction and a deletion reach the others live as rows of the stream, and pages show the message as it stands', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice', 'Alice');
    const bob = await srv.user('bob', 'Bob');
    const {message} = await alice.request('send', {salon: 1, text: 'Bonjuor à tous'});
    t.is(message.n, 1);

    const edited = await alice.request('edit', {salon: 1, seq: message.seq, text: 'Bonjour à tous', clientMsgId: 'e-1'});
    t.like(edited.change, {kind: 'edit', target: message.seq, seq: message.seq + 1, text: 'Bonjour à tous', n: 1});
    const live = await bob.waitFor('message', (e) => e.kind === 'edit');
    t.like(live, {target: message.seq, text: 'Bonjour à tous', author: 'alice'});

    const reacted = await bob.request('react', {salon: 1, seq: message.seq, emoji: '👍'});
    t.like(reacted.change, {kind: 'react', target: message.seq, text: '👍', author: 'bob'});
    await alice.waitFor('message', (e) => e.kind === 'react' && e.text === '👍');
    t.deepEqual((await bob.request('react', {salon: 1, seq: message.seq, emoji: '👍'})).change, null, 'a reaction already there changes nothing');
    await alice.request('react', {salon: 1, seq: message.seq, emoji: ':tada:'});

    const {message: answer} = await bob.request('send', {salon: 1, text: 'Salut !', replyTo: message.seq});
    t.is(answer.replyTo, message.seq);
    t.is(answer.n, 2, 'n counts messages, not changes');

    const page = await bob.request('history', {salon: 1});
    const first = page.messages.find((m) => m.seq === message.seq);
    t.like(first, {text: 'Bonjour à tous', changedSeq: message.seq + 3});
    t.truthy(first?.editedAt);
    t.deepEqual(first?.reactions, [
      {emoji: '👍', count: 1, mine: true},
      {emoji: ':tada:', count: 1},
    ]);
    t.deepEqual(page.messages.find((m) => m.seq === answer.seq)?.reply, {seq: message.seq, alias: 'Alice', text: 'Bonjour à tous'});
    t.deepEqual(
      (await alice.request('reactions', {salon: 1, seq: message.seq})).reactions,
      [
        {emoji: '👍', username: 'bob', alias: 'Bob'},
        {emoji: ':tada:', username: 'alice', alias: 'Alice'},
      ],
    );

    // Deleted: a tombstone in place, its text gone from the row, its edits and from search.
    const deleted = await alice.request('delete', {salon: 1, seq: message.seq});
    t.like(deleted.change, {kind: 'delete', target: message.seq});
    await bob.waitFor('message', (e) => e.kind === 'delete' && e.target === message.seq);
    const after = (await bob.request('history', {salon: 1})).messages;
    t.like(after.find((m) => m.seq === message.seq), {text: '', deletedBy: 'alice'});
    t.is(after.find((m) => m.seq === message.seq)?.reactions, undefined);
    t.like(after.find((m) => m.seq === answer.seq)?.reply, {seq: message.seq, text: '', deleted: true});
    t.deepEqual((await bob.request('search', {salon: 1, text: 'Bonj'})).messages, []);
    const rows = await db.query<{contenu: string | null}>(`SELECT contenu FROM messages WHERE contenu LIKE '%Bonj%'`);
    t.deepEqual(rows, [], 'no row keeps the deleted text, edits included');
    t.is(await refusal(alice.request('edit', {salon: 1, seq: message.seq, text: 'encore'})), 'DELETED');
  } finally {
    await srv.stop();
  }
});

eachBackend('refusals: someone else\'s message, a change row, a seq that does not exist, too many reactions, not a participant; a moderator deletes in a salon, not in a DM', async (t, db) => {
  const srv = await startTestServer(db, {policy: {maxReactionsPerMessage: 2}});
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    const mod = await srv.moderator('admin');
    const {message} = await alice.request('send', {salon: 1, text: 'à moi'});
    t.is(await refusal(bob.request('edit', {salon: 1, seq: message.seq, text: 'à toi'})), 'NOT_YOURS');
    t.is(await refusal(bob.request('delete', {salon: 1, seq: message.seq})), 'NOT_YOURS');
    t.is(await refusal(alice.request('edit', {salon: 1, seq: 999, text: 'x'})), 'UNKNOWN_MESSAGE');
    const {change} = await bob.request('react', {salon: 1, seq: message.seq, emoji: '🎉'});
    t.is(await refusal(alice.request('edit', {salon: 1, seq: change?.seq ?? 0, text: 'x'})), 'UNKNOWN_MESSAGE', 'a change is not a message');
    await alice.request('react', {salon: 1, seq: message.seq, emoji: '👍'});
    t.is(await refusal(alice.request('react', {salon: 1, seq: message.seq, emoji: '🚀'})), 'TOO_MANY_REACTIONS');
    t.truthy((await alice.request('react', {salon: 1, seq: message.seq, emoji: '🎉'})).change, 'an emoji already there may still be added');
    t.is(await refusal(alice.request('react', {salon: 1, seq: message.seq, emoji: 'ok'})), 'BAD_REQUEST', 'one emoji or a :shortcode:');
    t.is(await refusal(alice.request('react', {salon: 1, seq: message.seq, emoji: '👍👍'})), 'BAD_REQUEST');

    const {salon: dm} = await alice.request('dm', {with: ['bob']});
    const {message: secret} = await alice.request('send', {salon: dm.id, text: 'entre nous'});
    t.is(await refusal(mod.request('delete', {salon: dm.id, seq: secret.seq})), 'UNKNOWN_SALON', 'a DM answers as a conversation that does not exist');
    t.is(await refusal(mod.request('react', {salon: dm.id, seq: secret.seq, emoji: '👍'})), 'UNKNOWN_SALON');
    t.is(await refusal(mod.request('reactions', {salon: dm.id, seq: secret.seq})), 'UNKNOWN_SALON');
    t.is(await refusal(mod.request('typing', {salon: dm.id})), 'UNKNOWN_SALON');
    t.like((await mod.request('delete', {salon: 1, seq: message.seq})).change, {kind: 'delete', author: 'admin'});
    const page = await alice.request('history', {salon: 1});
    t.like(page.messages.find((m) => m.seq === message.seq), {deletedBy: 'admin', text: ''});
  } finally {
    await srv.stop();
  }
});

eachBackend('the edit window and authors\' deletions follow the server\'s settings', async (t, db) => {
  let now = Date.now();
  const srv = await startTestServer(db, {clock: () => now, policy: {editWindowMs: 60_000, authorsMayDelete: false}});
  try {
    const alice = await srv.user('alice');
    const {message} = await alice.request('send', {salon: 1, text: 'tôt'});
    t.truthy((await alice.request('edit', {salon: 1, seq: message.seq, text: 'à temps'})).change);
    t.is(await refusal(alice.request('delete', {salon: 1, seq: message.seq})), 'NOT_YOURS', 'authors may not delete here');
    now += 61_000;
    t.is(await refusal(alice.request('edit', {salon: 1, seq: message.seq, text: 'trop tard'})), 'EDIT_WINDOW');
  } finally {
    await srv.stop();
  }
});

eachBackend('a retried change with the same clientMsgId is applied once, also when sent twice at once', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    const {message} = await alice.request('send', {salon: 1, text: 'une fois'});
    const [a, b] = await Promise.all([
      bob.request('react', {salon: 1, seq: message.seq, emoji: '👀', clientMsgId: 'r-1'}),
      bob.request('react', {salon: 1, seq: message.seq, emoji: '👀', clientMsgId: 'r-1'}),
    ]);
    t.is(a.change?.seq, b.change?.seq);
    const again = await bob.request('react', {salon: 1, seq: message.seq, emoji: '👀', clientMsgId: 'r-1'});
    t.is(again.change?.seq, a.change?.seq, 'a later retry answers with the first');
    const edits = await Promise.all([1, 2, 3].map(() => alice.request('edit', {salon: 1, seq: message.seq, text: 'deux fois', clientMsgId: 'e-7'})));
    t.is(new Set(edits.map((e) => e.change?.seq)).size, 1);
    const rows = await db.query<{kind: string}>('SELECT kind FROM messages ORDER BY seq');
    t.deepEqual(rows.map((r) => r.kind), ['message', 'react', 'edit']);
    t.is((await alice.request('history', {salon: 1})).messages.filter((m) => m.kind === 'react').length, 1);
  } finally {
    await srv.stop();
  }
});

eachBackend('a client that reconnects catches up with edits, reactions and deletions it missed, in seq order', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    const {message} = await alice.request('send', {salon: 1, text: 'v1'});
    const {message: other} = await alice.request('send', {salon: 1, text: 'autre'});
    const known = other.seq;
    await bob.conn.close();
    await alice.request('edit', {salon: 1, seq: message.seq, text: 'v2'});
    await alice.request('react', {salon: 1, seq: other.seq, emoji: '👍'});
    await alice.request('react', {salon: 1, seq: other.seq, emoji: '👍', on: false});
    await alice.request('delete', {salon: 1, seq: message.seq});
    const back = await srv.connect();
    await back.request('login', {username: 'bob', password: PASSWORD});
    const missed = await back.request('history', {salon: 1, after: known});
    t.deepEqual(
      missed.messages.map((m) => [m.kind, m.target, m.text]),
      [
        ['edit', message.seq, ''],
        ['react', other.seq, '👍'],
        ['unreact', other.seq, '👍'],
        ['delete', message.seq, ''],
      ],
      'the edit of a message deleted since keeps no text',
    );
    const lastSalon = (await back.request('salons', {})).salons.find((s) => s.id === 1);
    t.is(lastSalon?.lastSeq, known + 4);
  } finally {
    await srv.stop();
  }
});

eachBackend('typing notices reach the other members of the conversation, at most one per interval, and are never stored', async (t, db) => {
  let now = Date.now();
  const srv = await startTestServer(db, {clock: () => now});
  try {
    const alice = await srv.user('alice', 'Alice');
    const bob = await srv.user('bob');
    const carol = await srv.user('carol');
    const {salon: dm} = await alice.request('dm', {with: ['bob']});
    await alice.request('typing', {salon: dm.id});
    t.like(await bob.waitFor('typing', (e) => e.salon === dm.id), {username: 'alice', alias: 'Alice', active: true});
    await alice.request('typing', {salon: dm.id});
    now += 3_000;
    await alice.request('typing', {salon: dm.id});
    await alice.request('typing', {salon: dm.id, active: false});
    await bob.waitFor('typing', (e) => e.salon === dm.id && !e.active);
    t.deepEqual(
      bob.events.filter((e) => e.event === 'typing').map((e) => (e as {active: boolean}).active),
      [true, true, false],
      'the second notice within 3 s is not relayed',
    );
    t.false(alice.events.some((e) => e.event === 'typing'), 'not echoed to the typist');
    t.false(carol.events.some((e) => e.event === 'typing'), 'not heard outside the conversation');
    t.is((await db.query<{n: number}>('SELECT COUNT(*) AS n FROM messages')).map((r) => Number(r.n))[0], 0);
  } finally {
    await srv.stop();
  }
});

eachBackend('unread counts count messages, not changes: lastN and readN in the salons list and in read events', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    const bob2 = await srv.connect();
    await bob2.request('login', {username: 'bob', password: PASSWORD});
    const {message: one} = await alice.request('send', {salon: 1, text: 'un'});
    await alice.request('react', {salon: 1, seq: one.seq, emoji: '👍'});
    await alice.request('edit', {salon: 1, seq: one.seq, text: 'un !'});
    const {message: two} = await alice.request('send', {salon: 1, text: 'deux'});
    await bob.request('react', {salon: 1, seq: two.seq, emoji: '🎉'});
    const general = (await bob.request('salons', {})).salons.find((s) => s.id === 1);
    t.like(general, {lastSeq: 5, readSeq: 0, lastN: 2, readN: 0}, 'two messages unread, three changes not counted');

    t.deepEqual(await bob.request('read', {salon: 1, seq: 3}), {salon: 1, seq: 3, n: 1}, 'read up to the edit: one message');
    t.like(await bob2.waitFor('read', (e) => e.seq === 3), {n: 1});
    t.deepEqual(await bob.request('read', {salon: 1, seq: 5}), {salon: 1, seq: 5, n: 2});
  } finally {
    await srv.stop();
  }
  // After a restart, from the database.
  const restarted = await startTestServer(db);
  try {
    const bob = await restarted.connect();
    const login = await bob.request('login', {username: 'bob', password: PASSWORD});
    t.like(login.salons.find((s) => s.id === 1), {lastSeq: 5, readSeq: 5, lastN: 2, readN: 2});
  } finally {
    await restarted.stop();
  }
});
