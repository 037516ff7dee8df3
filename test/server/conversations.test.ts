/**
 * Direct messages and groups: one conversation per set of people, private to them, on the
 * same stream machinery as salons; blocking. Through TCP, on both backends.
 */
import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, refusal, startTestServer} from '../helpers/server.js';

eachBackend('a direct message reaches the other participant live and nobody else; its history and read markers work as in a salon', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice', 'Alice');
    const bob = await srv.user('bob', 'Bob Martin');
    const carol = await srv.user('carol', 'Carol');
    const {salon} = await alice.request('dm', {with: ['bob martin']});
    t.like(salon, {kind: 'dm', name: 'Bob Martin', state: 'member', lastSeq: 0, readSeq: 0});
    t.deepEqual(salon.participants?.map((p) => p.username).sort(), ['alice', 'bob']);
    const opened = await bob.waitFor('conversation', (e) => e.conversation.id === salon.id);
    t.like(opened.conversation, {kind: 'dm', name: 'Alice', state: 'member'}, 'named after the other participant');
    const mine = await alice.waitFor('conversation', (e) => e.conversation.id === salon.id);
    t.like(mine.conversation, {name: 'Bob Martin'}, "the opener's other terminals hear of it too, named the same");

    const sent = await alice.request('send', {salon: salon.id, text: 'Bonjour Bob'});
    t.is(sent.message.seq, 1);
    await bob.waitFor('message', (e) => e.salon === salon.id && e.text === 'Bonjour Bob');
    const reply = await bob.request('send', {salon: salon.id, text: 'Salut !'});
    await alice.waitFor('message', (e) => e.salon === salon.id && e.text === 'Salut !');
    t.false(carol.events.some((e) => e.event === 'message' && e.salon === salon.id), 'carol hears nothing of it');
    t.false(carol.events.some((e) => e.event === 'conversation'));

    const page = await bob.request('history', {salon: salon.id});
    t.deepEqual(page.messages.map((m) => m.text), ['Bonjour Bob', 'Salut !']);
    t.deepEqual(await bob.request('read', {salon: salon.id, seq: 2}), {salon: salon.id, seq: 2, n: 2});
    const bobs = (await bob.request('salons', {})).salons;
    t.like(bobs.find((s) => s.id === salon.id), {kind: 'dm', lastSeq: 2, readSeq: 2, lastTs: reply.message.ts}, 'last activity: the newest message');
    t.false((await carol.request('salons', {})).salons.some((s) => s.id === salon.id), 'not in anyone else\'s list');
    // The original's table shows it like any message, with its conversation.
    const rows = await db.query<{contenu: string; salon_id: number}>('SELECT contenu, salon_id FROM messages ORDER BY message_id');
    t.deepEqual(rows.map((r) => [r.contenu, Number(r.salon_id)]), [['Bonjour Bob', salon.id], ['Salut !', salon.id]]);
  } finally {
    await srv.stop();
  }
});

eachBackend('to anyone else, moderators included, a direct message answers every request as a conversation that does not exist', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    await srv.user('bob');
    const mod = await srv.moderator('admin');
    const {salon} = await alice.request('dm', {with: ['bob']});
    await alice.request('send', {salon: salon.id, text: 'secret'});
    const missing = 987_654;
    for (const who of [mod]) {
      for (const id of [salon.id, missing]) {
        const answers = [
          await refusal(who.request('history', {salon: id})),
          await refusal(who.request('send', {salon: id, text: 'x'})),
          await refusal(who.request('members', {salon: id})),
          await refusal(who.request('read', {salon: id, seq: 1})),
          await refusal(who.request('search', {salon: id, text: 'secret'})),
          await refusal(who.request('join', {salon: id})),
          await refusal(who.request('accept', {username: 'alice', salon: id})),
        ];
        t.deepEqual(answers, Array(7).fill('UNKNOWN_SALON'), `salon ${id === missing ? 'that does not exist' : 'of alice and bob'}`);
      }
    }
    t.deepEqual(await refusal(mod.request('join', {salon: `dm:${salon.id}`})), 'UNKNOWN_SALON', 'no name to find it by');
  } finally {
    await srv.stop();
  }
});

eachBackend('one conversation per set of people: opened at once from two terminals and from both sides, a group in any order', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const alice2 = await srv.connect();
    await alice2.request('login', {username: 'alice', password: PASSWORD});
    const bob = await srv.user('bob');
    await srv.user('carol');
    const opened = await Promise.all([
      alice.request('dm', {with: ['bob']}),
      alice2.request('dm', {with: ['Bob']}),
      bob.request('dm', {with: ['alice']}),
      alice.request('dm', {with: ['bob']}),
    ]);
    t.is(new Set(opened.map((r) => r.salon.id)).size, 1, 'the same conversation every time');
    const rows = await db.query("SELECT salon_id FROM salons WHERE kind = 'dm'");
    t.is(rows.length, 1);

    const group = await alice.request('dm', {with: ['bob', 'carol']});
    t.like(group.salon, {kind: 'group', name: 'Bob, Carol'});
    const again = await bob.request('dm', {with: ['carol', 'alice']});
    t.is(again.salon.id, group.salon.id);
    t.not(group.salon.id, opened[0].salon.id, 'a pair and a trio are not the same conversation');
    const many = Array.from({length: 8}, (_, i) => `p${i}`);
    for (const name of many) await srv.user(name);
    t.is(await refusal(alice.request('dm', {with: many})), 'BAD_REQUEST', 'at most 8 participants');
    t.is(await refusal(alice.request('dm', {with: ['alice']})), 'BAD_REQUEST', 'someone else is needed');
  } finally {
    await srv.stop();
  }
});

eachBackend('a blocked account can neither open a direct message with the blocker nor send into one, and cannot tell a block from an unknown name', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    const {salon} = await alice.request('dm', {with: ['bob']});
    t.deepEqual(await bob.request('block', {username: 'alice'}), {username: 'alice', blocked: true});
    t.is(await refusal(alice.request('send', {salon: salon.id, text: 'hello?'})), 'CANNOT_MESSAGE');
    const blocked = await alice.request('dm', {with: ['bob']}).catch((e) => e);
    const unknown = await alice.request('dm', {with: ['nobody']}).catch((e) => e);
    t.is(blocked.code, 'CANNOT_MESSAGE');
    t.is(unknown.code, blocked.code, 'the same refusal');
    t.truthy(await bob.request('send', {salon: salon.id, text: 'I can still write'}), 'the blocker is not silenced');

    // Persisted: a restart keeps the block, and unblocking lifts it.
    await srv.stop();
    const again = await startTestServer(db);
    try {
      const a = await again.connect();
      await a.request('login', {username: 'alice', password: PASSWORD});
      t.is(await refusal(a.request('send', {salon: salon.id, text: 'after restart'})), 'CANNOT_MESSAGE');
      const b = await again.connect();
      await b.request('login', {username: 'bob', password: PASSWORD});
      await b.request('unblock', {username: 'alice'});
      t.is((await a.request('send', {salon: salon.id, text: 'thanks'})).message.text, 'thanks');
    } finally {
      await again.stop();
    }
  } finally {
    await srv.stop();
  }
});

eachBackend('a banned account\'s direct messages stay readable by the other participant, under its alias', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const mallory = await srv.user('mallory', 'Mallory');
    const bob = await srv.user('bob');
    const mod = await srv.moderator('admin');
    const {salon} = await mallory.request('dm', {with: ['bob']});
    await mallory.request('send', {salon: salon.id, text: 'buy now'});
    await mod.request('ban', {username: 'mallory'});
    const page = await bob.request('history', {salon: salon.id});
    t.deepEqual(page.messages.map((m) => [m.alias, m.author, m.text]), [['Mallory', null, 'buy now']]);
  } finally {
    await srv.stop();
  }
});
