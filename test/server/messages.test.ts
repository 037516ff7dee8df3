import type {MessageInfo} from '../../source/protocol/frames.js';
import {defaultPolicy} from '../../source/server/policy.js';
import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, refusal, startTestServer} from '../helpers/server.js';

eachBackend('a message is acknowledged once stored and reaches every member, and only members', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const exemple = await srv.user('exemple');
    const admin = await srv.user('admin', 'Admin');
    const outsider = await srv.user('outsider');
    await exemple.request('join', {salon: 'Blabla'});
    await admin.request('join', {salon: 'Blabla'});
    const {message} = await exemple.request('send', {salon: 'Blabla', text: 'Bonjour !'});
    const [row] = await db.query<{contenu: string; client_id: number; salon_id: number}>('SELECT contenu, client_id, salon_id FROM messages WHERE message_id = ?', [message.id]);
    t.is(row?.contenu, 'Bonjour !', 'stored before the acknowledgement');
    t.is(Number(row?.salon_id), 2);
    t.like(message, {salon: 2, seq: 1, author: 'exemple', alias: 'Exemple', text: 'Bonjour !'});
    t.true(Math.abs(message.ts - Date.now()) < 60_000);
    const received = await admin.waitFor('message', (e) => e.salon === 2);
    t.like(received, {id: message.id, seq: 1, alias: 'Exemple', text: 'Bonjour !'});
    await exemple.request('send', {salon: 1, text: 'everyone'});
    await outsider.waitFor('message', (e) => e.text === 'everyone');
    t.false(outsider.events.some((e) => e.event === 'message' && e.salon === 2), 'non-members receive nothing of Blabla');
    t.is(await refusal(outsider.request('send', {salon: 2, text: 'let me in'})), 'NOT_MEMBER');
    t.is(await refusal(outsider.request('history', {salon: 'Blabla'})), 'NOT_MEMBER');
  } finally {
    await srv.stop();
  }
});

eachBackend('concurrent senders: every member sees one order, the stored one, without gaps', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const users = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((u) => srv.user(u)));
    const perSender = 25;
    await Promise.all(users.map((u, i) => Promise.all(Array.from({length: perSender}, (_, k) => u.request('send', {salon: 1, text: `${i}:${k}`})))));
    const total = users.length * perSender;
    const stored = await db.query<{seq: number; contenu: string}>('SELECT seq, contenu FROM messages WHERE salon_id = 1 ORDER BY seq');
    t.is(stored.length, total);
    t.deepEqual(stored.map((r) => Number(r.seq)), Array.from({length: total}, (_, i) => i + 1), 'gap-free sequence');
    for (const u of users) {
      await u.waitFor('message', (e) => e.seq === total);
      const seen = u.events.filter((e): e is {event: 'message'} & MessageInfo => e.event === 'message');
      t.deepEqual(seen.map((e) => e.text), stored.map((r) => r.contenu), 'same order as stored');
    }
    // Per sender, the stored order is the order they sent in.
    for (let i = 0; i < users.length; i++) {
      const mine = stored.filter((r) => r.contenu.startsWith(`${i}:`)).map((r) => Number(r.contenu.split(':')[1]));
      t.deepEqual(mine, [...mine].sort((a, b) => a - b));
    }
  } finally {
    await srv.stop();
  }
});

eachBackend('under a burst to many recipients, a sender still gets its message event before the response', async (t, db) => {
  const srv = await startTestServer(db, {policy: {...defaultPolicy, messagesPerSecond: 1e6, messageBurst: 1e6, registrationsPerAddress: 1e6, maxConnectionsPerAddress: 1000}});
  try {
    // 300 connections listening in Général make each write-out cost enough for the server
    // to gather batches before writing them, and so to hold the responses back as well.
    await srv.user('listener');
    const {token} = (await (await srv.connect()).request('login', {username: 'listener', password: PASSWORD})) as {token: string};
    const listeners = await Promise.all(
      Array.from({length: 300}, async () => {
        const c = await srv.connect();
        await c.request('resume', {token});
        return c;
      }),
    );
    const senders = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((u) => srv.user(u)));
    // Bursts: on MySQL two batches are in flight at once and commit close together, so the
    // second is gathered behind the first's write-out. (SQLite commits one batch per turn
    // of the event loop, which rarely gathers here: this guards the MySQL path.)
    const bursts = 8;
    const perBurst = 25;
    const perSender = bursts * perBurst;
    const ackedFirst: string[] = [];
    for (let b = 0; b < bursts; b++) {
      await Promise.all(
        senders.map((u, i) =>
          Promise.all(
            Array.from({length: perBurst}, async (_, k) => {
              const {message} = await u.request('send', {salon: 1, text: `${i}:${b}:${k}`});
              if (!u.events.some((e) => e.event === 'message' && e.id === message.id)) ackedFirst.push(message.text);
            }),
          ),
        ),
      );
    }
    t.deepEqual(ackedFirst.slice(0, 10), [], 'each sender had its message event before the response');
    const total = senders.length * perSender;
    await Promise.all(listeners.map((c) => c.waitFor('message', (e) => e.seq === total)));
    for (const c of [listeners[0]!, listeners[299]!]) {
      t.deepEqual(
        c.events.filter((e) => e.event === 'message').map((e) => (e as unknown as MessageInfo).seq),
        Array.from({length: total}, (_, i) => i + 1),
        'every listener got every message once, in order',
      );
    }
  } finally {
    await srv.stop();
  }
});

eachBackend('a retried send with the same clientMsgId returns the first message, never a duplicate', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    const first = await alice.request('send', {salon: 1, text: 'once', clientMsgId: 'abc-1'});
    const retry = await alice.request('send', {salon: 1, text: 'once', clientMsgId: 'abc-1'});
    t.deepEqual(retry.message, first.message);
    const [a, b] = await Promise.all([
      alice.request('send', {salon: 1, text: 'twice in one batch', clientMsgId: 'abc-2'}),
      alice.request('send', {salon: 1, text: 'twice in one batch', clientMsgId: 'abc-2'}),
    ]);
    t.deepEqual(a.message, b.message);
    await alice.request('send', {salon: 1, text: 'after'});
    await bob.waitFor('message', (e) => e.text === 'after');
    const delivered = bob.events.filter((e) => e.event === 'message').map((e) => (e as {text: string}).text);
    t.deepEqual(delivered, ['once', 'twice in one batch', 'after'], 'a retry is not delivered twice');
    const rows = await db.query('SELECT message_id FROM messages');
    t.is(rows.length, 3);
  } finally {
    await srv.stop();
  }
});

eachBackend('history: recent messages first, older pages by cursor, nothing missing', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    for (let i = 1; i <= 12; i++) await alice.request('send', {salon: 1, text: `n${i}`});
    const recent = await alice.request('history', {salon: 'Général', limit: 5});
    t.deepEqual(recent.messages.map((m: MessageInfo) => m.text), ['n8', 'n9', 'n10', 'n11', 'n12']);
    t.true(recent.hasMore);
    const texts: string[] = [...recent.messages.map((m: MessageInfo) => m.text)];
    let before = recent.messages[0]!.seq;
    for (;;) {
      const page = await alice.request('history', {salon: 1, before, limit: 5});
      texts.unshift(...page.messages.map((m: MessageInfo) => m.text));
      if (!page.hasMore) break;
      before = page.messages[0]!.seq;
    }
    t.deepEqual(texts, Array.from({length: 12}, (_, i) => `n${i + 1}`));
    const caughtUp = await alice.request('history', {salon: 1, after: 9, limit: 2});
    t.deepEqual(caughtUp.messages.map((m: MessageInfo) => m.seq), [10, 11]);
    t.true(caughtUp.hasMore);
    t.is(await refusal(alice.request('history', {salon: 1, after: 1, before: 5})), 'BAD_REQUEST');
    t.is(await refusal(alice.request('history', {salon: 1, limit: 1000})), 'BAD_REQUEST');
  } finally {
    await srv.stop();
  }
});

eachBackend('bad messages are refused with a reason and store nothing', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    t.is(await refusal(alice.request('send', {salon: 1, text: '   '})), 'BAD_REQUEST');
    t.is(await refusal(alice.request('send', {salon: 1, text: 'x'.repeat(4001)})), 'BAD_REQUEST');
    t.is(await refusal(alice.request('send', {salon: 1, text: 'bell\u0007'})), 'BAD_REQUEST');
    t.is(await refusal(alice.request('send', {salon: 42, text: 'where?'})), 'UNKNOWN_SALON');
    t.is((await db.query('SELECT message_id FROM messages')).length, 0);
    const multi = await alice.request('send', {salon: 1, text: 'line one\nline two 😀'});
    t.is(multi.message.text, 'line one\nline two 😀');
  } finally {
    await srv.stop();
  }
});

eachBackend('search looks through the stored messages of a salon the user belongs to', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    await alice.request('send', {salon: 1, text: 'The quarterly report is late'});
    await bob.request('send', {salon: 1, text: 'no news'});
    await bob.request('send', {salon: 1, text: 'report sent!'});
    const found = await alice.request('search', {salon: 'Général', text: 'report'});
    t.deepEqual(found.messages.map((m: MessageInfo) => m.text), ['report sent!', 'The quarterly report is late']);
    t.false(found.hasMore);
    t.is(await refusal(alice.request('search', {salon: 'Blabla', text: 'report'})), 'NOT_MEMBER');
  } finally {
    await srv.stop();
  }
});

eachBackend('a message stored without the hub hearing of it is delivered in order before the next', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    await alice.request('send', {salon: 1, text: 'one'});
    // As when a commit's answer is lost, or another node stored it: the record has it, the hub does not.
    const record = await srv.store.findUser('alice');
    await srv.store.appendMessages([{clientId: record!.id, username: 'alice', alias: 'Alice', salonId: 1, text: 'two', ts: Date.now()}]);
    await alice.request('send', {salon: 1, text: 'three'});
    await bob.waitFor('message', (e) => e.text === 'three');
    const seen = bob.events.flatMap((e) => (e.event === 'message' ? [`${e.seq}:${e.text}`] : []));
    t.deepEqual(seen, ['1:one', '2:two', '3:three']);
  } finally {
    await srv.stop();
  }
});
