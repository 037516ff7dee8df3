/**
 * Incoming webhooks through real HTTP requests to a real server: every answer code, the
 * fields Slack and Mattermost senders use, idempotency (also for posts sent at once), the
 * bot mark, revocation. Both backends.
 */
import {join} from 'node:path';
import test from 'ava';
import SQLite from 'better-sqlite3';
import {backends} from '../helpers/backends.js';
import {eachBackend} from '../helpers/each-backend.js';
import {OPERATOR, PASSWORD, refusal, startTestServer} from '../helpers/server.js';

async function post(url: string, body: string, headers: Record<string, string> = {'Content-Type': 'application/json'}) {
  const res = await fetch(url, {method: 'POST', body, headers});
  return {status: res.status, body: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get('retry-after')};
}

eachBackend('a hook posts into its salon as a bot, once per sendId, and every member sees it live', async (t, db) => {
  const srv = await startTestServer(db, {http: {port: 0}});
  try {
    const alice = await srv.user('alice');
    const {secret} = await srv.server.moderation.createHook('Général', 'CI', OPERATOR);
    const url = `http://127.0.0.1:${srv.server.http?.port}/hooks/${secret}`;

    const ok = await post(url, JSON.stringify({text: 'Build 42 passed', sendId: 'build-42'}));
    t.is(ok.status, 200);
    t.like(ok.body, {salon: 1, seq: 1});
    const live = await alice.waitFor('message', (e) => e.text === 'Build 42 passed');
    t.like(live, {alias: 'CI', bot: true});
    // A retried post, and a retry sent with the header instead.
    t.deepEqual((await post(url, JSON.stringify({text: 'Build 42 passed', sendId: 'build-42'}))).body, ok.body);
    const keyed = await Promise.all([1, 2, 3].map(() => post(url, JSON.stringify({text: 'deploy done'}), {'Content-Type': 'application/json', 'Idempotency-Key': 'deploy-7'})));
    t.is(new Set(keyed.map((r) => r.body.id)).size, 1, 'three posts at once with one key: one message');
    // Slack's form body, and its username field naming the sender.
    const form = await post(url, `payload=${encodeURIComponent(JSON.stringify({text: 'disk 91 % full', username: 'monitoring'}))}`, {'Content-Type': 'application/x-www-form-urlencoded'});
    t.is(form.status, 200);
    const page = await alice.request('history', {salon: 1});
    t.deepEqual(
      page.messages.map((m) => [m.text, m.alias, m.bot]),
      [
        ['Build 42 passed', 'CI', true],
        ['deploy done', 'CI', true],
        ['disk 91 % full', 'monitoring', true],
      ],
    );
    // The webhook's account is nobody's to sign in as, and is in nobody's way.
    const [row] = await db.query<{username: string}>("SELECT username FROM clients WHERE role = 'hook'");
    const guest = await srv.connect();
    t.is(await refusal(guest.request('login', {username: row!.username, password: PASSWORD})), 'INVALID_CREDENTIALS');
    t.false((await alice.request('members', {salon: 1})).members.some((m) => m.alias === 'CI'));
  } finally {
    await srv.stop();
  }
});

eachBackend('a hook answers 400, 404, 405, 413 and 429 with a reason, and stores nothing then', async (t, db) => {
  const srv = await startTestServer(db, {http: {port: 0, rate: {perSecond: 0.001, burst: 4}}});
  try {
    const {secret} = await srv.server.moderation.createHook('Blabla', 'Cron', OPERATOR);
    const base = `http://127.0.0.1:${srv.server.http?.port}/hooks`;
    const url = `${base}/${secret}`;
    t.is((await post(`${base}/not-a-secret`, '{"text":"x"}')).status, 404);
    t.is((await fetch(url)).status, 405);
    t.is((await post(url, 'x'.repeat(40_000))).status, 413);
    const bad = await post(url, 'not json');
    t.like(bad, {status: 400, body: {error: 'body is not a JSON object'}});
    // Four posts allowed (the burst): the 413 and the 400 above took two; of three sent at
    // once, two get their 400 and one is refused for the rate.
    const answers = await Promise.all([
      post(url, JSON.stringify({text: ''})),
      post(url, JSON.stringify({text: 'ligne\u0007bip'})),
      post(url, JSON.stringify({text: 'x'.repeat(4001)})),
    ]);
    t.deepEqual(answers.map((a) => a.status).sort(), [400, 400, 429]);
    t.truthy(answers.find((a) => a.status === 429)?.retryAfter, 'Retry-After');
    t.is((await db.query<{n: number}>('SELECT COUNT(*) AS n FROM messages')).map((r) => Number(r.n))[0], 0);
    t.is(await srv.server.moderation.revokeHook('Cron', OPERATOR), 1);
    t.deepEqual(await post(url, JSON.stringify({text: 'late'})), {status: 404, body: {error: 'not found'}, retryAfter: null}, 'revoked: as unknown');
    t.deepEqual((await srv.server.moderation.hooks()).map((h) => [h.name, h.salon, h.revoked]), [['Cron', 'Blabla', true]]);
  } finally {
    await srv.stop();
  }
});

eachBackend('a hook\'s text follows the send rules: empty, control characters and too long are 400', async (t, db) => {
  const srv = await startTestServer(db, {http: {port: 0}});
  try {
    const {secret} = await srv.server.moderation.createHook('Général', 'Bot', OPERATOR);
    const url = `http://127.0.0.1:${srv.server.http?.port}/hooks/${secret}`;
    for (const text of ['', '   ', 'bip\u0007', 'x'.repeat(4001)]) t.is((await post(url, JSON.stringify({text}))).status, 400, JSON.stringify(text.slice(0, 10)));
    t.is((await post(url, JSON.stringify({text: 'ok', sendId: 'a\u0000b'}))).status, 400);
    t.is((await post(url, JSON.stringify({})).then((r) => r.status)), 400);
    t.is((await db.query<{n: number}>('SELECT COUNT(*) AS n FROM messages')).map((r) => Number(r.n))[0], 0);
  } finally {
    await srv.stop();
  }
});

test('a hook answers 503 while the database is unavailable, and the post stored nothing', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db, {http: {port: 0}});
  const locker = new SQLite(join(db.dataDir, 'chat.sqlite'));
  try {
    const {secret} = await srv.server.moderation.createHook('Général', 'CI', OPERATOR);
    const url = `http://127.0.0.1:${srv.server.http?.port}/hooks/${secret}`;
    // Another process holds the write lock for longer than the server waits for it (2 s).
    locker.exec('BEGIN EXCLUSIVE');
    const refused = await post(url, JSON.stringify({text: 'pendant la panne', sendId: 'p-1'}));
    t.like(refused, {status: 503, retryAfter: '5'});
    locker.exec('ROLLBACK');
    t.is((await db.query<{n: number}>('SELECT COUNT(*) AS n FROM messages')).map((r) => Number(r.n))[0], 0);
    t.is((await post(url, JSON.stringify({text: 'pendant la panne', sendId: 'p-1'}))).status, 200, 'the retry is stored');
  } finally {
    locker.close();
    await srv.stop();
    await db.drop();
  }
});
