/**
 * search through the server on the full-text index (PROTOCOL.md, search): whole words and
 * prefixes, case and accents ignored, phrases, all words required, the filters from:, in:,
 * before:, after:; every conversation the user reads and no other; newest first, paged;
 * the index follows edits and deletions; a rate per connection. One table of queries and
 * expected hits, the same on both backends.
 */
import type {MessageInfo} from '../../source/protocol/frames.js';
import {mysqlAdmin} from '../helpers/backends.js';
import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, refusal, startTestServer} from '../helpers/server.js';

interface Page {
  messages: MessageInfo[];
  hasMore: boolean;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 9);

/** [text, author, conversation, day offset] */
const corpus: [string, 'alice' | 'bob', 'general' | 'blabla' | 'dm', number][] = [
  ['Réunion budget à 14 h', 'alice', 'general', 0],
  ['pas de reunion demain', 'bob', 'general', 1],
  ["L'été sera chaud, le budgétaire aussi", 'alice', 'blabla', 2],
  ['BUDGET final validé', 'bob', 'general', 3],
  ['Le café est prêt', 'alice', 'general', 4],
  ['budget_v2 en revue', 'bob', 'blabla', 5],
  ['secret: le budget du cadeau', 'bob', 'dm', 6],
  ['日本語のテキスト', 'alice', 'general', 7],
  ['100% sûr, deuxième réunion', 'alice', 'general', 8],
];

/** query -> the texts found, newest first (what alice, in every conversation, sees). */
const expectations: [string, string[]][] = [
  ['budget', ['secret: le budget du cadeau', 'budget_v2 en revue', 'BUDGET final validé', "L'été sera chaud, le budgétaire aussi", 'Réunion budget à 14 h']],
  ['budg', ['secret: le budget du cadeau', 'budget_v2 en revue', 'BUDGET final validé', "L'été sera chaud, le budgétaire aussi", 'Réunion budget à 14 h']],
  ['reunion', ['100% sûr, deuxième réunion', 'pas de reunion demain', 'Réunion budget à 14 h']],
  ['RÉUNION', ['100% sûr, deuxième réunion', 'pas de reunion demain', 'Réunion budget à 14 h']],
  ['ete', ["L'été sera chaud, le budgétaire aussi"]],
  ['cafe pret', ['Le café est prêt']],
  ['cafe budget', []],
  ['"budget final"', ['BUDGET final validé']],
  ['"final budget"', []],
  ['budget from:bob', ['secret: le budget du cadeau', 'budget_v2 en revue', 'BUDGET final validé']],
  ['budget in:Blabla', ['budget_v2 en revue', "L'été sera chaud, le budgétaire aussi"]],
  ['budget in:bob', ['secret: le budget du cadeau']],
  ['budget after:2026-11-05 before:2026-11-08', ['budget_v2 en revue', 'BUDGET final validé']],
  ['日本語', ['日本語のテキスト']],
  ['100', ['100% sûr, deuxième réunion']],
  ['budgets', []],
  ['nothingmatches', []],
];

eachBackend('search matches words and prefixes, ignoring case and accents, with phrases and filters, the same on both backends', async (t, db) => {
  let now = T0;
  const srv = await startTestServer(db, {clock: () => now});
  try {
    const alice = await srv.user('alice', 'Alice');
    const bob = await srv.user('bob', 'Bob');
    await bob.request('join', {salon: 'Blabla'});
    await alice.request('join', {salon: 'Blabla'});
    const {salon: dm} = await bob.request('dm', {with: ['alice']});
    const where = {general: 1, blabla: 2, dm: dm.id};
    for (const [text, author, conversation, day] of corpus) {
      now = T0 + day * DAY;
      await (author === 'alice' ? alice : bob).request('send', {salon: where[conversation], text});
    }
    for (const [query, expected] of expectations) {
      const page = (await alice.request('search', {text: query})) as Page;
      t.deepEqual(page.messages.map((m) => m.text), expected, query);
    }
  } finally {
    await srv.stop();
  }
});

eachBackend('search never shows a conversation the user cannot read, and pages through every match once', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    const carol = await srv.user('carol');
    const {salon: dm} = await alice.request('dm', {with: ['bob']});
    await alice.request('send', {salon: dm.id, text: 'budget secret'});
    await bob.request('join', {salon: 'Blabla'});
    await bob.request('send', {salon: 'Blabla', text: 'budget de Blabla'});
    for (let i = 0; i < 7; i++) await alice.request('send', {salon: 1, text: `budget numéro ${i}`});
    const carolSees = ((await carol.request('search', {text: 'budget'})) as Page).messages.map((m) => m.text);
    t.is(carolSees.length, 7);
    t.false(carolSees.some((text) => text.includes('secret') || text.includes('Blabla')), 'neither a DM of others nor a salon carol is not in');
    t.is(await refusal(carol.request('search', {salon: dm.id, text: 'budget'})), 'UNKNOWN_SALON');
    t.deepEqual(((await carol.request('search', {text: 'budget in:Blabla'})) as Page).messages, [], 'in: a salon carol is not in');

    const seen: string[] = [];
    let beforeId: number | undefined;
    for (let guard = 0; guard < 5; guard++) {
      const page = (await bob.request('search', {text: 'budget', limit: 4, ...(beforeId === undefined ? {} : {beforeId})})) as Page;
      seen.push(...page.messages.map((m) => m.text));
      if (!page.hasMore) break;
      beforeId = page.messages.at(-1)!.id;
    }
    t.is(seen.length, 9);
    t.is(new Set(seen).size, 9, 'each once');
    t.is(seen[0], 'budget numéro 6', 'newest first');
  } finally {
    await srv.stop();
  }
});

eachBackend('the index follows edits and deletions: the latest text is found, a deleted message never', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const {message} = await alice.request('send', {salon: 1, text: 'première version du planning'});
    const texts = async (text: string) => ((await alice.request('search', {text})) as Page).messages.map((m) => m.text);
    t.deepEqual(await texts('planning'), ['première version du planning']);
    await alice.request('edit', {salon: 1, seq: message.seq, text: 'seconde mouture du calendrier'});
    t.deepEqual(await texts('planning'), [], 'the old text is not found');
    t.deepEqual(await texts('calendrier'), ['seconde mouture du calendrier']);
    await alice.request('delete', {salon: 1, seq: message.seq});
    t.deepEqual(await texts('calendrier'), []);
    t.deepEqual(await texts('version'), [], 'nor its earlier text');
  } finally {
    await srv.stop();
  }
});

eachBackend('a query without a searchable word is refused clearly, and searching too fast is refused until the allowance refills', async (t, db) => {
  let now = Date.now();
  const srv = await startTestServer(db, {clock: () => now, policy: {searchesPerSecond: 0.5, searchBurst: 3}});
  try {
    const alice = await srv.user('alice');
    const problem = async (text: string) => {
      const error = await alice.request('search', {text}).then(
        () => undefined,
        (e: {code?: string; details?: {problem?: string}}) => `${e.code}:${e.details?.problem}`,
      );
      now += 2000;
      return error;
    };
    t.is(await problem('à la'), 'BAD_SEARCH:NO_WORDS', 'only short words');
    t.is(await problem('budget before:2026-02-31'), 'BAD_SEARCH:BAD_DATE');
    t.is(await problem('from:bob'), 'BAD_SEARCH:NO_WORDS');
    // Three at once pass (the burst), the fourth is refused; the allowance refills at 1 per 2 s.
    const answers = await Promise.all([1, 2, 3, 4].map(() => alice.request('search', {text: 'budget'}).then(() => 'ok', (e: {code?: string}) => e.code)));
    t.deepEqual(answers.sort(), ['RATE_LIMITED', 'ok', 'ok', 'ok']);
    now += 2000;
    t.deepEqual((await alice.request('search', {text: 'budget'})).messages, []);
  } finally {
    await srv.stop();
  }
});

eachBackend('messages stored before the index existed are indexed after start, in batches, and found', async (t, db) => {
  const first = await startTestServer(db);
  try {
    const alice = await first.user('alice');
    for (let i = 0; i < 25; i++) await alice.request('send', {salon: 1, text: `ancien message ${i} sur la comptabilité`});
  } finally {
    await first.stop();
  }
  // As a database of the previous release: no words indexed yet.
  await db.query('UPDATE messages SET search_words = NULL');
  const srv = await startTestServer(db, {backfill: {batch: 7, pauseMs: 0, reportMs: 0}});
  try {
    await srv.server.searchIndexed();
    const alice = await srv.connect();
    await alice.request('login', {username: 'alice', password: PASSWORD});
    const page = (await alice.request('search', {text: 'comptabilite', limit: 50})) as Page;
    t.is(page.messages.length, 25);
    const notices = srv.notices.filter((n) => n.kind === 'search_index').map((n) => (n as {percent: number}).percent);
    t.is(notices[0], 0);
    t.is(notices.at(-1), 100);
    t.true(notices.length >= 3, `progress reported along the way: ${notices.join(', ')}`);
  } finally {
    await srv.stop();
  }
});

eachBackend('searches running at once on a node are bounded, whoever asks: past the bound, RATE_LIMITED at once', async (t, db, backend) => {
  if (backend.name !== 'mysql') {
    t.pass('the database is held busy through a MariaDB table lock');
    return;
  }
  const srv = await startTestServer(db, {policy: {maxConcurrentSearches: 1}});
  const admin = await mysqlAdmin();
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    await alice.request('send', {salon: 1, text: 'budget annuel'});
    await admin.changeUser({database: new URL(db.url!).pathname.slice(1)});
    // A write lock holds every read of messages: alice's search stays running.
    await admin.query('LOCK TABLES messages WRITE');
    const running = alice.request('search', {text: 'budget'});
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await bob.request('search', {text: 'budget'}).then(
      () => 'ok',
      (e: {code?: string; details?: {retryAfterMs?: number}}) => `${e.code} ${e.details?.retryAfterMs}`,
    );
    t.is(refused, 'RATE_LIMITED 1000');
    await admin.query('UNLOCK TABLES');
    t.is((await running).messages.length, 1);
    t.is((await bob.request('search', {text: 'budget'})).messages.length, 1, 'free again once it ended');
  } finally {
    await admin.query('UNLOCK TABLES').catch(() => {});
    await admin.end();
    await srv.stop();
  }
});
