/**
 * Hostile but valid content, end to end on both backends: through the protocol, the server,
 * the database and back (event, send result, history, search, the stored row). And hostile
 * content the protocol refuses: the right code, nothing stored, every table still there.
 */
import type {ExecutionContext} from 'ava';
import type {MessageInfo} from '../../source/protocol/frames.js';
import {limits} from '../../source/protocol/limits.js';
import {parseSearch, searchWords} from '../../source/protocol/search.js';
import type {Database} from '../helpers/backends.js';
import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, type TestClient, type TestServer, refusal, startTestServer} from '../helpers/server.js';

const GENERAL = 1;
const TABLES = ['clients', 'salons', 'salons_adheres', 'messages', 'join_requests', 'bans', 'sessions'];

const count = async (db: Database, table: string) => Number((await db.query<{n: number | bigint}>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);
const counts = async (db: Database) => Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table, await count(db, table)] as const)));

async function withServer(db: Database, body: (srv: TestServer) => Promise<void>): Promise<void> {
  const srv = await startTestServer(db);
  try {
    await body(srv);
    const internal = srv.notices.filter((n) => n.kind === 'internal_error');
    if (internal.length > 0) throw new Error(`internal_error notices: ${JSON.stringify(internal).slice(0, 500)}`);
  } finally {
    await srv.stop();
  }
}

/** Message events of a salon received by a client, from one author. */
const messagesFrom = (client: TestClient, author: string, salon = GENERAL) =>
  client.events.filter((e): e is Extract<typeof e, {event: 'message'}> => e.event === 'message' && e.author === author && e.salon === salon);

const codePoints = (s: string) => [...s].length;

// Every one is valid: no control character but \n, not blank, at most 4000 code points.
const HOSTILE_TEXTS: readonly string[] = [
  `l'apostrophe "et" les guillemets`,
  `'; DROP TABLE messages; --`,
  `Robert'); DROP TABLE clients;--`,
  `" OR ""="`,
  `1' OR '1'='1`,
  '100% sûr',
  '%',
  '_',
  '%_%',
  'under_score and 50%_off',
  'plain text without wildcards',
  'abc',
  '\\',
  "\\'",
  '\\%',
  '\\_',
  'C:\\temp\\new\\table',
  '!%',
  '!!',
  'a!b',
  '[abc]',
  '^$.*+?()[]{}|',
  '{"id":1,"type":"hello","version":1}',
  '</script><script>alert(1)</script>',
  '${process.exit(1)}',
  '%s %d %n %x',
  'emoji 😀 and 𝄞 (4-byte)',
  '😀',
  '𝄞',
  '👩‍👩‍👧 family (ZWJ)',
  'zero\u200bwidth\u200cnon\u200djoiner',
  'שלום עולם',
  'مرحبا بالعالم',
  'mixed RTL: abc שלום def مرحبا 123',
  '\u202eoverride\u202c and \u2066isolate\u2069',
  'é (NFC)',
  'e\u0301 (NFD)',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '𠜎𠜱𠝹 CJK extension B',
  'line one\nline two\n\nline four',
  '  leading and trailing spaces  ',
  'trailing newline\n',
  'line\u2028separator\u2029paragraph',
  'non-characters \uffff\ufffe\ufdd0',
  'BOM \ufeff inside',
  'x',
];

const MAX_TEXTS: readonly string[] = [
  '😀'.repeat(limits.maxMessageChars),
  'a𝄞é😀'.repeat(limits.maxMessageChars / 4),
  `${"'".repeat(limits.maxMessageChars / 2)}${'%_'.repeat(limits.maxMessageChars / 4)}`,
];

/** Search is case-insensitive; these needles have no letters, so literal inclusion is the answer. */
const SEARCH_NEEDLES = ['%', '_', '%_%', '\\', "\\'", '\\%', '!', '!%', "'", '"', '[abc]', '$', '*', '😀', '𝄞'];
/** Characters a Unicode collation ignores (zero-width, bidi controls): separators to search. */
const COLLATION_IGNORABLE_NEEDLES = ['\u200d', '\u200b', '\u202e'];

async function sendAll(t: ExecutionContext, client: TestClient, texts: readonly string[]): Promise<MessageInfo[]> {
  const out: MessageInfo[] = [];
  for (const text of texts) {
    const {message} = (await client.request('send', {salon: GENERAL, text})) as {message: MessageInfo};
    t.is(message.text, text, `send result for ${JSON.stringify(text.slice(0, 40))}`);
    out.push(message);
  }
  return out;
}

eachBackend('hostile valid texts round-trip exactly: send result, event, history, stored row', async (t, db) => {
  await withServer(db, async (srv) => {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    const texts = [...HOSTILE_TEXTS, ...MAX_TEXTS];
    const sent = await sendAll(t, alice, texts);
    const last = sent.at(-1);
    await bob.waitFor('message', (e) => e.seq === last?.seq);
    t.deepEqual(messagesFrom(bob, 'alice').map((e) => e.text), texts, 'events');
    t.deepEqual(messagesFrom(alice, 'alice').map((e) => e.text), texts, "the author's own events");
    const {messages} = await bob.request('history', {salon: GENERAL, limit: limits.historyMaxPage});
    t.deepEqual((messages as MessageInfo[]).map((m) => m.text), texts, 'history');
    const rows = await db.query<{contenu: string; author_alias: string}>('SELECT contenu, author_alias FROM messages WHERE salon_id = ? ORDER BY seq', [GENERAL]);
    t.deepEqual(rows.map((r) => r.contenu), texts, 'stored rows');
    for (const row of rows) t.is(row.author_alias, 'Alice');
    // Byte for byte, not just equal after some normalisation.
    t.deepEqual(rows.map((r) => Buffer.from(r.contenu, 'utf8').toString('hex')), texts.map((x) => Buffer.from(x, 'utf8').toString('hex')));
    t.is(codePoints(MAX_TEXTS[0] ?? ''), limits.maxMessageChars);
  });
});

eachBackend('search reads symbols and the index engines\' own syntax as separators: a hostile query finds by its words or is refused, never an error', async (t, db) => {
  await withServer(db, async (srv) => {
    const alice = await srv.user('alice');
    await sendAll(t, alice, HOSTILE_TEXTS);
    const newestFirst = [...HOSTILE_TEXTS].reverse();
    // The reference: every word of the query starts a word of the text (protocol/search.ts).
    const expected = (query: string) => {
      const parsed = parseSearch(query);
      if ('problem' in parsed) return parsed.problem;
      return newestFirst.filter((text) => {
        const words = searchWords(text);
        const joined = ` ${words.join(' ')} `;
        return parsed.prefixes.every((p) => words.some((w) => w.startsWith(p))) && parsed.phrases.every((ph) => joined.includes(` ${ph.join(' ')} `));
      });
    };
    const queries = [
      ...SEARCH_NEEDLES,
      ...COLLATION_IGNORABLE_NEEDLES,
      "'; drop table",
      'drop* OR table',
      '"drop',
      'NEAR(drop table)',
      '-drop +table',
      'drop AND NOT table',
      'table^ messages:',
      '(drop) {table}',
      'ＤＲＯＰ ｔａｂｌｅ',
      'no such %_ text',
    ];
    for (const query of queries) {
      const want = expected(query);
      const got = await alice.request('search', {salon: GENERAL, text: query, limit: limits.historyMaxPage}).then(
        (r) => r.messages.map((m) => m.text),
        (e: {code?: string; details?: {problem?: string}}) => (e.code === 'BAD_SEARCH' ? (e.details?.problem ?? 'BAD_SEARCH') : `unexpected ${e.code}`),
      );
      t.deepEqual(got, want, `search ${JSON.stringify(query)}`);
    }
    const {messages} = await alice.request('search', {salon: GENERAL, text: "'; drop table", limit: limits.historyMaxPage});
    t.true(messages.some((m) => m.text === `'; DROP TABLE messages; --`));
  });
});

const ALIASES: readonly [string, string][] = [
  ['zoe', "Zoë O'Brien-Ñúñez"],
  ['maria', 'Мария'],
  ['bruce', '李小龙'],
  ['mohamed', 'محمد'],
  ['david', 'דוד'],
  ['dev', 'देवनागरी'],
  ['jeanluc', "Jean-Luc d'Arc"],
  ['cjk', '𠜎'.repeat(limits.aliasMax)],
];

eachBackend('aliases with accents, apostrophes, hyphens and other scripts register and show identically', async (t, db) => {
  await withServer(db, async (srv) => {
    const watcher = await srv.user('watcher');
    await watcher.request('members', {salon: GENERAL});
    for (const [username, alias] of ALIASES) {
      const client = await srv.connect();
      t.deepEqual(await client.request('register', {username, alias, password: PASSWORD}), {user: {username, alias}}, alias);
      const login = await client.request('login', {username, password: PASSWORD});
      t.is(login.user.alias, alias);
      const {message} = await client.request('send', {salon: GENERAL, text: `Bonjour, je suis ${alias}`});
      t.is(message.alias, alias);
      const event = await watcher.waitFor('message', (e) => e.id === message.id);
      t.is(event.alias, alias, `message event for ${username}`);
      t.is(event.author, username);
      const presence = await watcher.waitFor('presence', (e) => e.username === username && e.online);
      t.is(presence.alias, alias);
    }
    const {members} = await watcher.request('members', {salon: GENERAL});
    for (const [username, alias] of ALIASES) t.like((members as {username: string; alias: string}[]).find((m) => m.username === username), {alias}, username);
    const stored = await db.query<{username: string; alias: string}>('SELECT username, alias FROM clients');
    for (const [username, alias] of ALIASES) t.is(stored.find((r) => r.username === username)?.alias, alias, `stored alias of ${username}`);
    const authors = await db.query<{author_alias: string}>('SELECT author_alias FROM messages ORDER BY seq');
    t.deepEqual(authors.map((r) => r.author_alias), ALIASES.map(([, alias]) => alias));
  });
});

eachBackend('hostile usernames, aliases, salon names and texts that the protocol refuses store nothing; every table survives', async (t, db) => {
  await withServer(db, async (srv) => {
    const alice = await srv.user('alice');
    const mod = await srv.moderator('mod');
    const before = await counts(db);
    const guest = await srv.connect();
    const register = (username: string, alias: string, password = PASSWORD) => refusal(guest.request('register', {username, alias, password}));

    const badUsernames = [
      "x'; DROP TABLE clients;--",
      "robert'); DROP TABLE messages;--",
      "admin' --",
      '" OR 1=1 --',
      'zoë',
      'a b',
      '%',
      'a%',
      '_%',
      '',
      'a',
      'x'.repeat(limits.usernameMax + 1),
      'admin\u0000',
      '\u202eadmin',
      'émile',
      'Мария',
    ];
    for (const username of badUsernames) t.is(await register(username, 'Fine Alias'), 'BAD_REQUEST', `username ${JSON.stringify(username)}`);

    const badAliases = [
      'Evil\nAlias',
      'Evil\r\nAlias',
      '\u001b[31mRed',
      'Tab\tHere',
      'Nul\u0000',
      ' Leading',
      'Trailing ',
      'Double  Space',
      '',
      '李'.repeat(limits.aliasMax + 1),
      'emoji 😀',
      "'; DROP TABLE clients; --",
      "Robert'); DROP",
      'a\u200db',
      '\u202eMallory',
      'quote"here',
      'semi;colon',
      '100%',
    ];
    for (const alias of badAliases) t.is(await register(`user${badAliases.indexOf(alias)}`, alias), 'BAD_REQUEST', `alias ${JSON.stringify(alias)}`);
    t.is(await register('shortpw', 'Short Pw', 'x'.repeat(limits.passwordMin - 1)), 'BAD_REQUEST');

    // Salon references that match nothing: UNKNOWN_SALON for every request that takes one.
    const badSalons = ["Général'; --", "Blabla'--", "' OR ''='", '1 OR 1=1', 'Général; DROP TABLE salons', '%', '_', 'Génér%', '\u202eGénéral', '6', '99999'];
    for (const salon of badSalons) {
      const what = `salon ${JSON.stringify(salon)}`;
      t.is(await refusal(alice.request('join', {salon})), 'UNKNOWN_SALON', `join ${what}`);
      t.is(await refusal(alice.request('send', {salon, text: 'hello'})), 'UNKNOWN_SALON', `send ${what}`);
      t.is(await refusal(alice.request('history', {salon})), 'UNKNOWN_SALON', `history ${what}`);
      t.is(await refusal(alice.request('search', {salon, text: '%'})), 'UNKNOWN_SALON', `search ${what}`);
      t.is(await refusal(alice.request('members', {salon})), 'UNKNOWN_SALON', `members ${what}`);
      t.is(await refusal(mod.request('accept', {username: 'alice', salon})), 'UNKNOWN_SALON', `accept ${what}`);
    }
    for (const salon of [0, -1, 2 ** 31, 1.5, '', 'x'.repeat(65)]) {
      t.is(await refusal(alice.request('join', {salon} as never)), 'BAD_REQUEST', `join salon ${JSON.stringify(salon)}`);
    }

    // Texts the protocol refuses.
    const badTexts = ['\u001b[2J', 'a\rb', 'a\tb', '\u0000', 'bell\u0007', 'del\u007f', 'csi\u009b31m', '   ', '\n\n', '\u3000', 'a'.repeat(limits.maxMessageChars + 1), '😀'.repeat(limits.maxMessageChars + 1)];
    for (const text of badTexts) t.is(await refusal(alice.request('send', {salon: GENERAL, text})), 'BAD_REQUEST', `text ${JSON.stringify(text.slice(0, 20))}`);
    t.is(await refusal(alice.request('send', {salon: GENERAL, text: 'ok', clientMsgId: 'id\u001b'})), 'BAD_REQUEST');
    t.is(await refusal(alice.request('search', {salon: GENERAL, text: 'a\nb'})), 'BAD_REQUEST');

    // Injection through login: valid in shape, so it is checked, and it fails.
    t.is(await refusal(guest.request('login', {username: "x' OR '1'='1", password: "' OR '1'='1"})), 'INVALID_CREDENTIALS');
    t.is(await refusal(guest.request('login', {username: "alice' --", password: 'anything'})), 'INVALID_CREDENTIALS');

    // Moderator requests naming nobody: no one is kicked, banned or let in.
    for (const username of ["x'; DROP TABLE clients;--", '%', '_', "alice' OR '1'='1"]) {
      const kick = await mod.request('kick', {username}).then(
        () => undefined,
        (error: {code: string; details?: {username?: string}}) => error,
      );
      t.is(kick?.code, 'UNKNOWN_USER', `kick ${username}`);
      t.is(kick?.details?.username, username);
      t.is(await refusal(mod.request('ban', {username})), 'UNKNOWN_USER', `ban ${username}`);
      t.is(await refusal(mod.request('accept', {username, salon: 3})), 'UNKNOWN_USER', `accept ${username}`);
    }

    // Nothing stored, every table still there; the server still works.
    t.deepEqual(await counts(db), before, 'row counts unchanged');
    const names = await db.query<{nom_salon: string}>('SELECT nom_salon FROM salons ORDER BY salon_id');
    t.deepEqual(names.map((r) => r.nom_salon), ['Général', 'Blabla', 'Comptabilité', 'Informatique', 'Marketing']);
    const {message} = await alice.request('send', {salon: GENERAL, text: "still here; '; DROP TABLE messages; --"});
    t.is(message.text, "still here; '; DROP TABLE messages; --");
    t.is(await count(db, 'messages'), (before.messages ?? 0) + 1);
    t.is(await count(db, 'clients'), 2, 'alice and mod');
    t.is(await count(db, 'bans'), 0);
    const refreshed = await srv.connect();
    await refreshed.request('login', {username: 'alice', password: PASSWORD});
  });
});

// PROTOCOL.md section 5: "Every text must be well-formed Unicode (no lone surrogate such as
// "\ud800")". A lone surrogate has no UTF-8 form: stored, it would come back as something
// else than was delivered. Every text field is refused with BAD_REQUEST, nothing is stored
// or delivered; a surrogate pair (an emoji) is a character and goes through unchanged.
eachBackend('a lone surrogate in any text field is refused with BAD_REQUEST, and nothing is stored or delivered', async (t, db) => {
  await withServer(db, async (srv) => {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    const guest = await srv.connect();
    const {token} = (await (await srv.connect()).request('login', {username: 'bob', password: PASSWORD})) as {token: string};
    const clientsBefore = await count(db, 'clients');
    const lone = ['lone \ud800 high', 'lone \udfff low', 'reversed \udc00\ud800 pair', 'at the end \ud83d'];
    const refusedAs = async (what: string, request: Promise<unknown>) => t.is(await refusal(request), 'BAD_REQUEST', what);
    for (const bad of lone) {
      await refusedAs(`send text ${JSON.stringify(bad)}`, alice.request('send', {salon: GENERAL, text: bad}));
      await refusedAs(`send clientMsgId ${JSON.stringify(bad)}`, alice.request('send', {salon: GENERAL, text: 'fine', clientMsgId: bad}));
      await refusedAs(`search text ${JSON.stringify(bad)}`, alice.request('search', {salon: GENERAL, text: bad}));
      await refusedAs(`login password ${JSON.stringify(bad)}`, guest.request('login', {username: 'bob', password: bad}));
      await refusedAs(`register password ${JSON.stringify(bad)}`, guest.request('register', {username: 'carol', alias: 'Carol', password: `${bad} long enough`}));
      await refusedAs(`resume token ${JSON.stringify(bad)}`, guest.request('resume', {token: `${token}${bad}`}));
    }
    t.is(await count(db, 'messages'), 0, 'no message stored');
    t.is(await count(db, 'clients'), clientsBefore, 'no account created');
    // The pair is accepted and comes back the same: sent, delivered, stored, in history.
    const text = 'a pair is fine: \ud83d\ude00';
    const {message} = (await alice.request('send', {salon: GENERAL, text, clientMsgId: 'pair \ud83d\ude00'})) as {message: MessageInfo};
    const event = await bob.waitFor('message', (e) => e.id === message.id);
    t.deepEqual(
      bob.events.filter((e) => e.event === 'message').map((e) => (e as {id: number}).id),
      [message.id],
      'bob received only the accepted message',
    );
    const {messages} = (await bob.request('history', {salon: GENERAL})) as {messages: MessageInfo[]};
    const [row] = await db.query<{contenu: string | Buffer}>('SELECT contenu FROM messages');
    const stored = Buffer.isBuffer(row?.contenu) ? row.contenu.toString('utf8') : row?.contenu;
    t.deepEqual([message.text, event.text, messages.map((m) => m.text)[0], stored], [text, text, text, text]);
  });
});

// PROTOCOL.md: "A string of digits that is not a name is read as an id". Other numerals are not.
eachBackend('salon references that are not names and not strings of digits are unknown salons', async (t, db) => {
  await withServer(db, async (srv) => {
    const alice = await srv.user('alice');
    t.like(await alice.request('members', {salon: '1'}), {salon: 1}, 'a string of digits is an id');
    t.like(await alice.request('members', {salon: ' 1 '}), {salon: 1}, 'surrounding spaces are ignored');
    const readAsIds: string[] = [];
    for (const salon of ['0x1', '1e0', '1.0', '+1', '0b1', '0o1', '2.', '.2e1', '1_0']) {
      const code = await refusal(alice.request('members', {salon})).catch(() => 'accepted');
      if (code !== 'UNKNOWN_SALON') readAsIds.push(`${JSON.stringify(salon)}: ${code}`);
    }
    t.deepEqual(readAsIds, [], 'numerals that are not strings of digits were read as salon ids');
  });
});

// PROTOCOL.md: usernames are "compared ignoring case", and login finds the account "whatever
// the case". Not ignoring accents or trailing spaces: that is a different name.
eachBackend('login matches the username ignoring letter case only, not accents or trailing spaces', async (t, db) => {
  await withServer(db, async (srv) => {
    await srv.user('alice');
    const other = await srv.connect();
    t.is((await other.request('login', {username: 'ALICE', password: PASSWORD})).user.username, 'alice');
    // Three variants at most: more failed logins would be slowed down by the login guard.
    const matched: string[] = [];
    for (const username of ['alice ', 'alïce', 'Àlice  ']) {
      const guest = await srv.connect();
      const code = await refusal(guest.request('login', {username, password: PASSWORD})).catch(() => 'logged in');
      if (code !== 'INVALID_CREDENTIALS') matched.push(`${JSON.stringify(username)}: ${code}`);
    }
    t.deepEqual(matched, [], 'other names logged in to alice');
  });
});
