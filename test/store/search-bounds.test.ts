/**
 * Search's bound of work and MySQL's term table (sql/mysql/011_search_terms.sql): pages
 * followed by `next` find every match even when the words are common and rarely together;
 * the table follows every write of a message (send, edit, deletion, retention); an existing
 * database indexed by the FULLTEXT key of 005 is indexed again after 011.
 */
import {readFile, readdir} from 'node:fs/promises';
import {eachBackend} from '../helpers/each-backend.js';
import {checkReindexed} from '../helpers/reindexed.js';
import {BUDGET} from '../../source/store/search-mysql.js';
import type {ChangeRules, NewChange, NewMessage, Store, UserRecord} from '../../source/store/types.js';

const T0 = Date.UTC(2026, 10, 2, 9);
const GENERAL = 1;
const BLABLA = 2;
const RULES: ChangeRules = {editWindowMs: null, authorsMayDelete: true, maxReactions: 20};
const addUser = (store: Store, username: string) => store.createUser({username, alias: `${username} alias`, passwordHash: 'f'.repeat(64), role: 'user', ts: T0});
const message = (author: UserRecord, salonId: number, text: string, ts = T0): NewMessage => ({clientId: author.id, username: author.username, alias: author.alias, salonId, text, ts});
const change = (author: UserRecord, kind: NewChange['kind'], target: number, text = ''): NewChange => ({
  kind,
  clientId: author.id,
  username: author.username,
  alias: author.alias,
  salonId: GENERAL,
  target,
  text,
  ts: T0 + 1000,
  moderator: false,
});

eachBackend('pages followed by their `next` find every match of common words rarely together, each page bounded', async (t, db) => {
  const store = await db.open();
  try {
    const alice = await addUser(store, 'alice');
    // The three matches are the oldest messages; more than a search's bound of newer ones
    // hold each word alone, so the MySQL search must stop and say where to go on.
    await store.appendMessages(['alpha beta un', 'beta alpha deux', 'alpha et beta trois'].map((text) => message(alice, GENERAL, text)));
    const many = BUDGET + 1_000;
    for (let i = 0; i < many; i += 1_000) {
      await store.appendMessages(Array.from({length: 1_000}, (_, k) => message(alice, GENERAL, `${(i + k) % 2 === 0 ? 'alpha' : 'beta'} seul ${i + k}`)));
      await store.appendMessages(Array.from({length: 1_000}, (_, k) => message(alice, BLABLA, `alpha ailleurs ${i + k}`)));
    }
    const found: string[] = [];
    let pages = 0;
    for (let next: number | undefined, first = true; first || next !== undefined; first = false) {
      const page = await store.search({salonIds: [GENERAL, BLABLA], prefixes: ['alpha', 'beta'], phrases: [], beforeId: next, limit: 2});
      pages += 1;
      t.true(page.messages.length <= 2);
      found.push(...page.messages.map((m) => m.text));
      next = page.next ?? undefined;
      if (pages > 20) break;
    }
    t.deepEqual(found, ['alpha et beta trois', 'beta alpha deux', 'alpha beta un']);
    t.true(pages <= 5, `${pages} pages`);
    const rare = await store.search({salonIds: [GENERAL, BLABLA], prefixes: ['trois'], phrases: [], limit: 10});
    t.deepEqual(rare.messages.map((m) => m.text), ['alpha et beta trois'], 'a rare word drives and finds its match at once');
    t.is(rare.next, null);
  } finally {
    await store.close();
  }
});

eachBackend('the terms follow every write of a message: send, edit, deletion, retention', async (t, db, backend) => {
  if (backend.name !== 'mysql') {
    t.pass('SQLite keeps its FTS5 index with triggers (search-index.test.ts)');
    return;
  }
  const store = await db.open();
  try {
    const alice = await addUser(store, 'alice');
    await store.appendMessages([message(alice, GENERAL, 'Réunion budget à 14 h'), message(alice, GENERAL, 'le projet avance'), message(alice, BLABLA, 'rien de neuf')]);
    const termsOf = async (seq: number, salonId = GENERAL) =>
      (
        await db.query<{term: string}>(
          'SELECT t.term FROM message_terms t JOIN messages m ON m.message_id = t.message_id WHERE m.salon_id = ? AND m.seq = ? ORDER BY t.term',
          [salonId, seq],
        )
      ).map((r) => r.term);
    t.deepEqual(await termsOf(1), [`_f${alice.id}`, '_s1', 'budget', 'reunion'], 'words of 3 characters or more, the author and the conversation');
    await store.applyChanges([change(alice, 'edit', 1, 'Réunion reportée')], RULES);
    t.deepEqual(await termsOf(1), [`_f${alice.id}`, '_s1', 'reportee', 'reunion'], 'an edit replaces the words');
    await store.applyChanges([change(alice, 'delete', 2)], RULES);
    t.deepEqual(await termsOf(2), [], 'a deleted message leaves no term');
    const count = async () => Number((await db.query<{n: number}>('SELECT COUNT(*) AS n FROM message_terms'))[0]?.n);
    const before = await count();
    await store.purgeBatch(BLABLA, T0 + 1, 500);
    t.is(before - (await count()), 4, "retention's deletion takes the terms with the rows");
    const search = async (prefix: string) => (await store.search({salonIds: [GENERAL, BLABLA], prefixes: [prefix], phrases: [], limit: 10})).messages.map((m) => m.text);
    t.deepEqual(await search('report'), ['Réunion reportée']);
    t.deepEqual(await search('budget'), []);
    t.deepEqual(await search('projet'), []);
    t.deepEqual(await search('neuf'), []);
  } finally {
    await store.close();
  }
});

eachBackend('a database indexed by the FULLTEXT key of 005 is indexed again in the term table after 011', async (t, db, backend) => {
  if (backend.name !== 'mysql') {
    t.pass('SQLite: search-index.test.ts');
    return;
  }
  {
    const sqlDir = new URL('../../../sql/mysql/', import.meta.url);
    const files = (await readdir(sqlDir)).filter((f) => /^\d{3}_.*\.sql$/.test(f) && Number(f.slice(0, 3)) < 11).sort();
    for (const f of files) await db.query(await readFile(new URL(f, sqlDir), 'utf8'));
    await db.query("INSERT INTO clients (username, alias, password_hash, status, role) VALUES ('alice', 'Alice', 'x', 'disconnected', 'user')");
    for (let i = 1; i <= 30; i++) {
      await db.query("INSERT INTO messages (client_id, salon_id, contenu, timestamp, seq, n, author_alias, search_words) VALUES (1, 1, ?, ?, ?, ?, 'Alice', ?)", [
        `budget numéro ${i}`,
        new Date(T0 + i),
        i,
        i,
        `budget numero ${i}`,
      ]);
    }
    await db.query('UPDATE salons SET seq = 30, msgs = 30 WHERE salon_id = 1');
    const store = await db.open();
    try {
      await checkReindexed(t, store);
      const keys = await db.query<{k: string}>("SELECT INDEX_NAME AS k FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'messages' AND INDEX_TYPE = 'FULLTEXT'");
      t.deepEqual(keys, [], 'the FULLTEXT key is gone');
    } finally {
      await store.close();
    }
  }
});
