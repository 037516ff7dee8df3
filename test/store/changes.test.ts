/**
 * writeBatch: sends and changes to messages stored together, in submission order, in one
 * transaction, each change checked against the message as the changes before it in the
 * batch left it. On both backends, through the Store interface.
 */
import SQLite from 'better-sqlite3';
import {join} from 'node:path';
import {type Database, mysqlAdmin} from '../helpers/backends.js';
import {eachBackend} from '../helpers/each-backend.js';
import type {Answer, ChangeRules, NewChange, NewMessage, Store, StoredMessage, Submission, UserRecord} from '../../source/store/types.js';

const T0 = Date.UTC(2024, 0, 15, 9, 30, 0, 123);
const GENERAL = 1;
const BLABLA = 2;
const RULES: ChangeRules = {editWindowMs: null, authorsMayDelete: true, maxReactions: 20};

const addUser = (store: Store, username: string) => store.createUser({username, alias: `${username} alias`, passwordHash: 'f'.repeat(64), role: 'user', ts: T0});

const send = (author: UserRecord, salonId: number, text: string, clientMsgId?: string): Submission => ({
  message: {clientId: author.id, username: author.username, alias: author.alias, salonId, text, ts: T0 + 1000, clientMsgId} satisfies NewMessage,
});

const change = (author: UserRecord, kind: NewChange['kind'], target: number, text = '', clientMsgId?: string, salonId = GENERAL): Submission => ({
  change: {kind, clientId: author.id, username: author.username, alias: author.alias, salonId, target, text, ts: T0 + 2000, clientMsgId, moderator: false},
});

/** An answer in a few words: `send 5`, `edit 6`, `replay 6`, `unchanged`, `refused NOT_YOURS`. */
const summary = (a: Answer) => {
  if ('refused' in a) return `refused ${a.refused}`;
  if ('unchanged' in a) return 'unchanged';
  const m: StoredMessage = 'stored' in a ? a.stored : a;
  return `${m.replayed ? 'replay' : m.kind === 'message' ? 'send' : m.kind} ${m.seq}`;
};

async function withStore(db: Database, body: (store: Store) => Promise<void>): Promise<void> {
  const store = await db.open();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

const rowsOf = (db: Database) =>
  db.query<{seq: number; kind: string; contenu: string; n: number; changed_seq: number; deleted_by: string | null; edited: number}>(
    'SELECT seq, kind, contenu, n, changed_seq, deleted_by, edited_at IS NOT NULL AS edited FROM messages WHERE salon_id = ? ORDER BY seq',
    [GENERAL],
  );

eachBackend('writeBatch stores sends and changes in submission order, each change checked against the message as the batch left it', async (t, db) => {
  await withStore(db, async (store) => {
    const alice = await addUser(store, 'alice');
    const bob = await addUser(store, 'bob');
    // 1 and 2 are Alice's, 3 is Bob's; Bob's 👍 on 2 is 4.
    await store.appendMessages([send(alice, GENERAL, 'premier jet'), send(alice, GENERAL, 'second message'), send(bob, GENERAL, 'à bob')].map((s) => s.message as NewMessage));
    t.deepEqual((await store.writeBatch([change(bob, 'react', 2, '👍')], RULES)).map(summary), ['react 4']);

    const batch = [
      send(alice, GENERAL, 'un', 's-1'),
      change(alice, 'edit', 1, 'premier texte', 'e-1'),
      change(bob, 'react', 1, '🎉'),
      change(bob, 'edit', 1, 'pirate'),
      send(bob, GENERAL, 'deux'),
      change(bob, 'unreact', 2, '👍'),
      change(bob, 'react', 2, '👍'),
      change(alice, 'react', 2, '👍'),
      change(alice, 'edit', 1, 'premier texte'),
      change(alice, 'delete', 3),
      change(alice, 'edit', 2, 'second, corrigé'),
      change(alice, 'delete', 2),
      change(bob, 'react', 2, '❤'),
      change(alice, 'edit', 999, 'nulle part'),
      change(alice, 'edit', 1, 'premier texte', 'e-1'),
      send(alice, GENERAL, 'un', 's-1'),
      change(bob, 'unreact', 1, '👀'),
      send(alice, BLABLA, 'ailleurs'),
    ];
    const answers = await store.writeBatch(batch, RULES);
    t.deepEqual(answers.map(summary), [
      'send 5',
      'edit 6',
      'react 7',
      'refused NOT_YOURS',
      'send 8',
      'unreact 9',
      'react 10',
      'react 11',
      'unchanged',
      'refused NOT_YOURS',
      'edit 12',
      'delete 13',
      'refused DELETED',
      'refused UNKNOWN_MESSAGE',
      'replay 6',
      'replay 5',
      'unchanged',
      'send 1',
    ]);
    const stored = answers.flatMap((a) => ('stored' in a ? [a.stored] : 'seq' in a ? [a] : []));
    t.deepEqual(
      stored.filter((m) => !m.replayed).map((m) => [m.seq, m.n]),
      [[5, 4], [6, 4], [7, 4], [8, 5], [9, 5], [10, 5], [11, 5], [12, 5], [13, 5], [1, 1]],
      'n counts messages, not changes',
    );

    const rows = await rowsOf(db);
    t.deepEqual(
      rows.map((r) => [Number(r.seq), r.kind, r.contenu, Number(r.n)]),
      [
        [1, 'message', 'premier texte', 1],
        [2, 'message', '', 2],
        [3, 'message', 'à bob', 3],
        [4, 'react', '👍', 3],
        [5, 'message', 'un', 4],
        [6, 'edit', 'premier texte', 4],
        [7, 'react', '🎉', 4],
        [8, 'message', 'deux', 5],
        [9, 'unreact', '👍', 5],
        [10, 'react', '👍', 5],
        [11, 'react', '👍', 5],
        [12, 'edit', '', 5],
        [13, 'delete', '', 5],
      ],
      'stored as answered; the edit of a message deleted in the same batch keeps no text',
    );
    t.like(rows[0], {changed_seq: 7, deleted_by: null});
    t.true(Boolean(Number(rows[0]?.edited)));
    t.like(rows[1], {changed_seq: 13, deleted_by: 'alice'});
    t.like(rows[2], {changed_seq: 0});
    const reactions = await db.query<{seq: number; client_id: number; emoji: string}>('SELECT seq, client_id, emoji FROM reactions ORDER BY seq, client_id');
    t.deepEqual(reactions.map((r) => [Number(r.seq), r.client_id, r.emoji]), [[1, bob.id, '🎉']], 'a deleted message keeps no reaction');
    const salons = await store.listSalons();
    t.like(salons[0], {seq: 13, msgs: 5});
    t.like(salons[1], {seq: 1, msgs: 1});

    // Search sees the latest text only, never a deleted message.
    const find = async (prefix: string) => (await store.search({salonIds: [GENERAL], prefixes: [prefix], phrases: [], limit: 10})).messages.map((m) => m.seq);
    t.deepEqual(await find('premier'), [1]);
    t.deepEqual(await find('jet'), []);
    t.deepEqual(await find('second'), []);
    t.deepEqual(await find('corrig'), []);

    // The whole batch again: its keyed rows answer as stored, nothing else is stored twice.
    const again = await store.writeBatch([batch[1], batch[0]] as Submission[], RULES);
    t.deepEqual(again.map(summary), ['replay 6', 'replay 5']);
    t.is((await rowsOf(db)).length, 13);
  });
});

eachBackend('writeBatch of changes only, and of nothing', async (t, db) => {
  await withStore(db, async (store) => {
    const alice = await addUser(store, 'alice');
    t.deepEqual(await store.writeBatch([], RULES), []);
    t.deepEqual((await store.writeBatch([change(alice, 'edit', 1, 'x')], RULES)).map(summary), ['refused UNKNOWN_MESSAGE'], 'nothing to change');
    t.deepEqual((await store.listSalons())[0], {id: 1, name: 'Général', moderated: false, seq: 0, kind: 'salon', archived: false, lastTs: 0, msgs: 0});
    await store.appendMessages([send(alice, GENERAL, 'a').message as NewMessage]);
    t.deepEqual((await store.applyChanges([change(alice, 'edit', 1, 'b').change as NewChange, change(alice, 'edit', 1, 'c').change as NewChange], RULES)).map(summary), ['edit 2', 'edit 3']);
    t.deepEqual((await rowsOf(db)).map((r) => [r.contenu, Number(r.changed_seq)]), [['c', 3], ['b', 0], ['c', 0]]);
  });
});

/**
 * Changes the message at seq 1 of Général from outside the store, as another node would,
 * while holding the salon's counter (MySQL: its row lock; SQLite: the write lock), then
 * lets go: Bob's 👍, with its change row.
 */
async function otherNodeReacts(db: Database, bobId: number, during: () => Promise<void>): Promise<void> {
  const statements = [
    'UPDATE salons SET seq = seq + 1 WHERE salon_id = 1',
    "INSERT INTO messages (salon_id, seq, client_id, author_alias, contenu, timestamp, client_msg_id, kind, target_seq, n) SELECT 1, seq, ?, 'bob alias', '👍', ?, NULL, 'react', 1, msgs FROM salons WHERE salon_id = 1",
    "INSERT INTO reactions (salon_id, seq, client_id, emoji, created_at) VALUES (1, 1, ?, '👍', ?)",
    'UPDATE messages SET changed_seq = (SELECT seq FROM salons WHERE salon_id = 1) WHERE salon_id = 1 AND seq = 1',
  ];
  if (!db.url) {
    const other = new SQLite(join(db.dataDir, 'chat.sqlite'));
    try {
      other.exec('BEGIN IMMEDIATE');
      const now = Date.now();
      other.prepare(statements[0] as string).run();
      other.prepare(statements[1] as string).run(bobId, now);
      other.prepare(statements[2] as string).run(bobId, now);
      other.prepare(statements[3] as string).run();
      await during();
      other.exec('COMMIT');
    } finally {
      other.close();
    }
    return;
  }
  const other = await mysqlAdmin();
  try {
    await other.changeUser({database: decodeURIComponent(new URL(db.url).pathname.slice(1))});
    await other.query('START TRANSACTION');
    await other.query('SELECT seq FROM salons WHERE salon_id = 1 FOR UPDATE');
    await during();
    const now = new Date();
    await other.query(statements[0] as string);
    await other.query(statements[1] as string, [bobId, now]);
    await other.query(statements[2] as string, [bobId, now]);
    await other.query(statements[3] as string);
    await other.query('COMMIT');
  } finally {
    await other.end();
  }
}

eachBackend('a change planned on a message that another node changes before the batch commits is planned again (nothing applied twice)', async (t, db) => {
  await withStore(db, async (store) => {
    const alice = await addUser(store, 'alice');
    const bob = await addUser(store, 'bob');
    await store.appendMessages([send(alice, GENERAL, 'à réagir').message as NewMessage]);
    let pending: Promise<Answer[]> | undefined;
    await otherNodeReacts(db, bob.id, async () => {
      // The batch reads the message before the other node's change commits, and waits for the counter.
      pending = store.writeBatch([send(alice, GENERAL, 'à côté'), change(bob, 'react', 1, '👍')], RULES);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const answers = await (pending as Promise<Answer[]>);
    t.deepEqual(answers.map(summary), ['send 3', 'unchanged'], 'the reaction is there already: the other node gave it');
    t.deepEqual((await rowsOf(db)).map((r) => [Number(r.seq), r.kind, Number(r.changed_seq)]), [[1, 'message', 2], [2, 'react', 0], [3, 'message', 0]]);
    t.is((await db.query('SELECT * FROM reactions')).length, 1);
  });
});

eachBackend('two nodes change the same messages: each plans from what it knows, and a message the other changed since is read again', async (t, db) => {
  const [one, two] = [await db.open(), await db.open()];
  try {
    const alice = await addUser(one, 'alice');
    const bob = await addUser(one, 'bob');
    // Node one stored the message: it knows it as sent (MySQL plans its changes from that).
    await one.appendMessages([send(alice, GENERAL, 'à deux').message as NewMessage]);
    t.deepEqual((await two.writeBatch([change(bob, 'react', 1, '👍')], RULES)).map(summary), ['react 2']);
    t.deepEqual((await one.writeBatch([change(bob, 'react', 1, '👍'), change(alice, 'edit', 1, 'à deux, corrigé')], RULES)).map(summary), ['unchanged', 'edit 3'], 'node one saw the reaction node two gave');
    // Taken back on node two: node one, which last saw it given, must not answer "unchanged" from memory.
    t.deepEqual((await two.writeBatch([change(bob, 'unreact', 1, '👍')], RULES)).map(summary), ['unreact 4']);
    t.deepEqual((await one.writeBatch([change(bob, 'react', 1, '👍')], RULES)).map(summary), ['react 5']);
    t.deepEqual((await two.writeBatch([change(alice, 'delete', 1)], RULES)).map(summary), ['delete 6']);
    t.deepEqual((await one.writeBatch([change(alice, 'edit', 1, 'encore'), send(bob, GENERAL, 'après')], RULES)).map(summary), ['refused DELETED', 'send 7']);
    t.deepEqual((await rowsOf(db)).map((r) => [Number(r.seq), r.kind, r.contenu, Number(r.changed_seq)]), [
      [1, 'message', '', 6],
      [2, 'react', '👍', 0],
      [3, 'edit', '', 0],
      [4, 'unreact', '👍', 0],
      [5, 'react', '👍', 0],
      [6, 'delete', '', 0],
      [7, 'message', 'après', 0],
    ]);
    t.is((await db.query('SELECT * FROM reactions')).length, 0);
  } finally {
    await one.close();
    await two.close();
  }
});
