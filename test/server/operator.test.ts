/**
 * The operator's side on the server: kicks with durations and reasons, bans with reasons,
 * lifting them, the audit log, and the console commands that show them.
 */
import {runCommand} from '../../source/console/commands.js';
import {translator} from '../../source/i18n/index.js';
import {parseDuration} from '../../source/server/moderation.js';
import test from 'ava';
import {eachBackend} from '../helpers/each-backend.js';
import {OPERATOR, PASSWORD, eventually, refusal, startTestServer} from '../helpers/server.js';

type AuditRow = {actor: string; via: string; action: string; target_user: string | null; target_salon: string | null; reason: string | null; outcome: string; detail: string | null};

const auditRows = (db: {query<T>(sql: string): Promise<T[]>}) =>
  db.query<AuditRow>('SELECT actor, via, action, target_user, target_salon, reason, outcome, detail FROM audit_log ORDER BY audit_id');

test('durations read as operators type them, and nothing else', (t) => {
  t.is(parseDuration('90s'), 90_000);
  t.is(parseDuration('30m'), 1_800_000);
  t.is(parseDuration('30'), 1_800_000);
  t.is(parseDuration('2h'), 7_200_000);
  t.is(parseDuration('1d'), 86_400_000);
  t.is(parseDuration('1j'), 86_400_000);
  t.is(parseDuration('1w'), 7 * 86_400_000);
  for (const bad of ['', '0', '0m', 'soon', '5 minutes', '-5m', '400d', '1.5h']) t.is(parseDuration(bad), undefined, bad);
});

eachBackend('a kick with a duration and a reason: the user is told both, BLOCKS shows the time left, UNBLOCK ends it early, and each act is audited', async (t, db) => {
  let now = Date.parse('2026-03-02T09:00:00Z');
  const srv = await startTestServer(db, {clock: () => now});
  try {
    const mod = await srv.moderator('admin');
    const victim = await srv.user('bob');
    const kicked = await mod.request('kick', {username: 'bob', seconds: 1800, reason: 'flooding Général'});
    t.like(kicked, {username: 'bob', minutes: 30, until: now + 1_800_000, reason: 'flooding Général'});
    const told = await victim.waitFor('kicked');
    t.like(told, {minutes: 30, until: now + 1_800_000, reason: 'flooding Général'});
    await victim.closed;

    const again = await srv.connect();
    const error = (await again.request("login", {username: "bob", password: PASSWORD}).catch((e: unknown) => e)) as {code: string; details: Record<string, unknown>};
    t.is(error.code, 'KICKED');
    t.like(error.details, {retryAfter: 1800, reason: 'flooding Général'});

    now += 10 * 60_000;
    const {blocks, now: serverNow} = await mod.request('blocks', {});
    t.deepEqual(blocks, [{username: 'bob', kind: 'kick', until: serverNow + 20 * 60_000, reason: 'flooding Général'}]);
    const printed: string[] = [];
    const deps = {moderation: srv.server.moderation, t: translator('en'), print: (l: string) => printed.push(l), operator: 'root', kill: async () => {}};
    await runCommand(deps, 'BLOCKS');
    t.regex(printed.join('\n'), /bob: kicked, 20 min 00 s left .*"flooding Général"/);

    t.deepEqual(await mod.request('lift', {username: 'bob'}), {username: 'bob', was: 'kick'});
    t.true(srv.notices.some((n) => n.kind === 'block_ended' && n.username === 'bob' && n.early));
    t.is((await again.request('login', {username: 'bob', password: PASSWORD})).user.username, 'bob');
    t.is(await refusal(mod.request('lift', {username: 'bob'})), 'UNKNOWN_USER');
    t.is(await refusal(mod.request('kick', {username: 'nobody'})), 'UNKNOWN_USER');

    const rows = await auditRows(db);
    t.deepEqual(
      rows.map((r) => [r.actor, r.via, r.action, r.target_user, r.reason, r.outcome]),
      [
        ['admin', 'client', 'kick', 'bob', 'flooding Général', 'ok'],
        ['admin', 'client', 'unblock', 'bob', null, 'ok'],
        ['admin', 'client', 'unban', 'bob', null, 'UNKNOWN_USER'],
        ['admin', 'client', 'kick', 'nobody', null, 'UNKNOWN_USER'],
      ],
    );
    t.deepEqual(JSON.parse(rows[0]!.detail ?? '{}'), {until: Date.parse('2026-03-02T09:30:00Z')});
  } finally {
    await srv.stop();
  }
});

eachBackend('a kick ends by itself: the console says so and the user signs in again', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    await srv.user('carl');
    await srv.server.moderation.kick('carl', {durationMs: 300}, OPERATOR);
    const ended = await eventually(async () => srv.notices.find((n) => n.kind === 'block_ended' && n.username === 'carl'));
    t.like(ended, {early: false});
    t.deepEqual(await srv.server.moderation.blocks(), []);
    const client = await srv.connect();
    t.is((await client.request('login', {username: 'carl', password: PASSWORD})).user.username, 'carl');
  } finally {
    await srv.stop();
  }
});

eachBackend('a ban with a reason: the user is told why, the name is listed with it, and UNBLOCK lets the name be registered again', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const mod = await srv.moderator('admin');
    const victim = await srv.user('spam');
    await mod.request('ban', {username: 'spam', reason: 'selling watches'});
    t.like(await victim.waitFor('banned'), {reason: 'selling watches'});
    t.deepEqual((await mod.request('blocks', {})).blocks, [{username: 'spam', kind: 'ban', until: null, reason: 'selling watches'}]);
    const guest = await srv.connect();
    t.is(await refusal(guest.request('register', {username: 'spam', alias: 'Spam again', password: PASSWORD})), 'USERNAME_BANNED');

    const printed: string[] = [];
    const deps = {moderation: srv.server.moderation, t: translator('en'), print: (l: string) => printed.push(l), operator: 'root', kill: async () => {}};
    await runCommand(deps, 'UNBLOCK:spam');
    t.deepEqual(printed, ['The name spam is no longer banned.']);
    await guest.request('register', {username: 'spam', alias: 'Spam again', password: PASSWORD});
    t.deepEqual((await auditRows(db)).map((r) => [r.actor, r.via, r.action, r.target_user, r.reason, r.outcome]), [
      ['admin', 'client', 'ban', 'spam', 'selling watches', 'ok'],
      ['root', 'console', 'unban', 'spam', null, 'ok'],
    ]);
  } finally {
    await srv.stop();
  }
});

eachBackend('the console: KICK takes a duration and a reason with colons, AUDIT lists acts by user and by salon, and every act is recorded with its node', async (t, db) => {
  const srv = await startTestServer(db, {node: 'node-a'});
  try {
    await srv.user('dora');
    const eve = await srv.user('eve');
    await eve.request('join', {salon: 'Marketing'});
    const printed: string[] = [];
    const deps = {moderation: srv.server.moderation, t: translator('fr'), print: (l: string) => printed.push(l), operator: 'root', kill: async () => {}};
    await runCommand(deps, 'KICK:dora:2h:voir le ticket: #42');
    t.regex(printed.pop() ?? '', /^dora expulsé jusqu'au .* \(2 h 00 min\)\.$/);
    await runCommand(deps, 'KICK:dora:hors sujet');
    t.is((await srv.store.findUser('dora'))?.kickReason, 'hors sujet');
    await runCommand(deps, 'KICK:dora:bientôt:raison');
    t.regex(printed.pop() ?? '', /Durée invalide : bientôt/);
    await runCommand(deps, 'ACCEPT:eve:Marketing');
    await runCommand(deps, 'CREATE:Projets');
    await runCommand(deps, 'ARCHIVE:Projets');
    await runCommand(deps, 'REJECT:eve:Comptabilité');
    printed.length = 0;
    await runCommand(deps, 'AUDIT:dora');
    t.is(printed.length, 2);
    t.true(printed.every((l) => / node-a {2}root@console {2}kick dora /.test(l)));
    t.regex(printed[0] ?? '', /"voir le ticket: #42" {2}ok$/);
    printed.length = 0;
    await runCommand(deps, 'AUDIT:Projets');
    t.deepEqual(printed.map((l) => l.replace(/^.*root@console {2}/, '')), ['salon_create #Projets  ok', 'salon_archive #Projets  ok']);
    printed.length = 0;
    await runCommand(deps, 'AUDIT:3');
    t.deepEqual(printed.map((l) => l.replace(/^.*root@console {2}/, '')), ['salon_create #Projets  ok', 'salon_archive #Projets  ok', 'reject eve #Comptabilité  NO_PENDING_REQUEST']);
    const rows = await db.query<{node: string}>('SELECT DISTINCT node FROM audit_log');
    t.deepEqual(rows.map((r) => r.node), ['node-a']);
  } finally {
    await srv.stop();
  }
});

eachBackend("a moderator deleting someone else's message is audited; an author deleting their own is not", async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const mod = await srv.moderator('admin');
    const alice = await srv.user('alice');
    const a = await alice.request('send', {salon: 1, text: 'oops, wrong salon'});
    const b = await alice.request('send', {salon: 1, text: 'my own mistake'});
    await alice.request('delete', {salon: 1, seq: b.message.seq});
    await mod.request('delete', {salon: 1, seq: a.message.seq});
    const rows = await auditRows(db);
    t.deepEqual(rows.map((r) => [r.actor, r.action, r.target_user, r.target_salon, r.outcome]), [['admin', 'delete_message', 'alice', 'Général', 'ok']]);
    t.deepEqual(JSON.parse(rows[0]!.detail ?? '{}'), {seq: a.message.seq});
  } finally {
    await srv.stop();
  }
});

eachBackend('kicks sent at once by two moderators leave one kick in force and one record each', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const [m1, m2] = await Promise.all([srv.moderator('mod1'), srv.moderator('mod2')]);
    await srv.user('fay');
    const results = await Promise.all([m1!.request('kick', {username: 'fay', seconds: 600, reason: 'one'}), m2!.request('kick', {username: 'fay', seconds: 60, reason: 'two'})]);
    t.is(results.length, 2);
    const blocks = await srv.server.moderation.blocks();
    t.is(blocks.length, 1);
    const stored = await srv.store.findUser('fay');
    // The store and the live model agree on whichever kick landed last.
    t.is(stored?.kickedUntil, blocks[0]?.until);
    t.is(stored?.kickReason, blocks[0]?.reason);
    t.deepEqual((await auditRows(db)).map((r) => r.action).sort(), ['kick', 'kick']);
  } finally {
    await srv.stop();
  }
});
