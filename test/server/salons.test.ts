import {eachBackend} from '../helpers/each-backend.js';
import {OPERATOR, refusal, startTestServer} from '../helpers/server.js';

eachBackend('the salon list shows each salon with the caller state and the moderated flag', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const {salons} = await alice.request('salons', {});
    t.deepEqual(
      salons.map((s: {name: string; moderated: boolean; state: string}) => [s.name, s.moderated, s.state]),
      [
        ['Général', false, 'member'],
        ['Blabla', false, 'none'],
        ['Comptabilité', true, 'none'],
        ['Informatique', true, 'none'],
        ['Marketing', true, 'none'],
      ],
    );
  } finally {
    await srv.stop();
  }
});

eachBackend('joining Blabla is immediate, persisted, and other members see it live', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const bob = await srv.user('bob');
    await bob.request('join', {salon: 'Blabla'});
    const joined = await alice.request('join', {salon: 'blabla'});
    t.like(joined.salon, {name: 'Blabla', state: 'member'});
    await bob.waitFor('membership', (e) => e.username === 'alice' && e.salon === 2 && e.state === 'member');
    t.is(await refusal(alice.request('join', {salon: 2})), 'ALREADY_MEMBER');
    t.is(await refusal(alice.request('join', {salon: 'Cuisine'})), 'UNKNOWN_SALON');
    const rows = await db.query("SELECT salon_id FROM salons_adheres WHERE username = 'alice' ORDER BY salon_id");
    t.deepEqual(rows.map((r) => Number(r.salon_id)), [1, 2]);
    t.true(srv.notices.some((n) => n.kind === 'joined' && n.username === 'alice' && n.salonId === 2));
    const {members} = await bob.request('members', {salon: 'Blabla'});
    t.deepEqual(members.map((m: {username: string; online: boolean}) => [m.username, m.online]), [['alice', true], ['bob', true]]);
  } finally {
    await srv.stop();
  }
});

eachBackend('a moderated join waits for a moderator; accept reaches the user live', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const mod = await srv.moderator('admin');
    const user = await srv.user('exemple');
    const asked = await user.request('join', {salon: 'Comptabilité'});
    t.like(asked.salon, {name: 'Comptabilité', state: 'pending'});
    t.is(await refusal(user.request('join', {salon: 3})), 'ALREADY_PENDING');
    t.is(await refusal(user.request('history', {salon: 3})), 'NOT_MEMBER', 'a pending member cannot read');
    t.is(await refusal(user.request('send', {salon: 3, text: 'hello'})), 'NOT_MEMBER', 'nor write');
    const request = await mod.waitFor('join_request', (e) => e.username === 'exemple');
    t.is(request.salonName, 'Comptabilité');
    t.true(srv.notices.some((n) => n.kind === 'join_request' && n.salonName === 'Comptabilité'));
    t.is((await mod.request('pending', {})).requests.length, 1);

    t.is(await refusal(user.request('accept', {username: 'exemple', salon: 3})), 'FORBIDDEN', 'users cannot moderate');
    await mod.request('accept', {username: 'exemple', salon: 'comptabilite'});
    const accepted = await user.waitFor('membership', (e) => e.salon === 3 && e.state === 'member');
    t.is(accepted.reason, 'accepted');
    await user.request('send', {salon: 3, text: 'Merci !'});
    t.is((await mod.request('pending', {})).requests.length, 0);
    t.is(await refusal(mod.request('accept', {username: 'exemple', salon: 3})), 'ALREADY_MEMBER');
    t.is(await refusal(mod.request('accept', {username: 'ghost', salon: 3})), 'UNKNOWN_USER');
  } finally {
    await srv.stop();
  }
});

eachBackend('a rejected request is told live and leaves the salon locked', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const mod = await srv.moderator('server');
    const user = await srv.user('exemple');
    await user.request('join', {salon: 'Informatique'});
    t.is(await refusal(mod.request('reject', {username: 'exemple', salon: 'Marketing'})), 'NO_PENDING_REQUEST');
    await mod.request('reject', {username: 'exemple', salon: 'Informatique'});
    const refused = await user.waitFor('membership', (e) => e.salon === 4 && e.state === 'none');
    t.is(refused.reason, 'rejected');
    const {salons} = await user.request('salons', {});
    t.is(salons[3]?.state, 'none');
    t.is(await refusal(user.request('history', {salon: 4})), 'NOT_MEMBER');
    const rows = await db.query('SELECT COUNT(*) AS n FROM join_requests');
    t.is(Number(rows[0]?.n), 0);
  } finally {
    await srv.stop();
  }
});

eachBackend('a pending request survives a restart, and memberships persist across logins', async (t, db) => {
  const srv = await startTestServer(db);
  const user = await srv.user('exemple');
  await user.request('join', {salon: 'Blabla'});
  await user.request('join', {salon: 'Marketing'});
  await srv.stop();
  const again = await startTestServer(db);
  try {
    t.deepEqual(again.server.moderation.pending().map((r) => [r.username, r.salonName]), [['exemple', 'Marketing']]);
    const client = await again.connect();
    const login = await client.request('login', {username: 'exemple', password: 'correct horse battery'});
    t.deepEqual(login.salons.map((s: {state: string}) => s.state), ['member', 'member', 'none', 'none', 'pending']);
    await again.server.moderation.accept('exemple', 'Marketing', OPERATOR);
    await client.waitFor('membership', (e) => e.salon === 5 && e.state === 'member');
  } finally {
    await again.stop();
  }
});

eachBackend('read markers move forward only and reach the user\'s other connections', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const other = await srv.connect();
    await other.request('login', {username: 'alice', password: 'correct horse battery'});
    for (let i = 0; i < 3; i++) await alice.request('send', {salon: 1, text: `m${i}`});
    t.deepEqual(await alice.request('read', {salon: 1, seq: 2}), {salon: 1, seq: 2, n: 2});
    await other.waitFor('read', (e) => e.salon === 1 && e.seq === 2);
    t.deepEqual(await alice.request('read', {salon: 1, seq: 1}), {salon: 1, seq: 2, n: 2}, 'never backwards');
    t.deepEqual(await alice.request('read', {salon: 1, seq: 99}), {salon: 1, seq: 3, n: 3}, 'never past the last message');
    const {salons} = await other.request('salons', {});
    t.like(salons[0], {lastSeq: 3, readSeq: 3});
    const [row] = await db.query("SELECT last_read_seq FROM salons_adheres WHERE username = 'alice' AND salon_id = 1");
    t.is(Number(row?.last_read_seq), 3);
  } finally {
    await srv.stop();
  }
});
