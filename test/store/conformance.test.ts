/**
 * The Store conformance suite: one set of behaviour statements that every backend must pass
 * (each test runs on SQLite and on MySQL/MariaDB, with a throwaway database).
 */
import type {ExecutionContext} from 'ava';
import type {Database} from '../helpers/backends.js';
import {eachBackend} from '../helpers/each-backend.js';
import {messageFields} from '../../source/store/message-fields.js';
import {ConflictError, type NewMessage, type Store, type StoreSearch, type UserRecord} from '../../source/store/types.js';

const T0 = Date.UTC(2024, 0, 15, 9, 30, 0, 123);
const HASH = 'f'.repeat(64);
const GENERAL = 1;
const BLABLA = 2;
const COMPTA = 3;

const addUser = (store: Store, username: string, alias = `${username} alias`, role: 'user' | 'moderator' = 'user') =>
  store.createUser({username, alias, passwordHash: HASH, role, ts: T0});

const message = (author: UserRecord, salonId: number, text: string, clientMsgId?: string, ts = T0): NewMessage =>
  ({clientId: author.id, username: author.username, alias: author.alias, salonId, text, ts, clientMsgId});

const countRows = async (db: Database, sql: string, params: unknown[] = []) =>
  Number((await db.query<{n: number | bigint}>(sql, params))[0]?.n);

const membershipsOf = async (store: Store, username: string) =>
  (await store.listMemberships()).filter((m) => m.username === username).sort((a, b) => a.salonId - b.salonId);

async function withStore(db: Database, body: (store: Store) => Promise<void>): Promise<void> {
  const store = await db.open();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

/** A conformance test on a freshly opened store, registered for every backend. */
const storeTest = (title: string, body: (t: ExecutionContext, store: Store, db: Database) => Promise<void>) =>
  eachBackend(title, (t, db) => withStore(db, (store) => body(t, store, db)));

const expectConflict = async (t: ExecutionContext, work: Promise<unknown>, field: 'username' | 'alias') => {
  const error = await t.throwsAsync(work, {instanceOf: ConflictError});
  t.is((error as ConflictError).field, field);
};

storeTest('a fresh store has the five salons in order; Comptabilité, Informatique and Marketing are moderated', async (t, store) => {
  t.deepEqual(await store.listSalons(), [
    {id: 1, name: 'Général', moderated: false, seq: 0, kind: 'salon', archived: false, lastTs: 0, msgs: 0},
    {id: 2, name: 'Blabla', moderated: false, seq: 0, kind: 'salon', archived: false, lastTs: 0, msgs: 0},
    {id: 3, name: 'Comptabilité', moderated: true, seq: 0, kind: 'salon', archived: false, lastTs: 0, msgs: 0},
    {id: 4, name: 'Informatique', moderated: true, seq: 0, kind: 'salon', archived: false, lastTs: 0, msgs: 0},
    {id: 5, name: 'Marketing', moderated: true, seq: 0, kind: 'salon', archived: false, lastTs: 0, msgs: 0},
  ]);
});

storeTest('listSalons gives each conversation the time of its newest message', async (t, store) => {
  const alice = await addUser(store, 'alice');
  await store.appendMessages([message(alice, BLABLA, 'first', undefined, T0), message(alice, BLABLA, 'second', undefined, T0 + 5000)]);
  const salons = await store.listSalons();
  t.like(salons.find((s) => s.id === BLABLA), {seq: 2, lastTs: T0 + 5000});
  t.like(salons.find((s) => s.id === GENERAL), {seq: 0, lastTs: 0});
});

storeTest('openConversation gives one conversation per set of accounts, with their memberships, also when opened at once', async (t, store, db) => {
  const [a, b, c] = await Promise.all(['ann', 'ben', 'cid'].map((n) => addUser(store, n)));
  const pair = await Promise.all([store.openConversation([a!.id, b!.id], T0), store.openConversation([b!.id, a!.id], T0), store.openConversation([a!.id, b!.id, a!.id], T0)]);
  t.is(new Set(pair.map((p) => p.record.id)).size, 1);
  t.is(pair.filter((p) => p.created).length, 1, 'created once');
  t.like(pair[0]!.record, {kind: 'dm', seq: 0, archived: false});
  const trio = await store.openConversation([c!.id, a!.id, b!.id], T0);
  t.like(trio.record, {kind: 'group'});
  t.not(trio.record.id, pair[0]!.record.id);
  const members = (await store.listMemberships()).filter((m) => m.salonId === trio.record.id).map((m) => m.username).sort();
  t.deepEqual(members, ['ann', 'ben', 'cid']);
  t.is(await countRows(db, "SELECT COUNT(*) AS n FROM salons WHERE kind <> 'salon'"), 2);
});

storeTest('blocks are set, listed and lifted; they go with a deleted account', async (t, store) => {
  const [a, b] = await Promise.all(['ann', 'ben'].map((n) => addUser(store, n)));
  await store.setBlock(a!.id, b!.id, true, T0);
  await store.setBlock(a!.id, b!.id, true, T0);
  t.deepEqual(await store.listBlocks(), [{blockerId: a!.id, blockedId: b!.id}], 'once');
  await store.setBlock(a!.id, b!.id, false, T0);
  t.deepEqual(await store.listBlocks(), []);
  await store.setBlock(b!.id, a!.id, true, T0);
  await store.banUser(b!.id, 'ben', 'admin', T0);
  t.deepEqual(await store.listBlocks(), []);
});

storeTest('createUser returns the stored account and findUser finds it whatever the letter case', async (t, store) => {
  const created = await addUser(store, 'Alice', 'Alice A', 'moderator');
  t.true(created.id > 0);
  const expected = {id: created.id, username: 'Alice', alias: 'Alice A', role: 'moderator', passwordHash: HASH, kickedUntil: null, kickReason: null, directoryId: null, disabled: false};
  t.deepEqual(created, expected);
  t.deepEqual(await store.findUser('Alice'), expected);
  t.deepEqual(await store.findUser('alice'), expected);
  t.deepEqual(await store.findUser('ALICE'), expected);
  t.deepEqual(await store.findUserById(created.id), expected);
  t.is(await store.findUser('bob'), undefined);
  t.is(await store.findUserById(created.id + 1000), undefined);
});

storeTest('a username that differs only in letter case is a ConflictError on username, and nothing is stored', async (t, store, db) => {
  await addUser(store, 'toto', 'Toto');
  await expectConflict(t, addUser(store, 'TOTO', 'Another'), 'username');
  await expectConflict(t, addUser(store, 'toto', 'Yet another'), 'username');
  t.deepEqual((await store.listUsers()).map((u) => u.username), ['toto']);
  t.is(await countRows(db, 'SELECT COUNT(*) AS n FROM salons_adheres'), 1, 'no membership left behind');
});

storeTest('an alias already taken (in any letter case) is a ConflictError on alias', async (t, store) => {
  await addUser(store, 'alice', 'Wonder');
  await expectConflict(t, addUser(store, 'bob', 'Wonder'), 'alias');
  await expectConflict(t, addUser(store, 'carol', 'wONDER'), 'alias');
  t.deepEqual((await store.listUsers()).map((u) => u.username), ['alice']);
});

storeTest('a new user is a member of Général only, with read marker 0', async (t, store) => {
  await addUser(store, 'alice');
  t.deepEqual(await membershipsOf(store, 'alice'), [{username: 'alice', salonId: GENERAL, lastReadSeq: 0, readN: 0}]);
});

storeTest('addMembership is idempotent', async (t, store, db) => {
  await addUser(store, 'alice');
  await store.addMembership('alice', BLABLA);
  await store.addMembership('alice', BLABLA);
  await store.addMembership('alice', GENERAL);
  t.deepEqual((await membershipsOf(store, 'alice')).map((m) => m.salonId), [GENERAL, BLABLA]);
  t.is(await countRows(db, 'SELECT COUNT(*) AS n FROM salons_adheres'), 2);
});

storeTest('setReadMarker only moves the marker forward', async (t, store) => {
  await addUser(store, 'alice');
  const marker = async () => (await membershipsOf(store, 'alice'))[0]?.lastReadSeq;
  await store.setReadMarker('alice', GENERAL, 5);
  t.is(await marker(), 5);
  await store.setReadMarker('alice', GENERAL, 3);
  t.is(await marker(), 5, 'a smaller marker is ignored');
  await store.setReadMarker('alice', GENERAL, 9);
  t.is(await marker(), 9);
});

storeTest('addJoinRequest is idempotent and listJoinRequests shows each pending request once', async (t, store) => {
  const alice = await addUser(store, 'alice');
  const bob = await addUser(store, 'bob');
  await store.addJoinRequest(alice.id, COMPTA, T0);
  await store.addJoinRequest(alice.id, COMPTA, T0 + 5000);
  await store.addJoinRequest(bob.id, 4, T0 + 1);
  t.deepEqual(await store.listJoinRequests(), [
    {clientId: alice.id, username: 'alice', salonId: COMPTA, ts: T0},
    {clientId: bob.id, username: 'bob', salonId: 4, ts: T0 + 1},
  ]);
});

storeTest('accepting a join request adds the membership and returns true; resolving it again returns false', async (t, store) => {
  const alice = await addUser(store, 'alice');
  await store.addJoinRequest(alice.id, COMPTA, T0);
  t.true(await store.resolveJoinRequest(alice.id, 'alice', COMPTA, true));
  t.deepEqual((await membershipsOf(store, 'alice')).map((m) => m.salonId), [GENERAL, COMPTA]);
  t.deepEqual(await store.listJoinRequests(), []);
  t.false(await store.resolveJoinRequest(alice.id, 'alice', COMPTA, true));
  t.false(await store.resolveJoinRequest(alice.id, 'alice', 5, true), 'no request, no membership');
  t.deepEqual((await membershipsOf(store, 'alice')).map((m) => m.salonId), [GENERAL, COMPTA]);
});

storeTest('rejecting a join request removes it and adds no membership', async (t, store) => {
  const alice = await addUser(store, 'alice');
  await store.addJoinRequest(alice.id, COMPTA, T0);
  t.true(await store.resolveJoinRequest(alice.id, 'alice', COMPTA, false));
  t.deepEqual(await store.listJoinRequests(), []);
  t.deepEqual((await membershipsOf(store, 'alice')).map((m) => m.salonId), [GENERAL]);
});

storeTest('appendMessages numbers each salon gap-free from 1 across batches and returns them in input order', async (t, store) => {
  const alice = await addUser(store, 'alice');
  const bob = await addUser(store, 'bob');
  const first = await store.appendMessages([message(alice, GENERAL, 'g1'), message(bob, BLABLA, 'b1'), message(alice, GENERAL, 'g2')]);
  const second = await store.appendMessages([message(bob, BLABLA, 'b2'), message(bob, GENERAL, 'g3', undefined, T0 + 7)]);
  const all = [...first, ...second];
  t.deepEqual(all.map((m) => [m.text, m.salonId, m.seq]), [['g1', 1, 1], ['b1', 2, 1], ['g2', 1, 2], ['b2', 2, 2], ['g3', 1, 3]]);
  t.is(new Set(all.map((m) => m.id)).size, 5, 'every message has its own id');
  t.true(all.every((m) => Number.isInteger(m.id) && m.id > 0));
  t.deepEqual(second[1], {
    id: second[1]?.id,
    salonId: GENERAL,
    seq: 3,
    clientId: bob.id,
    username: 'bob',
    alias: 'bob alias',
    text: 'g3',
    ts: T0 + 7,
    clientMsgId: null,
    kind: 'message',
    target: null,
    replyTo: null,
    n: 3,
    editedAt: null,
    deletedAt: null,
    deletedBy: null,
    changedSeq: 0,
  });
  t.deepEqual((await store.listSalons()).map((s) => s.seq), [3, 2, 0, 0, 0]);
  t.deepEqual(await store.history(GENERAL, undefined, 10), all.filter((m) => m.salonId === GENERAL));
  t.deepEqual(await store.appendMessages([]), []);
});

storeTest('each field of a message is kept in the column message-fields.ts names, as SELECT * FROM messages shows it', async (t, store, db) => {
  const alice = await addUser(store, 'alice');
  const [stored] = await store.appendMessages([message(alice, BLABLA, 'Bonjour', 'c-1', T0 + 5)]);
  const [row] = await db.query('SELECT * FROM messages');
  if (!stored || !row) return void t.fail('nothing stored');
  // A field whose migration is missing on this backend fails here, by its column's name.
  for (const [field, {column, read}] of Object.entries(messageFields)) {
    t.true(column in row, `messages.${column} (${field}) exists`);
    t.deepEqual(read(row[column] as never), stored[field as keyof typeof stored], `${field} reads back from messages.${column}`);
  }
  // The original's columns keep their names, for a sysadmin's queries.
  t.like(row, {message_id: stored.id, client_id: alice.id, salon_id: BLABLA, contenu: 'Bonjour'});
});

storeTest('stored text comes back exactly, hostile strings included', async (t, store, db) => {
  const texts = [
    `l'apostrophe "et" les guillemets`,
    `'; DROP TABLE messages; --`,
    '100% _sûr_ \\ C:\\temp\\n \\\\',
    'emoji 😀 and 𝄞 (4-byte) and 👩‍👩‍👧',
    'שלום עולם مرحبا',
    'line one\nline two\r\n\ttabbed',
    '  leading and trailing spaces  ',
  ];
  const alice = await addUser(store, 'alice');
  const stored = await store.appendMessages(texts.map((text) => message(alice, BLABLA, text)));
  t.deepEqual(stored.map((m) => m.text), texts);
  t.deepEqual((await store.history(BLABLA, undefined, 50)).map((m) => m.text), texts);
  t.is(await countRows(db, 'SELECT COUNT(*) AS n FROM messages'), texts.length, 'the messages table is still there');
});

storeTest('a retried (clientId, clientMsgId) in a later batch returns the first stored message and stores nothing', async (t, store, db) => {
  const alice = await addUser(store, 'alice');
  const bob = await addUser(store, 'bob');
  const [original] = await store.appendMessages([message(alice, GENERAL, 'hello', 'c1-0001')]);
  const [retry, other, bobs] = await store.appendMessages([
    message(alice, GENERAL, 'hello (resent)', 'c1-0001', T0 + 99),
    message(alice, GENERAL, 'next', 'c1-0002'),
    message(bob, GENERAL, 'same key, other client', 'c1-0001'),
  ]);
  t.deepEqual(retry, {...original, replayed: true}, 'the first stored message, marked as a replay');
  t.is(original?.replayed, undefined, 'a first store is no replay');
  t.deepEqual([other?.replayed, bobs?.replayed], [undefined, undefined]);
  t.is(retry?.text, 'hello');
  t.is(retry?.clientMsgId, 'c1-0001');
  t.deepEqual([other?.seq, bobs?.seq], [2, 3]);
  t.is(await countRows(db, 'SELECT COUNT(*) AS n FROM messages'), 3);
  t.is((await store.listSalons())[0]?.seq, 3, 'the counter did not advance for the retry');
});

storeTest('the same (clientId, clientMsgId) twice in one batch stores one row and returns it twice', async (t, store, db) => {
  const alice = await addUser(store, 'alice');
  const out = await store.appendMessages([message(alice, GENERAL, 'once', 'k'), message(alice, GENERAL, 'twice', 'k'), message(alice, GENERAL, 'other')]);
  t.deepEqual(out[1], {...out[0], replayed: true});
  t.is(out[0]?.replayed, undefined);
  t.deepEqual(out.map((m) => [m.text, m.seq]), [['once', 1], ['once', 1], ['other', 2]]);
  t.is(await countRows(db, 'SELECT COUNT(*) AS n FROM messages'), 2);
});

storeTest('clientMsgIds that differ only in case or trailing spaces are different sends', async (t, store, db) => {
  const alice = await addUser(store, 'alice');
  await store.appendMessages([message(alice, GENERAL, 'one', 'abc')]);
  const out = await store.appendMessages([message(alice, GENERAL, 'two', 'ABC'), message(alice, GENERAL, 'three', 'abc ')]);
  t.deepEqual(out.map((m) => [m.text, m.seq, m.clientMsgId]), [['two', 2, 'ABC'], ['three', 3, 'abc ']]);
  t.is(await countRows(db, 'SELECT COUNT(*) AS n FROM messages'), 3);
});

storeTest('search finds messages by word prefixes on the index, newest first, in the conversations given', async (t, store) => {
  const alice = await addUser(store, 'alice');
  await store.appendMessages(['Budget 2025', 'lunch?', 'the budget is 100%', 'budget_v2', 'other salon budget'].map((text, i) =>
    message(alice, i === 4 ? BLABLA : GENERAL, text)));
  const find = async (prefixes: string[], more: Partial<StoreSearch> = {}) =>
    (await store.search({salonIds: [GENERAL], prefixes, phrases: [], limit: 10, ...more})).messages.map((m) => m.text);
  t.deepEqual(await find(['budget']), ['budget_v2', 'the budget is 100%', 'Budget 2025']);
  t.deepEqual(await find(['100']), ['the budget is 100%'], '% is a separator: the number is a word');
  t.deepEqual(await find(['budget'], {salonIds: [GENERAL, BLABLA]}), ['other salon budget', 'budget_v2', 'the budget is 100%', 'Budget 2025']);
  const [newest] = (await store.search({salonIds: [GENERAL], prefixes: ['budget'], phrases: [], limit: 1})).messages;
  t.deepEqual(await find(['budget'], {beforeId: newest?.id}), ['the budget is 100%', 'Budget 2025'], 'beforeId pages on');
  t.deepEqual(await find([], {phrases: [['the', 'budget']]}), ['the budget is 100%']);
});

storeTest('history gives the newest page oldest-first and the before cursor pages back without gap or overlap', async (t, store) => {
  const alice = await addUser(store, 'alice');
  await store.appendMessages(Array.from({length: 7}, (_, i) => message(alice, GENERAL, `m${i + 1}`, undefined, T0 + i)));
  await store.appendMessages([message(alice, BLABLA, 'elsewhere')]);
  const pages: string[][] = [];
  let before: number | undefined;
  for (;;) {
    const page = await store.history(GENERAL, before, 3);
    if (page.length === 0) break;
    t.true(page.length <= 3);
    t.deepEqual(page.map((m) => m.seq), [...page.map((m) => m.seq)].sort((a, b) => a - b), 'oldest first');
    pages.push(page.map((m) => m.text));
    before = page[0]?.seq;
  }
  t.deepEqual(pages, [['m5', 'm6', 'm7'], ['m2', 'm3', 'm4'], ['m1']]);
  const newest = await store.history(GENERAL, undefined, 1);
  t.like(newest[0], {seq: 7, ts: T0 + 6, username: 'alice', alias: 'alice alias', clientId: alice.id});
  t.deepEqual(await store.history(4, undefined, 10), []);
});

storeTest('messagesAfter returns the messages after a seq, oldest first, up to the limit', async (t, store) => {
  const alice = await addUser(store, 'alice');
  await store.appendMessages(Array.from({length: 6}, (_, i) => message(alice, BLABLA, `m${i + 1}`)));
  t.deepEqual((await store.messagesAfter(BLABLA, 2, 3)).map((m) => [m.seq, m.text]), [[3, 'm3'], [4, 'm4'], [5, 'm5']]);
  t.deepEqual((await store.messagesAfter(BLABLA, 0, 100)).map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
  t.deepEqual(await store.messagesAfter(BLABLA, 6, 10), []);
  t.deepEqual(await store.messagesAfter(GENERAL, 0, 10), []);
});

storeTest('banUser deletes the account, memberships, requests and sessions but keeps its messages under its alias', async (t, store, db) => {
  const mallory = await addUser(store, 'Mallory', 'Mal');
  const alice = await addUser(store, 'alice');
  await store.addMembership('Mallory', BLABLA);
  await store.addJoinRequest(mallory.id, COMPTA, T0);
  await store.createSession('a'.repeat(64), mallory.id, T0, T0 + 3_600_000, 20);
  await store.createSession('b'.repeat(64), alice.id, T0, T0 + 3_600_000, 20);
  const [sent] = await store.appendMessages([message(mallory, GENERAL, 'spam'), message(alice, GENERAL, 'hi')]);
  await store.banUser(mallory.id, 'Mallory', 'admin', T0 + 10);

  t.is(await store.findUser('Mallory'), undefined);
  t.is(await store.findUserById(mallory.id), undefined);
  t.deepEqual(await membershipsOf(store, 'Mallory'), []);
  t.is(await countRows(db, 'SELECT COUNT(*) AS n FROM salons_adheres WHERE username = ?', ['Mallory']), 0);
  t.deepEqual(await store.listJoinRequests(), []);
  t.is(await store.findSession('a'.repeat(64), T0), undefined);
  t.is(await store.findSession('b'.repeat(64), T0), alice.id, 'other sessions stay');
  const history = await store.history(GENERAL, undefined, 10);
  t.deepEqual(history.map((m) => [m.text, m.username, m.alias]), [['spam', null, 'Mal'], ['hi', 'alice', 'alice alias']]);
  t.is(history[0]?.id, sent?.id);
  t.true(await store.isBanned('Mallory'));
  t.true(await store.isBanned('mallory'));
  t.true(await store.isBanned('MALLORY'));
  t.false(await store.isBanned('alice'));
});

storeTest('findSession finds a session until it expires; deleteSession and deleteSessionsOf remove sessions', async (t, store) => {
  const alice = await addUser(store, 'alice');
  const bob = await addUser(store, 'bob');
  const [s1, s2, s3] = ['1', '2', '3'].map((c) => c.repeat(64)) as [string, string, string];
  await store.createSession(s1, alice.id, T0, T0 + 1000, 20);
  await store.createSession(s2, alice.id, T0, T0 + 5000, 20);
  await store.createSession(s3, bob.id, T0, T0 + 5000, 20);
  t.is(await store.findSession(s1, T0), alice.id);
  t.is(await store.findSession(s1, T0 + 999), alice.id);
  t.is(await store.findSession(s1, T0 + 1000), undefined, 'expired at expiresAt');
  t.is(await store.findSession('9'.repeat(64), T0), undefined);
  await store.deleteSession(s2);
  t.is(await store.findSession(s2, T0), undefined);
  t.is(await store.findSession(s3, T0), bob.id);
  await store.createSession(s2, alice.id, T0, T0 + 5000, 20);
  await store.deleteSessionsOf(alice.id);
  t.deepEqual([await store.findSession(s1, T0), await store.findSession(s2, T0)], [undefined, undefined]);
  t.is(await store.findSession(s3, T0), bob.id);
});

storeTest('createSession refuses a kicked or deleted account, and keeps only the newest sessions of an account', async (t, store) => {
  const alice = await addUser(store, 'alice');
  const bob = await addUser(store, 'bob');
  const token = (n: number) => n.toString(16).padStart(64, '0');
  await store.setKickedUntil(bob.id, T0 + 60_000);
  t.false(await store.createSession(token(1), bob.id, T0, T0 + 5000, 20), 'kicked');
  t.is(await store.findSession(token(1), T0), undefined);
  t.true(await store.createSession(token(2), bob.id, T0 + 60_000, T0 + 90_000, 20), 'the kick is over');
  await store.banUser(bob.id, 'bob', 'admin', T0);
  t.false(await store.createSession(token(3), bob.id, T0, T0 + 5000, 20), 'deleted');
  for (let i = 10; i < 15; i++) t.true(await store.createSession(token(i), alice.id, T0 + i, T0 + 100_000, 3));
  const live = [];
  for (let i = 10; i < 15; i++) live.push(await store.findSession(token(i), T0 + 20));
  t.deepEqual(live, [undefined, undefined, alice.id, alice.id, alice.id], 'the oldest go');
});

storeTest('resetStatuses marks every connected account disconnected in the status column', async (t, store, db) => {
  const alice = await addUser(store, 'alice');
  const bob = await addUser(store, 'bob');
  await addUser(store, 'carol');
  await db.query("UPDATE clients SET status = 'connected' WHERE client_id = ?", [alice.id]);
  await store.setStatus([bob.id], 'connected');
  t.is(await countRows(db, "SELECT COUNT(*) AS n FROM clients WHERE status = 'connected'"), 2);
  t.is(await store.resetStatuses(), 2);
  const statuses = await db.query<{status: string}>('SELECT status FROM clients ORDER BY client_id');
  t.deepEqual(statuses.map((r) => r.status), ['disconnected', 'disconnected', 'disconnected']);
  t.is(await store.resetStatuses(), 0);
});

storeTest('setKickedUntil round-trips through findUser and clears with null; setPasswordHash is stored', async (t, store) => {
  const alice = await addUser(store, 'alice');
  const until = T0 + 5 * 60_000 + 7;
  await store.setKickedUntil(alice.id, until);
  t.is((await store.findUser('alice'))?.kickedUntil, until);
  await store.setKickedUntil(alice.id, null);
  t.is((await store.findUser('alice'))?.kickedUntil, null);
  await store.setPasswordHash(alice.id, 'scrypt$16384$8$1$c2FsdA==$a2V5');
  t.is((await store.findUserById(alice.id))?.passwordHash, 'scrypt$16384$8$1$c2FsdA==$a2V5');
});

storeTest('countModerators counts the moderator accounts only', async (t, store) => {
  t.is(await store.countModerators(), 0);
  await addUser(store, 'admin', 'Admin', 'moderator');
  await addUser(store, 'alice');
  await addUser(store, 'server', 'Server', 'moderator');
  t.is(await store.countModerators(), 2);
});

eachBackend('reopening the store keeps every row and does not migrate again', async (t, db) => {
  let alice: UserRecord | undefined;
  await withStore(db, async (store) => {
    alice = await addUser(store, 'alice');
    await store.appendMessages([message(alice, GENERAL, 'before restart', 'r1')]);
  });
  const migrations = await db.query<{version: number}>('SELECT version FROM schema_migrations ORDER BY version');
  await withStore(db, async (store) => {
    t.deepEqual((await store.listSalons()).map((s) => [s.name, s.seq]), [['Général', 1], ['Blabla', 0], ['Comptabilité', 0], ['Informatique', 0], ['Marketing', 0]]);
    t.deepEqual(await store.findUser('alice'), alice);
    t.deepEqual((await store.history(GENERAL, undefined, 10)).map((m) => m.text), ['before restart']);
    const [next] = await store.appendMessages([message(alice as UserRecord, GENERAL, 'after restart')]);
    t.is(next?.seq, 2);
    const [retry] = await store.appendMessages([message(alice as UserRecord, GENERAL, 'again', 'r1')]);
    t.is(retry?.seq, 1, 'idempotency keys survive a restart');
  });
  t.deepEqual(await db.query<{version: number}>('SELECT version FROM schema_migrations ORDER BY version'), migrations);
  t.is(await countRows(db, 'SELECT COUNT(*) AS n FROM salons'), 5);
});
