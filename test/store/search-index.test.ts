/**
 * How search's index answers, beyond the shared table of test/server/search.test.ts: a
 * prefix standing for more words than the vocabulary lookup reads, the author and the
 * conversation as tokens of SQLite's index (and kept right when an author is banned),
 * and the vocabulary's memory, which must never claim a word a failed append did not write.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {readFile, readdir} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import SQLite from 'better-sqlite3';
import {openStore} from '../../source/store/open.js';
import {eachBackend} from '../helpers/each-backend.js';
import {checkReindexed} from '../helpers/reindexed.js';
import {MAX_EXPANSION} from '../../source/store/search-query.js';
import {SearchTerms} from '../../source/store/search-terms.js';
import type {NewMessage, Store, UserRecord} from '../../source/store/types.js';

const T0 = Date.UTC(2026, 10, 2, 9);
const GENERAL = 1;
const BLABLA = 2;
const addUser = (store: Store, username: string) => store.createUser({username, alias: `${username} alias`, passwordHash: 'f'.repeat(64), role: 'user', ts: T0});
const message = (author: UserRecord, salonId: number, text: string): NewMessage =>
  ({clientId: author.id, username: author.username, alias: author.alias, salonId, text, ts: T0});
const texts = async (store: Store, prefixes: string[], more: {authorId?: number; salonIds?: number[]} = {}) =>
  (await store.search({salonIds: more.salonIds ?? [GENERAL, BLABLA], prefixes, phrases: [], authorId: more.authorId, limit: 100})).messages.map((m) => m.text);

eachBackend('a prefix standing for more words than are looked up one by one still finds every one of them', async (t, db) => {
  const store = await db.open();
  try {
    const alice = await addUser(store, 'alice');
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    // More words starting with `plan` than MAX_EXPANSION: the prefix is searched as a prefix.
    const words = Array.from({length: MAX_EXPANSION + 4}, (_, i) => `plan${letters[i % 26]}${letters[Math.floor(i / 26)]}`);
    await store.appendMessages(words.map((w) => message(alice, GENERAL, `le ${w} du jour`)));
    t.is((await texts(store, ['plan'])).length, words.length);
    t.deepEqual(await texts(store, ['plana']), ['le planaa du jour']);
    t.deepEqual(await texts(store, ['planb', 'jour']), ['le planba du jour']);
    t.deepEqual(await texts(store, ['planz']), []);
    await store.appendMessages([message(alice, GENERAL, 'facture 20261130 réglée'), message(alice, GENERAL, 'facture 2026-12')]);
    t.deepEqual(await texts(store, ['2026', 'facture']), ['facture 2026-12', 'facture 20261130 réglée'], 'numbers are searched as prefixes');
  } finally {
    await store.close();
  }
});

eachBackend('the author and one conversation narrow a search of a common word, and a banned author is no longer one', async (t, db, backend) => {
  const store = await db.open();
  try {
    const alice = await addUser(store, 'alice');
    const bob = await addUser(store, 'bob');
    await store.appendMessages([
      message(alice, GENERAL, 'budget un'),
      message(bob, GENERAL, 'budget deux'),
      message(bob, BLABLA, 'budget trois'),
      message(alice, BLABLA, 'budget quatre'),
    ]);
    t.deepEqual(await texts(store, ['budget'], {authorId: bob.id}), ['budget trois', 'budget deux']);
    t.deepEqual(await texts(store, ['budget'], {authorId: bob.id, salonIds: [BLABLA]}), ['budget trois']);
    t.deepEqual(await texts(store, ['budget'], {salonIds: [GENERAL]}), ['budget deux', 'budget un']);
    await store.banUser(bob.id, 'bob', 'admin', T0 + 10);
    t.deepEqual(await texts(store, ['budget']), ['budget quatre', 'budget trois', 'budget deux', 'budget un'], 'the messages stay, under their alias');
    t.deepEqual(await texts(store, ['budget'], {authorId: bob.id}), []);
    if (backend.name === 'sqlite') {
      // The ban set client_id to NULL: the index followed it, as the deletes must give back
      // exactly the tokens indexed (sql/sqlite/010_search_terms.sql).
      const count = async (token: string) => Number((await db.query<{n: number}>(`SELECT COUNT(*) AS n FROM message_search WHERE message_search MATCH '"${token}"'`))[0]?.n);
      t.is(await count(`_f${bob.id}`), 0);
      t.is(await count('_f'), 2);
      await db.query("UPDATE messages SET contenu = 'changé', search_words = 'change' WHERE contenu = 'budget deux'");
      t.is(await count('_f'), 2);
      t.deepEqual(await texts(store, ['budget']), ['budget quatre', 'budget trois', 'budget un']);
      t.deepEqual(await texts(store, ['chang']), ['changé'], 'an edit adds its words to the vocabulary');
      await db.query("INSERT INTO message_search (message_search) VALUES ('integrity-check')");
    }
  } finally {
    await store.close();
  }
});

test('the vocabulary remembers the words of committed batches only', (t) => {
  const terms = new SearchTerms();
  t.deepEqual(terms.unknown(['budget annuel', 'budget']), ['annuel', 'budget'], 'in order: nodes lock new words in the same order');
  terms.written(['budget', 'annuel']);
  terms.forget();
  t.deepEqual(terms.unknown(['budget']), ['budget'], 'a failed append: written, maybe not there');
  terms.written(['budget']);
  terms.committed();
  t.deepEqual(terms.unknown(['budget annuel', '']), ['annuel']);
  t.deepEqual(terms.unknown(['2026 budget v2 ٣']), ['v2', '٣'], 'numbers of ASCII digits are not kept: a query of digits stays a prefix query');
  t.is(terms.statements(Array.from({length: 1200}, (_, i) => `w${i}`)).length, 3, 'in statements of 500 words at most');
});

eachBackend('after: and before: find exactly the messages of their dates, even after a clock set back by minutes', async (t, db) => {
  const store = await db.open();
  try {
    const alice = await addUser(store, 'alice');
    const DAY = 86_400_000;
    const at = (text: string, ts: number): NewMessage => ({...message(alice, GENERAL, text), ts});
    // Sent in this order; the fourth one's clock was 30 minutes behind the third's.
    await store.appendMessages([at('budget j0', T0), at('budget j1', T0 + DAY), at('budget j2 soir', T0 + 3 * DAY - 10 * 60_000), at('budget j2 recul', T0 + 3 * DAY - 40 * 60_000)]);
    await store.appendMessages([at('budget j3', T0 + 3 * DAY + 60_000), at('budget j9', T0 + 9 * DAY)]);
    const find = async (after?: number, before?: number) =>
      (await store.search({salonIds: [GENERAL], prefixes: ['budget'], phrases: [], after, before, limit: 50})).messages.map((m) => m.text);
    t.deepEqual(await find(T0 + 3 * DAY), ['budget j9', 'budget j3']);
    t.deepEqual(await find(undefined, T0 + 3 * DAY), ['budget j2 recul', 'budget j2 soir', 'budget j1', 'budget j0']);
    // Ids alone would put the bound after `recul` (sent at -40 min) and lose `soir` (-10 min).
    t.deepEqual(await find(T0 + 3 * DAY - 35 * 60_000), ['budget j9', 'budget j3', 'budget j2 soir']);
    t.deepEqual(await find(T0 + DAY, T0 + 3 * DAY), ['budget j2 recul', 'budget j2 soir', 'budget j1']);
    t.deepEqual(await find(T0 + 10 * DAY), []);
    t.deepEqual(await find(undefined, T0 - DAY), []);
  } finally {
    await store.close();
  }
});

eachBackend('after: and before: stay exact where ids have gaps (messages removed for good)', async (t, db) => {
  const DAY = 86_400_000;
  const store = await db.open();
  try {
    const alice = await addUser(store, 'alice');
    // One a day, then every other one removed: many of the ids probed for a date have no row.
    await store.appendMessages(Array.from({length: 130}, (_, n) => ({...message(alice, GENERAL, `budget d${n}`), ts: T0 + n * DAY})));
    await db.query("DELETE FROM messages WHERE contenu LIKE 'budget d%' AND MOD(CAST(SUBSTR(contenu, 9) AS UNSIGNED), 2) = 1");
  } finally {
    await store.close();
  }
  // Each from a store just opened: its first search probes the ids stored, no more (later
  // ones probe past them, for what may have arrived since).
  const find = async (after?: number, before?: number) => {
    const fresh = await db.open();
    try {
      return (await fresh.search({salonIds: [GENERAL], prefixes: ['budget'], phrases: [], after, before, limit: 100})).messages.map((m) => m.text);
    } finally {
      await fresh.close();
    }
  };
  const days = (from: number, below: number) => Array.from({length: below - from}, (_, i) => below - 1 - i).filter((n) => n % 2 === 0).map((n) => `budget d${n}`);
  t.deepEqual(await find(T0 + 101 * DAY), days(101, 130));
  t.deepEqual(await find(undefined, T0 + 37 * DAY), days(0, 37));
  t.deepEqual(await find(T0 + 64 * DAY, T0 + 67 * DAY), days(64, 67));
});

test('sqlite | a database whose messages 004_search indexed is indexed again with its authors and vocabulary after 010', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-test-'));
  try {
    const file = new SQLite(join(dir, 'chat.sqlite'));
    try {
      const sqlDir = new URL('../../../sql/sqlite/', import.meta.url);
      const files = (await readdir(sqlDir)).filter((f) => /^\d{3}_.*\.sql$/.test(f) && Number(f.slice(0, 3)) < 10).sort();
      for (const f of files) file.exec(await readFile(new URL(f, sqlDir), 'utf8'));
      file.prepare("INSERT INTO clients (username, alias, password_hash, status, role) VALUES ('alice', 'Alice', 'x', 'disconnected', 'user')").run();
      const insert = file.prepare("INSERT INTO messages (client_id, salon_id, contenu, timestamp, seq, n, author_alias, search_words) VALUES (1, 1, ?, ?, ?, ?, 'Alice', ?)");
      for (let i = 1; i <= 30; i++) insert.run(`budget numéro ${i}`, T0 + i, i, i, `budget numero ${i}`);
      file.prepare('UPDATE salons SET seq = 30, msgs = 30 WHERE salon_id = 1').run();
    } finally {
      file.close();
    }
    const store = await openStore({dataDir: dir});
    try {
      await checkReindexed(t, store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

eachBackend('a phrase is its words next to each other, whole words, in order, wherever they are in the message', async (t, db) => {
  const store = await db.open();
  try {
    const alice = await addUser(store, 'alice');
    await store.appendMessages(['le budget final est là', 'final: les budget', 'budget et final', 'budget finalement', 'un budget final budget final'].map((text) => message(alice, GENERAL, text)));
    const phrase = async (...words: string[]) => (await store.search({salonIds: [GENERAL], prefixes: [], phrases: [words], limit: 10})).messages.map((m) => m.text);
    t.deepEqual(await phrase('budget', 'final'), ['un budget final budget final', 'le budget final est là']);
    t.deepEqual(await phrase('budget', 'fin'), [], 'phrase words are whole words');
    t.deepEqual(await phrase('final', 'budget'), ['un budget final budget final']);
    t.deepEqual(await phrase('final', 'les', 'budget'), ['final: les budget']);
    t.deepEqual(await phrase('final', 'budget'), ['un budget final budget final'], 'a word between breaks the phrase');
  } finally {
    await store.close();
  }
});

eachBackend('words that arrive in a batch with changes, and words an edit brings, are found by their prefixes', async (t, db) => {
  const store = await db.open();
  try {
    const alice = await addUser(store, 'alice');
    const [first] = await store.appendMessages([message(alice, GENERAL, 'premier jet')]);
    const edit = {kind: 'edit' as const, clientId: alice.id, username: alice.username, alias: alice.alias, salonId: GENERAL, target: first!.seq, text: 'premier brouillonnage corrigé', ts: T0, moderator: false};
    const rules = {editWindowMs: null, authorsMayDelete: true, maxReactions: 20};
    // A send and an edit in one batch: the path the writer takes when changes are queued.
    await store.writeBatch([{message: message(alice, GENERAL, 'quadrilatère tracé')}, {change: edit}], rules);
    t.deepEqual(await texts(store, ['quadri']), ['quadrilatère tracé']);
    t.deepEqual(await texts(store, ['brouill']), ['premier brouillonnage corrigé']);
    t.deepEqual(await texts(store, ['jet']), [], 'the text before the edit is not found');
  } finally {
    await store.close();
  }
});
