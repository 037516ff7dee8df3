/**
 * What search remembers between requests (store/search-mysql-memory.ts on MySQL: the ids
 * stored, a prefix's terms, the ids at a date) never hides a message: two stores on one
 * database stand for two nodes, one searching while the other writes.
 */
import type {Database} from '../helpers/backends.js';
import {eachBackend} from '../helpers/each-backend.js';
import type {NewMessage, Store, UserRecord} from '../../source/store/types.js';

const T0 = Date.UTC(2026, 10, 2, 9);
const DAY = 86_400_000;
const GENERAL = 1;
const addUser = (store: Store, username: string) => store.createUser({username, alias: `${username} alias`, passwordHash: 'f'.repeat(64), role: 'user', ts: T0});
const message = (author: UserRecord, text: string, ts = T0): NewMessage => ({clientId: author.id, username: author.username, alias: author.alias, salonId: GENERAL, text, ts});

/** Two stores on one database: two nodes. */
async function twoNodes(db: Database, body: (a: Store, b: Store) => Promise<void>): Promise<void> {
  const [a, b] = [await db.open(), await db.open()];
  try {
    await body(a, b);
  } finally {
    await a.close();
    await b.close();
  }
}
const texts = async (store: Store, prefixes: string[], after?: number) => (await store.search({salonIds: [GENERAL], prefixes, phrases: [], after, limit: 50})).messages.map((m) => m.text);

eachBackend('a search finds what another node just wrote, even far past the ids it last saw', async (t, db, backend) => {
  await twoNodes(db, async (a, b) => {
    const alice = await addUser(a, 'alice');
    await a.appendMessages([message(alice, 'hello there')]);
    t.deepEqual(await texts(a, ['hello']), ['hello there']);
    await b.appendMessages([message(alice, 'hello again', T0 + 1000)]);
    t.deepEqual(await texts(a, ['hello']), ['hello again', 'hello there'], 'the newest id is read again');
    if (backend.name === 'mysql') {
      // Ids jump far past what the searching node assumed (a bulk import, another node's burst).
      await db.query('ALTER TABLE messages AUTO_INCREMENT = 900000');
    }
    await b.appendMessages([message(alice, 'hello from far', T0 + 2000)]);
    t.deepEqual(await texts(a, ['hello']), ['hello from far', 'hello again', 'hello there']);
  });
});

eachBackend('a node made ready to search before the messages arrive finds them all', async (t, db, backend) => {
  await twoNodes(db, async (a, b) => {
    const alice = await addUser(a, 'alice');
    // MySQL's search thread starts and reads the ids stored: none yet.
    await a.prepareSearch();
    if (backend.name === 'mysql') await db.query('ALTER TABLE messages AUTO_INCREMENT = 900000');
    await b.appendMessages([message(alice, 'budget 2026')]);
    // A number is not looked up in the vocabulary: this search starts from the ids read when prepared.
    t.deepEqual(await texts(a, ['2026']), ['budget 2026']);
  });
});

eachBackend('a prefix finds the words added since it was last searched; a new word is found on every node at once', async (t, db) => {
  await twoNodes(db, async (a, b) => {
    const alice = await addUser(a, 'alice');
    await a.appendMessages([message(alice, 'le budget est voté')]);
    t.deepEqual(await texts(a, ['budg']), ['le budget est voté']);
    await a.appendMessages([message(alice, 'une ligne budgétaire', T0 + 1000)]);
    t.deepEqual(await texts(a, ['budg']), ['une ligne budgétaire', 'le budget est voté'], 'this node forgets the prefixes its new words start');
    t.deepEqual(await texts(a, ['zorglub']), [], 'a word in no message yet');
    await b.appendMessages([message(alice, 'zorglub arrive', T0 + 2000)]);
    t.deepEqual(await texts(a, ['zorglub']), ['zorglub arrive'], "another node's new word, searched whole");
  });
});

eachBackend('a date searched again still bounds its matches exactly as messages arrive', async (t, db) => {
  const store = await db.open();
  try {
    const alice = await addUser(store, 'alice');
    await store.appendMessages([message(alice, 'point ancien', T0 - 10 * DAY), message(alice, 'point récent', T0)]);
    const after = T0 - 2 * DAY;
    t.deepEqual(await texts(store, ['point'], after), ['point récent']);
    await store.appendMessages([message(alice, 'point nouveau', T0 + DAY)]);
    t.deepEqual(await texts(store, ['point'], after), ['point nouveau', 'point récent']);
    t.deepEqual(await texts(store, ['point'], T0 - 20 * DAY), ['point nouveau', 'point récent', 'point ancien']);
  } finally {
    await store.close();
  }
});
