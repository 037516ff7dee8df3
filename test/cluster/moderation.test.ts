/**
 * Moderation across nodes: the operator types on one node's console, and users connected to
 * other nodes are accepted, rejected, kicked and banned; PENDING on any node lists the join
 * requests of the whole cluster; moderators on any node are told.
 */
import test from 'ava';
import {PASSWORD, refusal} from '../helpers/server.js';
import {type ChatNode, clusterRequirements, onlineMap, startCluster, until} from '../helpers/cluster.js';

/**
 * Types PENDING until its answer satisfies `done` (join requests and their answers travel
 * between nodes, so a node may be a moment behind); returns the last answer.
 */
async function pending(node: ChatNode, done: (answer: string) => boolean, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const from = node.mark();
    node.type('PENDING');
    await node.waitFor(/asks to join|No join request is waiting/, {from, timeoutMs: 2000});
    // The lines of one answer are printed together; give the last ones a moment to arrive.
    await until(() => done(node.output().slice(from)), 200);
    const answer = node.output().slice(from);
    if (done(answer) || Date.now() > deadline) return answer;
  }
}

const lists = (patterns: RegExp[]) => (answer: string) => patterns.every((p) => p.test(answer));

test('console moderation on one node acts on users connected to the other nodes', async (t) => {
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 3});
  const [n1, n2, n3] = cluster.nodes as [ChatNode, ChatNode, ChatNode];

  // A moderator client on n3, users on every node.
  const admin = await n3.connect();
  await admin.request('login', {username: 'admin', password: PASSWORD});
  const una = await n1.user('una');
  const deb = await n2.user('deb');
  const tom = await n3.user('tom');
  const zed = await n3.user('zed');
  const watcher = await n1.user('watcher');

  await una.request('join', {salon: 'Marketing'});
  await deb.request('join', {salon: 'Comptabilité'});
  await tom.request('join', {salon: 'Informatique'});
  await zed.request('join', {salon: 'Marketing'});

  // The moderator on n3 hears of every request, whatever node it was made on.
  for (const [username, salon] of [['una', 5], ['deb', 3], ['tom', 4], ['zed', 5]] as const) {
    const request = await admin.waitFor('join_request', (e) => e.username === username && e.salon === salon, 5000);
    t.truthy(request.ts, `join_request of ${username} reached the moderator on n3`);
  }
  const viaProtocol = (await admin.request('pending', {})) as {requests: {username: string; salon: number}[]};
  t.deepEqual(
    viaProtocol.requests.map((r) => `${r.username}/${r.salon}`).sort(),
    ['deb/3', 'tom/4', 'una/5', 'zed/5'],
    'the pending request on n3 lists the requests made on every node',
  );

  // PENDING on each node's console lists all of them.
  const all = [/una \(Una\) asks to join Marketing/, /deb \(Deb\) asks to join Comptabilité/, /tom \(Tom\) asks to join Informatique/, /zed \(Zed\) asks to join Marketing/];
  for (const node of [n1, n2, n3]) {
    const answer = await pending(node, lists(all));
    for (const pattern of all) t.regex(answer, pattern, `PENDING on ${node.id}`);
  }

  // ACCEPT typed on n1 for deb, connected to n2.
  n1.type('ACCEPT:deb:Comptabilité');
  const accepted = await deb.waitFor('membership', (e) => e.salon === 3 && e.state === 'member', 5000);
  t.is(accepted.reason, 'accepted');
  const closed = await admin.waitFor('join_request_closed', (e) => e.username === 'deb' && e.salon === 3, 5000);
  t.is(closed.outcome, 'accepted');
  const sent = await deb.request('send', {salon: 'Comptabilité', text: 'Merci', clientMsgId: 'deb-1'});
  t.is(sent.message.seq, 1, 'deb may write in Comptabilité now');

  // REJECT typed on n2 for tom, connected to n3.
  n2.type('REJECT:tom:Informatique');
  const rejected = await tom.waitFor('membership', (e) => e.salon === 4 && e.reason !== 'requested', 5000);
  t.deepEqual([rejected.state, rejected.reason], ['none', 'rejected']);
  t.is((await admin.waitFor('join_request_closed', (e) => e.username === 'tom', 5000)).outcome, 'rejected');

  // ACCEPT typed on n3 for una, connected to n1 (the one left waiting in Marketing is zed).
  n3.type('ACCEPT:una:Marketing');
  t.is((await una.waitFor('membership', (e) => e.salon === 5 && e.state === 'member', 5000)).reason, 'accepted');
  const onlyZed = (answer: string) => answer.split('\n').filter((l) => /asks to join/.test(l)).length === 1 && /zed \(Zed\) asks to join Marketing/.test(answer);
  const left = await pending(n2, onlyZed);
  t.true(onlyZed(left), `only zed's request is left, on n2 too:\n${left}`);

  // KICK typed on n1 for deb, connected to n2: disconnected, and refused on every node.
  n1.type('KICK:deb');
  const kicked = await deb.waitFor('kicked', undefined, 5000);
  t.is(kicked.minutes, 5);
  await until(() => deb.conn.closed, 5000);
  t.true(deb.conn.closed, "deb's connection on n2 is closed");
  for (const node of [n1, n2, n3]) {
    const again = await node.connect();
    t.is(await refusal(again.request('login', {username: 'deb', password: PASSWORD})), 'KICKED', `login on ${node.id}`);
  }
  t.is(await refusal((await n3.connect()).request('resume', {token: deb.token})), 'INVALID_TOKEN', "deb's session is revoked cluster-wide");

  // BAN typed on n2 for zed, connected to n3. watcher (n1) shows Général's member list.
  const before = await onlineMap(watcher, 1);
  t.true('zed' in before);
  n2.type('BAN:zed');
  await zed.waitFor('banned', undefined, 5000);
  await until(() => zed.conn.closed, 5000);
  t.true(zed.conn.closed, "zed's connection on n3 is closed");
  const dropped = await watcher.waitFor('membership', (e) => e.username === 'zed' && e.salon === 1, 5000);
  t.deepEqual([dropped.state, dropped.reason], ['none', 'banned'], 'the member list on n1 drops zed');
  t.false('zed' in (await onlineMap(watcher, 1)), 'zed is no longer a member, seen from n1');
  t.is((await admin.waitFor('join_request_closed', (e) => e.username === 'zed', 5000)).outcome, 'withdrawn');
  t.is(await refusal((await n1.connect()).request('login', {username: 'zed', password: PASSWORD})), 'BANNED');
  t.is(
    await refusal((await n1.connect()).request('register', {username: 'zed', alias: 'Zed again', password: PASSWORD})),
    'USERNAME_BANNED',
  );

  // Nothing is left waiting anywhere.
  for (const node of [n1, n2, n3]) {
    const answer = await pending(node, (a) => /No join request is waiting\./.test(a));
    t.regex(answer, /No join request is waiting\./, `PENDING on ${node.id} at the end`);
  }
});

test('a kick with a reason on one node ends the session on another; both nodes audit their acts and AUDIT on either lists them all', async (t) => {
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 2});
  const [n1, n2] = cluster.nodes as [ChatNode, ChatNode];
  const ivy = await n2.user('ivy');
  await n1.command('KICK:ivy:45m:off-topic ads', /ivy kicked until/);
  t.like(await ivy.waitFor('kicked', undefined, 10_000), {minutes: 45, reason: 'off-topic ads'});
  // The kick is in force on the other node too, with its reason.
  const again = await n2.connect();
  const error = (await again.request('login', {username: 'ivy', password: PASSWORD}).catch((e: unknown) => e)) as {code: string; details: {reason?: string}};
  t.is(error.code, 'KICKED');
  t.is(error.details.reason, 'off-topic ads');
  await n2.command('UNBLOCK:ivy', /The kick of ivy is over/);
  t.is((await again.request('login', {username: 'ivy', password: PASSWORD})).user.username, 'ivy');
  await n1.command('AUDIT', /unblock ivy {2}ok/);
  const out = n1.output();
  t.regex(out, / n1 {2}admin@console {2}kick ivy "off-topic ads" {2}ok/);
  t.regex(out, / n2 {2}admin@console {2}unblock ivy {2}ok/);
});
