/**
 * deploy/haproxy.cfg in front of three nodes, as shipped (only the addresses are changed to
 * the test's ports): clients connect through it, the node one of them is on is killed, and
 * that client reconnects through the same address, resumes on a live node and catches up.
 */
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import type {LoginResult} from '../../source/protocol/frames.js';
import {PASSWORD, type TestClient, wrap} from '../helpers/server.js';
import {
  type ChatNode,
  ackedVersusStored,
  type User,
  aliasOf,
  burst,
  catchUp,
  clusterRequirements,
  merge,
  outcome,
  received,
  sequenceProblems,
  sleep,
  startCluster,
  startHAProxy,
  storedTranscript,
  until,
  within,
} from '../helpers/cluster.js';

const CONFIG = fileURLToPath(new URL('../../../deploy/haproxy.cfg', import.meta.url));

test('through HAProxy: a client whose node is killed resumes on another node and misses nothing', async (t) => {
  if (!(await clusterRequirements(t, {haproxy: true}))) return;
  const cluster = await startCluster(t, {nodes: 3});
  const [n1] = cluster.nodes as [ChatNode];
  const proxy = await startHAProxy(readFileSync(CONFIG, 'utf8'), cluster.nodes.map((n) => n.port));
  cluster.onCleanup(() => proxy.stop());

  const opened: TestClient[] = [];
  cluster.onCleanup(() => opened.forEach((c) => c.conn.socket.destroy()));
  const throughProxy = async () => {
    const client = wrap(await ClientConnection.open({host: '127.0.0.1', port: proxy.port}));
    opened.push(client);
    return client;
  };
  // The proxy answers once it has a healthy node behind it.
  t.true(
    await until(async () => (await outcome(within(2000, throughProxy(), 'hello through haproxy'))).code === 'ok', 10_000, 200),
    `hello through haproxy\n${proxy.output()}`,
  );

  // Six users, registered on n1, each logs in through the proxy.
  const names = ['pia', 'quo', 'ray', 'sue', 'tia', 'uma'];
  const registrar = await n1.connect();
  for (const username of names) await registrar.request('register', {username, alias: aliasOf(username), password: PASSWORD});
  const users: User[] = [];
  for (const username of names) {
    const client = await throughProxy();
    const login = (await client.request('login', {username, password: PASSWORD})) as LoginResult;
    users.push(Object.assign(client, {username, token: login.token, login}));
  }
  const nodeOf = new Map(users.map((u) => [u.username, cluster.loginsOf(u.username)]));
  t.deepEqual(
    [...nodeOf].filter(([, nodes]) => nodes.length !== 1).map(([u, nodes]) => `${u}: ${nodes.map((n) => n.id).join(',') || 'none'}`),
    [],
    'each login is reported by exactly one node',
  );
  const on = (u: User) => nodeOf.get(u.username)![0]!;
  const spread = new Set(users.map(on));
  t.log(`spread: ${users.map((u) => `${u.username}@${on(u).id}`).join(' ')}`);
  t.true(spread.size >= 2, 'the proxy spreads the connections over several nodes');

  const victim = users[0]!;
  const dying = on(victim);
  const writers = users.filter((u) => on(u) !== dying);
  t.true(writers.length > 0);
  const flow = burst(writers, {window: 1, salons: [1], prefix: 'h'});
  t.true(await until(() => received(victim, 1).length >= 10, 10_000), 'the victim receives live through the proxy');

  await dying.kill('SIGKILL');
  await within(5000, victim.closed, "the victim's connection closing");
  const known = received(victim, 1).at(-1)?.seq ?? 0;

  // As the client does: reconnect to the same address with a growing delay, resume.
  const marks = cluster.marks();
  let again: User | undefined;
  const attempts: string[] = [];
  const deadline = Date.now() + 15_000;
  for (let delay = 100; !again && Date.now() < deadline; delay = Math.min(delay * 2, 1000)) {
    const o = await outcome(
      within(5000, (async () => {
        const client = await throughProxy();
        const login = (await client.request('resume', {token: victim.token})) as LoginResult;
        return Object.assign(client, {username: victim.username, token: victim.token, login});
      })(), 'reconnecting through haproxy'),
    );
    if ('result' in o) again = o.result;
    else {
      attempts.push(o.code);
      await sleep(delay);
    }
  }
  t.log(`resumed after ${attempts.length} failed attempt(s): ${attempts.join(', ') || 'none'}`);
  if (!again) {
    t.fail(`the victim could not resume through haproxy within 15 s: ${attempts.join(', ')}\n${proxy.output()}`);
    return;
  }
  t.is(again.login.user.username, victim.username);
  const landed = cluster.loginsOf(victim.username, marks);
  t.is(landed.length, 1, 'one node reports the resumed login');
  t.true(landed[0] !== dying && landed[0]?.running === true, `resumed on a live node (${landed[0]?.id})`);

  t.true(await until(() => received(again!, 1).length >= 5, 10_000), 'live messages after the resume, through the proxy');
  await flow.stop();
  t.deepEqual(flow.sent.filter((s) => s.code !== 'ok').map((s) => `${s.clientMsgId}: ${s.code}`), [], 'every send is acknowledged');

  const stored = await cluster.stored();
  t.deepEqual(ackedVersusStored(flow.sent, stored), [], 'every acknowledged message is stored, as acknowledged, once');
  t.is(stored.length, flow.sent.length, 'and nothing else is stored');
  const expected = storedTranscript(stored, 1);
  const live = received(again, 1);
  t.deepEqual(sequenceProblems(live, live[0]?.seq ?? 1), [], 'live after the resume: in order');
  const view = merge(received(victim, 1), await catchUp(again, 1, known), live);
  t.deepEqual(view.conflicts, []);
  t.deepEqual(view.lines, expected, 'the victim has every stored message, in order, once');
});
