/**
 * The guards against requests that arrive at once: a kick or ban racing logins in flight,
 * parallel password guessing, parallel registrations, login loops, lookalike aliases.
 * Several machines are stood for by 127.0.0.x local addresses.
 */
import test from 'ava';
import {PASSWORD, type TestClient, type TestServer, refusal, startTestServer} from '../helpers/server.js';
import {backends} from '../helpers/backends.js';
import {eachBackend} from '../helpers/each-backend.js';

const sqlite = backends[0]!;
const from = (n: number) => `127.0.0.${n}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const outcome = (promise: Promise<unknown>) => promise.then(() => 'OK', (e: {code?: string}) => e.code ?? String(e));

/** Logins of `username` from 30 machines, 20 ms apart, with `act` run 300 ms after the first. */
async function loginsRacing(srv: TestServer, username: string, act: () => Promise<unknown>) {
  // Connected first, so that the logins, one at a time for one name, are all in flight.
  const clients: TestClient[] = await Promise.all(Array.from({length: 30}, (_, i) => srv.connect({from: from(10 + i)})));
  const logins: Promise<string>[] = [];
  const acted = sleep(300).then(act);
  for (const client of clients) {
    logins.push(outcome(client.request('login', {username, password: PASSWORD})));
    await sleep(20);
  }
  await acted;
  const outcomes = await Promise.all(logins);
  return {clients, outcomes};
}

eachBackend('a kick wins over every login in flight: none stays connected, none keeps a session, none can send', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const mod = await srv.moderator('admin');
    const reader = await srv.user('reader');
    await (await srv.user('target')).conn.close();
    const {clients, outcomes} = await loginsRacing(srv, 'target', () => mod.request('kick', {username: 'target'}));
    t.true(outcomes.includes('KICKED'), 'logins still waiting when the kick landed are refused');
    t.true(outcomes.every((o) => o === 'OK' || o === 'KICKED'), outcomes.join(' '));
    // Whatever was answered OK before the kick has been closed by it.
    await Promise.all(clients.filter((_, i) => outcomes[i] === 'OK').map((c) => c.closed));
    t.false([...srv.server.connections].some((c) => c.session?.user.username === 'target'));
    t.deepEqual(await db.query("SELECT token_hash FROM sessions s JOIN clients c ON c.client_id = s.client_id WHERE c.username = 'target'"), []);
    const sends = await Promise.all(clients.map((c) => outcome(c.request('send', {salon: 1, text: 'after the kick'}))));
    t.false(sends.includes('OK'));
    t.deepEqual(await db.query("SELECT message_id FROM messages WHERE contenu = 'after the kick'"), []);
    t.false(reader.events.some((e) => e.event === 'message' && e.text === 'after the kick'));
  } finally {
    await srv.stop();
  }
});

eachBackend('a ban racing logins answers BANNED, never an internal error, and leaves nobody connected', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const mod = await srv.moderator('admin');
    await (await srv.user('spammer')).conn.close();
    const {clients, outcomes} = await loginsRacing(srv, 'spammer', () => mod.request('ban', {username: 'spammer'}));
    t.true(outcomes.includes('BANNED'));
    t.true(outcomes.every((o) => o === 'OK' || o === 'BANNED' || o === 'INVALID_CREDENTIALS'), outcomes.join(' '));
    await Promise.all(clients.filter((_, i) => outcomes[i] === 'OK').map((c) => c.closed));
    t.false([...srv.server.connections].some((c) => c.session?.user.username === 'spammer'));
    t.false(srv.notices.some((n) => n.kind === 'internal_error'), 'no stack trace in the log');
  } finally {
    await srv.stop();
  }
});

test('wrong passwords sent at once are taken one at a time per name and address; the owner and the neighbours still get in', async (t) => {
  const db = await sqlite.create();
  const srv = await startTestServer(db);
  try {
    await srv.moderator('admin');
    await (await srv.user('colleague')).conn.close();
    const attackers = await Promise.all(Array.from({length: 45}, () => srv.connect({from: from(2)})));
    const guesses = await Promise.all(attackers.map((c, i) => outcome(c.request('login', {username: 'admin', password: `guess ${i}`}))));
    t.is(guesses.filter((o) => o === 'INVALID_CREDENTIALS').length, 1, 'one attempt per name and address at a time');
    t.is(guesses.filter((o) => o === 'RATE_LIMITED').length, 44);
    // The owner, from another machine, and a colleague behind the same address, with their passwords.
    const owner = await srv.connect({from: from(3)});
    t.is((await owner.request('login', {username: 'admin', password: PASSWORD})).user.username, 'admin');
    const colleague = await srv.connect({from: from(2)});
    t.is((await colleague.request('login', {username: 'colleague', password: PASSWORD})).user.username, 'colleague');
  } finally {
    await srv.stop();
    await db.drop();
  }
});

test('guesses one after another: three are free, the next ones wait longer and longer, then the pair is locked; the owner elsewhere is not', async (t) => {
  const db = await sqlite.create();
  const srv = await startTestServer(db, {policy: {loginFreeFailures: 3, loginMaxDelayMs: 1000, loginLockFailures: 6}});
  try {
    await (await srv.user('victim')).conn.close();
    const attacker = await srv.connect({from: from(2)});
    const took: number[] = [];
    for (let i = 0; i < 6; i++) {
      const start = Date.now();
      t.is(await refusal(attacker.request('login', {username: 'victim', password: `guess ${i}`})), 'INVALID_CREDENTIALS');
      took.push(Date.now() - start);
    }
    // Attempts 4, 5 and 6 wait 500, 1000 and 1000 ms (the cap) before their hash.
    t.true(took[3]! >= 500 && took[4]! >= 1000 && took[5]! >= 1000, took.join(' '));
    const locked = await attacker.request('login', {username: 'victim', password: PASSWORD}).catch((e) => e);
    t.is(locked.code, 'RATE_LIMITED', 'even the right password, from the guessing address');
    t.true(locked.details.retryAfter > 0);
    const owner = await srv.connect({from: from(3)});
    t.is((await owner.request('login', {username: 'victim', password: PASSWORD})).user.username, 'victim');
  } finally {
    await srv.stop();
    await db.drop();
  }
});

test('guesses for one name from many machines at once are counted as they start and slowed, and the owner still gets in', async (t) => {
  const db = await sqlite.create();
  const srv = await startTestServer(db, {policy: {loginFreeFailures: 2, loginMaxDelayMs: 300}});
  try {
    await (await srv.user('victim')).conn.close();
    const attackers = await Promise.all(Array.from({length: 8}, (_, i) => srv.connect({from: from(20 + i)})));
    const start = Date.now();
    const guesses = attackers.map((c, i) => outcome(c.request('login', {username: 'victim', password: `guess ${i}`})));
    const owner = await srv.connect({from: from(3)});
    t.is((await owner.request('login', {username: 'victim', password: PASSWORD})).user.username, 'victim');
    t.deepEqual(await Promise.all(guesses), Array(8).fill('INVALID_CREDENTIALS'));
    // Counted when they started: when its turn came, each saw the others' failures and waited
    // the cap (300 ms) before its hash, one after another; the owner's wait is bounded by them.
    t.true(Date.now() - start >= 8 * 300, `${Date.now() - start} ms`);
  } finally {
    await srv.stop();
    await db.drop();
  }
});

test('registrations sent at once from one address stop at the limit; losing ones count too', async (t) => {
  const db = await sqlite.create();
  const srv = await startTestServer(db, {policy: {registrationsPerAddress: 10}});
  try {
    const clients = await Promise.all(Array.from({length: 45}, () => srv.connect({from: from(2)})));
    const results = await Promise.all(clients.map((c, i) => outcome(c.request('register', {username: `user${i}`, alias: `User ${i}`, password: PASSWORD}))));
    t.is(results.filter((r) => r === 'OK').length, 10);
    t.is(results.filter((r) => r === 'RATE_LIMITED').length, 35);
    const refused = await clients[0]!.request('register', {username: 'more', alias: 'More', password: PASSWORD}).catch((e) => e);
    t.is(refused.code, 'RATE_LIMITED');
    t.true(refused.details.retryAfter > 3000 && refused.details.retryAfter <= 3600, "says when, in seconds: the rest of the hour");
    t.is((await db.query('SELECT client_id FROM clients')).length, 10);

    // Twelve at once for one name: one wins, the losers each cost a hash and are counted.
    const others = await Promise.all(Array.from({length: 12}, () => srv.connect({from: from(3)})));
    const same = await Promise.all(others.map((c) => outcome(c.request('register', {username: 'twin', alias: 'Twin', password: PASSWORD}))));
    t.deepEqual([same.filter((r) => r === 'OK').length, same.filter((r) => r === 'USERNAME_TAKEN').length, same.filter((r) => r === 'RATE_LIMITED').length], [1, 9, 2]);
    t.is(await outcome(others[0]!.request('register', {username: 'late', alias: 'Late', password: PASSWORD})), 'RATE_LIMITED');
    const elsewhere = await srv.connect({from: from(4)});
    t.is(await outcome(elsewhere.request('register', {username: 'late', alias: 'Late', password: PASSWORD})), 'OK', 'another address is not affected');
  } finally {
    await srv.stop();
    await db.drop();
  }
});

eachBackend('logging in in a loop is limited per account and per address, and only the newest sessions stay', async (t, db) => {
  const srv = await startTestServer(db, {policy: {loginsPerAccountPerMinute: 4, loginsPerAddressPerMinute: 6, maxSessionsPerAccount: 2}});
  // Accounts made from an address of their own: registering is not logging in.
  const registrar = await srv.connect({from: from(9)});
  const account = (username: string) => registrar.request('register', {username, alias: username, password: PASSWORD});
  try {
    await (await srv.user('looper')).conn.close();
    const tokens: string[] = [];
    const results: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await srv.connect({from: from(2)});
      results.push(await c.request('login', {username: 'looper', password: PASSWORD}).then((r) => (tokens.push(r.token), 'OK'), (e) => e.code));
      await c.conn.close();
    }
    // The registration's own login counted once, from 127.0.0.1.
    t.deepEqual(results, ['OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    const rows = await db.query<{n: number | bigint}>("SELECT COUNT(*) AS n FROM sessions s JOIN clients c ON c.client_id = s.client_id WHERE c.username = 'looper'");
    t.is(Number(rows[0]?.n), 2);
    const again = await srv.connect({from: from(2)});
    t.is(await refusal(again.request('resume', {token: tokens[0]!})), 'INVALID_TOKEN', 'the oldest sessions went');
    t.truthy((await again.request('resume', {token: tokens[2]!})).user, 'the newest stay');

    for (let i = 0; i < 5; i++) await account(`worker${i}`);
    const office: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await srv.connect({from: from(3)});
      office.push(await outcome(c.request('login', {username: `worker${i}`, password: PASSWORD})));
    }
    t.deepEqual(office, ['OK', 'OK', 'OK', 'OK', 'OK']);
    const c = await srv.connect({from: from(3)});
    await account('sixth');
    const seventh = await srv.connect({from: from(3)});
    t.is(await outcome(c.request('login', {username: 'worker0', password: PASSWORD})), 'OK', 'six per minute from one address');
    t.is(await refusal(seventh.request('login', {username: 'sixth', password: PASSWORD})), 'RATE_LIMITED');
  } finally {
    await srv.stop();
  }
});

eachBackend('aliases that look like another, draw nothing or pile up marks are refused', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    await srv.user('admin', 'Admin');
    const c = await srv.connect();
    const register = (alias: string, n: number) => outcome(c.request('register', {username: `u${n}`, alias, password: PASSWORD}));
    t.is(await register('\u0410dmin', 1), 'ALIAS_TAKEN', 'a Cyrillic А for a Latin A');
    t.is(await register('\u3164', 3), 'BAD_REQUEST', 'a Hangul filler draws nothing');
    t.is(await register('\u0301\u0301\u0301', 4), 'BAD_REQUEST', 'marks with no letter');
    t.is(await register('a' + '\u0301'.repeat(31), 5), 'BAD_REQUEST', 'a letter under 31 marks');
    t.is(await register('Nguyễn Văn', 6), 'OK', 'accents people use are fine');
    t.is(await register('nguyen van', 7), 'ALIAS_TAKEN');
  } finally {
    await srv.stop();
  }
});
