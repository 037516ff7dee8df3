import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, eventually, refusal, startTestServer} from '../helpers/server.js';

eachBackend('a new user registers, is a member of Général, logs in and out, and status follows', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const client = await srv.connect();
    const registered = await client.request('register', {username: 'exemple', alias: 'Exemple', password: PASSWORD});
    t.deepEqual(registered, {user: {username: 'exemple', alias: 'Exemple'}});
    const [row] = await db.query<{status: string; password_hash: string}>("SELECT status, password_hash FROM clients WHERE username = 'exemple'");
    t.is(row?.status, 'disconnected');
    t.regex(row?.password_hash ?? '', /^scrypt\$/, 'the password rests as a salted slow hash');

    const login = await client.request('login', {username: 'exemple', password: PASSWORD});
    t.is(login.user.username, 'exemple');
    t.is(typeof login.token, 'string');
    t.like(login.salons[0], {name: 'Général', state: 'member'});
    t.deepEqual(login.salons.map((s: {name: string}) => s.name), ['Général', 'Blabla', 'Comptabilité', 'Informatique', 'Marketing']);
    const status = async () => (await db.query<{status: string}>("SELECT status FROM clients WHERE username = 'exemple'"))[0]?.status;
    // Status changes are written in small batches, a moment after they happen.
    t.is(await eventually(async () => (await status()) === 'connected' && 'connected'), 'connected');

    await client.request('logout', {});
    t.is(await eventually(async () => (await status()) === 'disconnected' && 'disconnected'), 'disconnected');
    t.is(await refusal(client.request('salons', {})), 'NOT_AUTHENTICATED', 'a logged-out connection can do nothing');
    t.is(await refusal(client.request('resume', {token: login.token})), 'INVALID_TOKEN', 'logout revokes the token');
  } finally {
    await srv.stop();
  }
});

eachBackend('registration refuses taken usernames and aliases (any case) and says which', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const client = await srv.connect();
    await client.request('register', {username: 'toto', alias: 'Toto', password: PASSWORD});
    t.is(await refusal(client.request('register', {username: 'TOTO', alias: 'Other', password: PASSWORD})), 'USERNAME_TAKEN');
    t.is(await refusal(client.request('register', {username: 'titi', alias: 'toto', password: PASSWORD})), 'ALIAS_TAKEN');
    await client.request('register', {username: 'helene', alias: 'Hélène', password: PASSWORD});
    for (const alias of ['helene', 'HÉLÈNE', 'Hélène']) {
      t.is(await refusal(client.request('register', {username: 'other', alias, password: PASSWORD})), 'ALIAS_TAKEN', `${alias} is Hélène`);
    }
    t.is(await refusal(client.request('register', {username: 'x', alias: 'X', password: PASSWORD})), 'BAD_REQUEST', 'too short');
    t.is(await refusal(client.request('register', {username: 'ti ti', alias: 'X', password: PASSWORD})), 'BAD_REQUEST');
    t.is(await refusal(client.request('register', {username: 'titi', alias: 'Titi', password: 'short'})), 'BAD_REQUEST');
    const [count] = await db.query<{n: number}>('SELECT COUNT(*) AS n FROM clients');
    t.is(Number(count?.n), 2, 'nothing was stored for the refused registrations');
  } finally {
    await srv.stop();
  }
});

eachBackend('wrong passwords and unknown users get the same refusal', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    await srv.user('alice');
    const client = await srv.connect();
    t.is(await refusal(client.request('login', {username: 'alice', password: 'wrong password'})), 'INVALID_CREDENTIALS');
    t.is(await refusal(client.request('login', {username: 'nobody', password: PASSWORD})), 'INVALID_CREDENTIALS');
    await client.request('login', {username: 'ALICE', password: PASSWORD});
    t.is(await refusal(client.request('login', {username: 'alice', password: PASSWORD})), 'ALREADY_AUTHENTICATED');
  } finally {
    await srv.stop();
  }
});

eachBackend('a session token resumes the login after a reconnect, without the password', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const first = await srv.connect();
    await first.request('register', {username: 'bob', alias: 'Bob', password: PASSWORD});
    const {token} = await first.request('login', {username: 'bob', password: PASSWORD});
    await first.conn.close();
    const second = await srv.connect();
    const resumed = await second.request('resume', {token});
    t.is(resumed.user.username, 'bob');
    t.is(await refusal((await srv.connect()).request('resume', {token: 'forged'})), 'INVALID_TOKEN');
  } finally {
    await srv.stop();
  }
});

eachBackend('stale connected rows are reset when the server starts', async (t, db) => {
  const srv = await startTestServer(db);
  await srv.user('carol');
  await srv.stop();
  await db.query("UPDATE clients SET status = 'connected'");
  const again = await startTestServer(db);
  try {
    const rows = await db.query<{status: string}>('SELECT status FROM clients');
    t.true(rows.length > 0);
    t.true(rows.every((r) => r.status === 'disconnected'));
    t.is((await again.server.hub.user('carol'))?.username, 'carol', 'accounts survive the restart');
  } finally {
    await again.stop();
  }
});

eachBackend('the handshake comes first and other versions are refused', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const raw = await srv.connect({hello: false});
    t.is(await refusal(raw.request('login', {username: 'a', password: 'b'})), 'HELLO_REQUIRED');
    t.is(await refusal(raw.request('hello', {version: 99})), 'UNSUPPORTED_VERSION');
    const hello = await raw.request('hello', {version: 1});
    t.is(hello.version, 1);
    t.is(hello.limits.maxFrameBytes, 65536);
  } finally {
    await srv.stop();
  }
});
