/**
 * What SECURITY.md and PROTOCOL.md promise of sessions and of getting a connection to a
 * logged-in user, through real TCP on both backends: session tokens last 30 days from the
 * login, `resume` does not extend them, only their SHA-256 is stored; the original's SHA-256
 * password digest is replaced by scrypt at the first login; a second `hello` and logging in
 * again after `logout`; the details of UNSUPPORTED_VERSION and KICKED.
 */
import {createHash} from 'node:crypto';
import {eachBackend} from '../helpers/each-backend.js';
import {OPERATOR, PASSWORD, refusal, startTestServer} from '../helpers/server.js';

const DAY = 24 * 3600_000;

eachBackend('a session token resumes for 30 days after the login, resuming does not extend it, and only its SHA-256 is stored', async (t, db) => {
  let now = Date.parse('2026-03-01T08:00:00Z');
  const srv = await startTestServer(db, {clock: () => now});
  try {
    await srv.user('alice');
    const {token} = await (await srv.connect()).request('login', {username: 'alice', password: PASSWORD});

    // What rests in the database: the token's SHA-256 and its expiry, never the token.
    const rows = await db.query<Record<string, unknown>>('SELECT * FROM sessions');
    const stored = rows.map((r) => Object.values(r).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v))).join(' '));
    t.true(stored.some((r) => r.includes(createHash('sha256').update(token).digest('hex'))), 'the SHA-256 of the token is stored');
    t.false(stored.some((r) => r.includes(token)), 'the token itself is not');

    // Resumed on day 20: still good, and the expiry stays 30 days after the login.
    now += 20 * DAY;
    t.is((await (await srv.connect()).request('resume', {token})).user.username, 'alice');
    now += 10 * DAY - 60_000;
    t.is((await (await srv.connect()).request('resume', {token})).user.username, 'alice', 'one minute before the 30 days');
    now += 2 * 60_000;
    t.is(await refusal((await srv.connect()).request('resume', {token})), 'INVALID_TOKEN', 'one minute after: expired, although resumed on day 20 and day 30');
    // A fresh login gives a fresh 30 days.
    const again = await (await srv.connect()).request('login', {username: 'alice', password: PASSWORD});
    now += 29 * DAY;
    t.is((await (await srv.connect()).request('resume', {token: again.token})).user.username, 'alice');
  } finally {
    await srv.stop();
  }
});

eachBackend("the original's SHA-256 password is replaced by scrypt in the database at the first login, and keeps working", async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const digest = createHash('sha256').update('vieux mot de passe', 'utf8').digest('hex');
    await srv.store.createUser({username: 'ancien', alias: 'Ancien', passwordHash: digest, role: 'user', ts: Date.now()});
    const record = await srv.store.findUser('ancien');
    const {passwordHash: _, ...user} = record!;
    srv.server.hub.publish({kind: 'user_added', user});
    const stored = async () => {
      const [row] = await db.query<{password_hash: unknown}>("SELECT password_hash FROM clients WHERE username = 'ancien'");
      return Buffer.isBuffer(row?.password_hash) ? row.password_hash.toString('utf8') : String(row?.password_hash);
    };
    t.is(await stored(), digest, 'as the original left it');

    const client = await srv.connect();
    t.is(await refusal(client.request('login', {username: 'ancien', password: 'wrong password'})), 'INVALID_CREDENTIALS');
    t.is(await stored(), digest, 'a wrong password changes nothing');
    await client.request('login', {username: 'ancien', password: 'vieux mot de passe'});
    const upgraded = await stored();
    t.regex(upgraded, /^scrypt\$16384\$8\$1\$/, 'salted scrypt now');
    t.false(upgraded.includes(digest));
    await client.request('logout', {});
    await client.request('login', {username: 'ancien', password: 'vieux mot de passe'});
    t.is(await stored(), upgraded, 'upgraded once: the next login verifies the scrypt hash and leaves it');
  } finally {
    await srv.stop();
  }
});

eachBackend('logout revokes the token; the same connection can log in again, and hello again changes nothing', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    await srv.user('bob');
    const client = await srv.connect();
    const {token} = await client.request('login', {username: 'bob', password: PASSWORD});
    // A second hello on a logged-in connection: answered, and the session stays.
    const hello = await client.request('hello', {version: 1});
    t.is(hello.version, 1);
    t.is((await client.request('salons', {})).salons[0]?.name, 'Général', 'still logged in after a second hello');
    t.is(await refusal(client.request('login', {username: 'bob', password: PASSWORD})), 'ALREADY_AUTHENTICATED');

    await client.request('logout', {});
    t.is(await refusal(client.request('salons', {})), 'NOT_AUTHENTICATED', 'logged out');
    t.is(await refusal((await srv.connect()).request('resume', {token})), 'INVALID_TOKEN', 'the token is revoked');
    // The same connection, without a new hello, logs in again and works.
    const again = await client.request('login', {username: 'bob', password: PASSWORD});
    t.not(again.token, token);
    const {message} = await client.request('send', {salon: 1, text: 'de retour'});
    t.is(message.author, 'bob');
    // hello with an unknown version: refused with the versions the server speaks, and the
    // connection still works.
    const refused = await client.request('hello', {version: 2}).catch((e: {code: string; details?: unknown}) => e);
    t.like(refused, {code: 'UNSUPPORTED_VERSION', details: {supported: [1]}});
    t.truthy((await client.request('ping', {})).time);
  } finally {
    await srv.stop();
  }
});

eachBackend('a kicked user is told until when: KICKED carries retryAfter (seconds, rounded up) and until (ms)', async (t, db) => {
  let now = Date.parse('2026-03-01T08:00:00.000Z');
  const srv = await startTestServer(db, {clock: () => now});
  try {
    await srv.user('carl');
    await srv.server.moderation.kick('carl', {}, OPERATOR);
    const until = now + 5 * 60_000;
    now += 100_500; // 199.5 s left
    const error = await (await srv.connect()).request('login', {username: 'carl', password: PASSWORD}).catch((e: {code: string; details?: unknown}) => e);
    t.like(error, {code: 'KICKED', details: {retryAfter: 200, until}});
  } finally {
    await srv.stop();
  }
});
