/**
 * Retention: periods set at the console, the job deleting what is past them in batches
 * while messages keep flowing, and what clients see afterwards (history, catch-up, unread
 * counts), through TCP on both backends, on a fake clock.
 */
import {eachBackend} from '../helpers/each-backend.js';
import {OPERATOR, startTestServer} from '../helpers/server.js';
import {runCommand} from '../../source/console/commands.js';
import {translator} from '../../source/i18n/index.js';
import {parsePeriod} from '../../source/server/retention.js';
import {Delivery} from '../../source/server/delivery.js';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import test from 'ava';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 9);

test('periods as operators type them', (t) => {
  t.is(parsePeriod('90d'), 90);
  t.is(parsePeriod('90j'), 90);
  t.is(parsePeriod('12w'), 84);
  t.is(parsePeriod('1y'), 365);
  t.is(parsePeriod('30'), 30);
  t.is(parsePeriod('off'), 0);
  t.is(parsePeriod('5m'), undefined, 'minutes are no retention');
  t.is(parsePeriod('0d'), undefined);
  t.is(parsePeriod('soon'), undefined);
});

eachBackend('retention deletes exactly what is past its period, in batches, while messages keep flowing', async (t, db, backend) => {
  let now = T0;
  const srv = await startTestServer(db, {clock: () => now, retention: {intervalMs: 0, batch: 40, pauseMs: 1}});
  try {
    const alice = await srv.user('alice', 'Alice');
    const bob = await srv.user('bob', 'Bob');
    for (let i = 1; i <= 300; i++) await alice.request('send', {salon: 1, text: `ancien message ${i}`});
    await bob.request('react', {salon: 1, seq: 3, emoji: '👍'}); // seq 301
    await bob.request('join', {salon: 'Blabla'});
    for (let i = 1; i <= 5; i++) await bob.request('send', {salon: 'Blabla', text: `gardé ${i}`});
    const {salon: dm} = await alice.request('dm', {with: ['bob']});
    for (let i = 1; i <= 30; i++) await alice.request('send', {salon: dm.id, text: `direct ${i}`});

    // Set while nothing is old enough yet: the passes the commands start find nothing.
    const lines: string[] = [];
    const deps = {moderation: srv.server.moderation, t: translator('en'), print: (l: string) => lines.push(l), operator: 'admin', kill: async () => {}};
    await runCommand(deps, 'RETENTION:Blabla:off');
    await runCommand(deps, 'RETENTION:DEFAULT:1d');
    await runCommand(deps, 'RETENTION:Général:soon');
    await runCommand(deps, 'RETENTION');
    t.true(lines.some((l) => l.startsWith('Retention of Blabla: everything kept')), lines.join('\n'));
    t.true(lines.some((l) => l.includes('Not a retention period: soon')), lines.join('\n'));
    t.true(lines.includes('By default (direct messages and groups too): 1 d.'), lines.join('\n'));
    t.true(lines.includes('  Blabla: everything kept'), lines.join('\n'));
    t.is((await srv.server.retention.runOnce()).deleted, 0);

    now = T0 + 3 * DAY;
    await alice.request('edit', {salon: 1, seq: 10, text: 'ancien corrigé'}); // seq 302, recent, targets a message that goes
    await bob.request('react', {salon: 1, seq: 20, emoji: '🎉'}); // seq 303
    for (let i = 1; i <= 20; i++) await alice.request('send', {salon: 1, text: `nouveau message ${i}`}); // 304..323

    // The pass runs while bob keeps sending: every message is stored and delivered in order.
    const sends = Array.from({length: 100}, (_, i) => bob.request('send', {salon: 1, text: `pendant ${i}`}));
    const pass = await srv.server.retention.runOnce();
    const sent = await Promise.all(sends);
    await alice.waitFor('message', (e) => e.seq === sent.at(-1)?.message.seq);
    const live = alice.events.filter((e) => e.event === 'message' && e.salon === 1 && e.text.startsWith('pendant')).map((e) => (e as {seq: number}).seq);
    t.deepEqual(live, sent.map((s) => s.message.seq), 'all delivered, in order');
    t.log(`${backend.name}: ${pass.batches} batches of up to 40 rows, longest ${pass.longestMs.toFixed(1)} ms`);
    t.true(pass.batches >= 9, 'Général in 8 batches (301 rows), the direct message in 1');
    t.is(pass.deleted, 301 + 30);

    // Général: rows 1..301 (all sent before the cutoff) are gone; the recent edit stays, its text gone.
    const general = await db.query<{seq: number; kind: string; contenu: string}>('SELECT seq, kind, contenu FROM messages WHERE salon_id = 1 ORDER BY seq');
    t.is(general[0]?.seq, 302);
    t.deepEqual(general.slice(0, 2).map((r) => [Number(r.seq), r.kind, r.contenu]), [[302, 'edit', ''], [303, 'react', '🎉']]);
    t.is(general.length, 2 + 20 + 100, 'nothing kept was deleted');
    const [counter] = await db.query<{seq: number; purged_seq: number; purged_n: number; msgs: number}>('SELECT seq, purged_seq, purged_n, msgs FROM salons WHERE salon_id = 1');
    t.deepEqual([Number(counter?.seq), Number(counter?.purged_seq), Number(counter?.purged_n), Number(counter?.msgs)], [423, 301, 300, 420], 'counters never go back');
    t.deepEqual(await db.query('SELECT seq FROM reactions WHERE salon_id = 1'), [], 'reactions of deleted messages are gone');
    t.is(Number((await db.query<{c: number}>(`SELECT COUNT(*) AS c FROM messages WHERE salon_id = ${dm.id}`))[0]?.c), 0, 'direct messages follow the default');
    t.is(Number((await db.query<{c: number}>('SELECT COUNT(*) AS c FROM messages WHERE salon_id = 2'))[0]?.c), 5, 'Blabla keeps everything');
    if (backend.name === 'sqlite') {
      await t.notThrowsAsync(db.query("INSERT INTO message_search (message_search) VALUES ('integrity-check')"), 'the search index matches the table');
    }
    t.is((await bob.request('search', {text: 'ancien'})).messages.length, 0);
    t.is((await bob.request('search', {text: 'nouveau'})).messages.length, 20);

    // History: what exists, and no promise of older messages.
    const latest = await bob.request('history', {salon: 1, limit: 200});
    t.is(latest.messages[0]?.seq, 302);
    t.false(latest.hasMore);
    const full = await bob.request('history', {salon: 1, before: 352, limit: 50});
    t.deepEqual([full.messages.length, full.messages[0]?.seq, full.hasMore], [50, 302, false], 'a full page down to the oldest kept row says there is nothing older');
    const below = await bob.request('history', {salon: 1, before: 302, limit: 50});
    t.deepEqual([below.messages.length, below.hasMore], [0, false]);
    // Catch-up from before the deleted rows goes on from the oldest kept one.
    for (const after of [0, 5, 301]) {
      const next = await bob.request('history', {salon: 1, after, limit: 10});
      t.deepEqual([next.messages[0]?.seq, next.hasMore], [302, true], `after ${after}`);
    }
    const empty = await bob.request('history', {salon: dm.id, after: 0});
    t.deepEqual([empty.messages.length, empty.hasMore], [0, false]);

    // Unread counts: deleted messages are not unread (bob never read Général).
    const bobs = (await srv.store.listMemberships()).find((m) => m.username === 'bob' && m.salonId === 1);
    t.is(bobs?.readN, 300);
    t.is(await srv.store.countAt(1, 150), 300);
    t.is(await srv.store.countAt(1, 304), 301);

    const audit = await srv.store.listAudit({limit: 10});
    t.deepEqual(
      audit.filter((r) => r.action === 'retention').map((r) => `${r.actor}@${r.via} ${r.targetSalon ?? 'DEFAULT'} ${r.outcome}`).sort(),
      ['admin@console Blabla ok', 'admin@console DEFAULT ok', 'admin@console Général BAD_REQUEST'],
    );
    t.is(audit.find((r) => r.action === 'retention' && r.targetSalon == null)?.detail?.days, 1);
    // Idempotent: a second pass (another node's) finds nothing.
    t.is((await srv.server.retention.runOnce()).deleted, 0);
    t.truthy(srv.notices.find((n) => n.kind === 'retention'));
  } finally {
    await srv.stop();
  }
});

eachBackend('a salon set back to the default, and the default turned off', async (t, db) => {
  let now = T0;
  const srv = await startTestServer(db, {clock: () => now, retention: {intervalMs: 0}});
  try {
    const alice = await srv.user('alice', 'Alice');
    for (let i = 1; i <= 3; i++) await alice.request('send', {salon: 1, text: `m${i}`});
    now = T0 + 10 * DAY;
    await srv.server.moderation.setRetention('general', '30d', OPERATOR);
    await srv.server.moderation.setRetention('DEFAULT', '1w', OPERATOR);
    t.deepEqual(await srv.server.moderation.retention(), {defaultDays: 7, salons: [{name: 'Général', days: 30}]});
    t.is((await srv.server.retention.runOnce()).deleted, 0, 'Général keeps 30 days');
    await srv.server.moderation.setRetention('Général', 'default', OPERATOR);
    // Setting it started a pass; this one runs after it.
    await srv.server.retention.runOnce();
    t.is((await alice.request('history', {salon: 1})).messages.length, 0, 'back on the default: 1 week');
    await srv.server.moderation.setRetention('DEFAULT', 'off', OPERATOR);
    t.deepEqual(await srv.server.moderation.retention(), {defaultDays: null, salons: []});
    await t.throwsAsync(srv.server.moderation.setRetention('Nulle part', '1d', OPERATOR), {message: /No salon/});
  } finally {
    await srv.stop();
  }
});

eachBackend('a purge goes in batches of 500 rows until nothing older is left, and logs how long each held the thread', async (t, db, backend) => {
  const srv = await startTestServer(db, {retention: {intervalMs: 0}});
  try {
    const alice = await srv.store.createUser({username: 'alice', alias: 'Alice', passwordHash: 'x', role: 'user', ts: T0});
    for (let k = 0; k < 4; k++) {
      await srv.store.appendMessages(Array.from({length: 500}, (_, i) => ({clientId: alice.id, username: alice.username, alias: alice.alias, salonId: 1, text: `un message assez ordinaire numéro ${k * 500 + i}`, ts: T0})));
    }
    // What matters is how long the thread is held at once (each statement is synchronous on
    // SQLite), not the batch's wall time, which includes turns of the event loop between its
    // statements: the event loop's longest delay measures it.
    const times: number[] = [];
    const blocked: number[] = [];
    for (let step; !(step && step.done); ) {
      const delay = monitorEventLoopDelay({resolution: 1});
      delay.enable();
      const started = performance.now();
      step = await srv.store.purgeBatch(1, T0 + 1, 500);
      times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 5));
      delay.disable();
      blocked.push(delay.max / 1e6);
    }
    t.is(times.length, 5, 'four full batches, then one that finds nothing older');
    t.log(`${backend.name}: batches of 500 rows took ${times.map((ms) => ms.toFixed(1)).join(', ')} ms; the event loop waited at most ${blocked.map((ms) => ms.toFixed(1)).join(', ')} ms`);
    // Timings are the benchmark's to judge, not a test's (the machine is shared): logged only.
    t.is(await srv.store.purgedUpTo(1), 2000);
  } finally {
    await srv.stop();
  }
});

eachBackend('a node whose delivery stands before the deleted rows goes on from the oldest kept one, without waiting for the gap', async (t, db) => {
  const store = await db.open();
  try {
    const author = await store.createUser({username: 'alice', alias: 'Alice', passwordHash: 'x', role: 'user', ts: T0});
    const draft = (text: string, ts: number) => ({clientId: author.id, username: 'alice', alias: 'Alice', salonId: 1, text, ts});
    await store.appendMessages(Array.from({length: 10}, (_, i) => draft(`old ${i}`, T0)));
    await store.appendMessages(Array.from({length: 3}, (_, i) => draft(`new ${i}`, T0 + 2 * DAY)));
    t.is((await store.purgeBatch(1, T0 + DAY, 500)).purgedSeq, 10);
    const written: Buffer[] = [];
    const peer = {id: 1, write: (bytes: Buffer) => void written.push(bytes), close: () => {}};
    const salon = {id: 1, name: 'Général', moderated: false, kind: 'salon' as const, archived: false, members: new Set<never>(), online: new Set([peer])};
    const delivery = new Delivery(store, (id) => (id === 1 ? salon : undefined));
    const [latest] = await store.appendMessages([draft('newest', T0 + 2 * DAY)]);
    delivery.deliver([latest!]);
    // Waiting for the deleted rows would take the gap's patience (2 s): 150 turns of at
    // least 10 ms each end before, and the newest message would not be out yet.
    for (let i = 0; i < 150 && delivery.seq(1) < 14; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const seqs = written.flatMap((b) => b.toString('utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as {seq: number}).seq));
    t.deepEqual(seqs, [11, 12, 13, 14], 'no wait for rows that will never come');
  } finally {
    await store.close();
  }
});

eachBackend('the job runs by itself on its timer', async (t, db) => {
  let now = T0;
  const srv = await startTestServer(db, {clock: () => now, retention: {firstMs: 50, intervalMs: 100}});
  try {
    const alice = await srv.user('alice', 'Alice');
    await alice.request('send', {salon: 1, text: 'bientôt parti'});
    await srv.store.setRetention(null, 1);
    now = T0 + 2 * DAY;
    const deadline = Date.now() + 10_000;
    while ((await srv.store.purgedUpTo(1)) < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    t.is(await srv.store.purgedUpTo(1), 1);
  } finally {
    await srv.stop();
  }
});

eachBackend('two nodes purging the same conversation at once delete each row once and agree on where it starts', async (t, db) => {
  const [one, two] = [await db.open(), await db.open()];
  try {
    const author = await one.createUser({username: 'alice', alias: 'Alice', passwordHash: 'x', role: 'user', ts: T0});
    const draft = (i: number, ts: number) => ({clientId: author.id, username: 'alice', alias: 'Alice', salonId: 1, text: `m${i}`, ts});
    await one.appendMessages(Array.from({length: 450}, (_, i) => draft(i, T0)));
    await one.appendMessages(Array.from({length: 50}, (_, i) => draft(i, T0 + 2 * DAY)));
    const purge = async (store: typeof one) => {
      let deleted = 0;
      for (let step; !(step && step.done); ) {
        step = await store.purgeBatch(1, T0 + DAY, 40);
        deleted += step.deleted;
      }
      return deleted;
    };
    // Sends go on meanwhile, on the writers' lock.
    const [a, b] = await Promise.all([purge(one), purge(two), two.appendMessages(Array.from({length: 20}, (_, i) => draft(i, T0 + 2 * DAY)))]);
    t.is((a as number) + (b as number), 450);
    t.is(await one.purgedUpTo(1), 450);
    t.deepEqual((await db.query<{c: number; lo: number; hi: number}>('SELECT COUNT(*) AS c, MIN(seq) AS lo, MAX(seq) AS hi FROM messages WHERE salon_id = 1')).map((r) => [Number(r.c), Number(r.lo), Number(r.hi)]), [[70, 451, 520]]);
  } finally {
    await one.close();
    await two.close();
  }
});
