import {eachBackend} from '../helpers/each-backend.js';
import {OPERATOR, PASSWORD, refusal, startTestServer} from '../helpers/server.js';

eachBackend('KICK disconnects the user, tells them for how long, and refuses them for 5 minutes', async (t, db) => {
  let now = Date.parse('2026-01-05T09:00:00Z');
  const srv = await startTestServer(db, {clock: () => now});
  try {
    const mod = await srv.moderator('admin');
    const victim = await srv.connect();
    await victim.request('register', {username: 'exemple', alias: 'Exemple', password: PASSWORD});
    const {token} = await victim.request('login', {username: 'exemple', password: PASSWORD});
    const result = await mod.request('kick', {username: 'exemple'});
    t.is(result.minutes, 5);
    const told = await victim.waitFor('kicked');
    t.is(told.minutes, 5);
    await victim.closed;

    const again = await srv.connect();
    const error = await again.request('login', {username: 'exemple', password: PASSWORD}).catch((e) => e);
    t.is(error.code, 'KICKED');
    t.is(error.details.retryAfter, 300);
    t.is(await refusal(again.request('resume', {token})), 'INVALID_TOKEN', 'the kick revoked the session token');
    now += 5 * 60_000 + 1;
    const login = await again.request('login', {username: 'exemple', password: PASSWORD});
    t.is(login.user.username, 'exemple');
  } finally {
    await srv.stop();
  }
});

eachBackend('a kick survives a server restart', async (t, db) => {
  const srv = await startTestServer(db);
  await srv.user('exemple');
  await srv.server.moderation.kick('exemple', {}, OPERATOR);
  await srv.stop();
  const again = await startTestServer(db);
  try {
    const client = await again.connect();
    t.is(await refusal(client.request('login', {username: 'exemple', password: PASSWORD})), 'KICKED');
  } finally {
    await again.stop();
  }
});

eachBackend('BAN disconnects for good: account and memberships deleted, name refused, messages kept', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const mod = await srv.moderator('admin');
    const victim = await srv.user('spammer');
    await victim.request('join', {salon: 'Blabla'});
    await victim.request('join', {salon: 'Marketing'});
    await victim.request('send', {salon: 1, text: 'buy now'});
    t.is(await refusal(victim.request('ban', {username: 'admin'})), 'FORBIDDEN');
    await mod.request('ban', {username: 'spammer'});
    await victim.waitFor('banned');
    await victim.closed;
    t.is((await db.query("SELECT client_id FROM clients WHERE username = 'spammer'")).length, 0);
    t.is((await db.query("SELECT id FROM salons_adheres WHERE username = 'spammer'")).length, 0);
    t.is((await db.query('SELECT request_id FROM join_requests')).length, 0);
    const kept = await db.query<{contenu: string; author_alias: string}>('SELECT contenu, author_alias FROM messages');
    t.deepEqual(kept.map((r) => [r.contenu, r.author_alias]), [['buy now', 'Spammer']]);
    const client = await srv.connect();
    t.is(await refusal(client.request('login', {username: 'spammer', password: PASSWORD})), 'BANNED');
    t.is(await refusal(client.request('register', {username: 'Spammer', alias: 'Someone', password: PASSWORD})), 'USERNAME_BANNED');
    const {messages} = await mod.request('history', {salon: 1});
    t.like(messages[0], {author: null, alias: 'Spammer', text: 'buy now'});
    t.is(await refusal(mod.request('ban', {username: 'spammer'})), 'UNKNOWN_USER');
  } finally {
    await srv.stop();
  }
});
