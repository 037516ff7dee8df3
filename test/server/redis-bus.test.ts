/**
 * Two nodes in one process on one MariaDB database and a private redis-server: what one
 * node's users do reaches the other's, and a Redis that goes away and comes back empty
 * costs nothing. (test/cluster/ does the same with real chat-server processes.)
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {createServer} from 'node:net';
import test from 'ava';
import {RedisBus} from '../../source/server/redis-bus.js';
import {type Database, available, backends} from '../helpers/backends.js';
import {type TestServer, eventually, startTestServer} from '../helpers/server.js';

const mysql = backends.find((b) => b.name === 'mysql')!;
const timing = {heartbeatMs: 100, nodeTtlMs: 1000, echoTimeoutMs: 400, catchUpMs: 500, degradedCatchUpMs: 200};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const {port} = probe.address() as {port: number};
      probe.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {stdio: 'ignore'});
  const bus = new RedisBus({url: `redis://127.0.0.1:${port}`, namespace: 'probe', nodeId: 'probe'});
  try {
    if (!(await bus.connect(5000))) throw new Error('redis-server did not start');
  } finally {
    await bus.close();
  }
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function cluster(t: import('ava').ExecutionContext, db: Database, redisPort: number, count = 2): Promise<TestServer[]> {
  const nodes: TestServer[] = [];
  for (let i = 0; i < count; i++) {
    const store = await db.open();
    const bus = new RedisBus({url: `redis://127.0.0.1:${redisPort}`, namespace: store.location, nodeId: `n${i + 1}`});
    await store.close();
    await bus.connect();
    nodes.push(await startTestServer(db, {bus, cluster: timing}));
  }
  t.teardown(() => Promise.all(nodes.map((n) => n.stop())).then(() => {}));
  return nodes;
}

const setup = async (t: import('ava').ExecutionContext) => {
  const {run, reason} = await available(mysql);
  if (!run) {
    t.log(reason);
    return undefined;
  }
  const db = await mysql.create();
  const port = await freePort();
  let redis = await startRedis(port);
  t.teardown(async () => {
    await stopProcess(redis);
    await db.drop();
  });
  return {
    db,
    port,
    restartRedis: async () => {
      await stopProcess(redis);
      redis = await startRedis(port);
    },
  };
};

test('a message sent on one node reaches members on the other, in stored order, and presence crosses nodes', async (t) => {
  const env = await setup(t);
  if (!env) return t.pass();
  const [a, b] = await cluster(t, env.db, env.port);
  const alice = await a!.user('alice');
  const general = (await alice.request('salons', {})).salons[0]!.id;
  await alice.request('members', {salon: general});
  const bob = await b!.user('bob');
  // Bob's login on node B shows up in Alice's member list on node A.
  await alice.waitFor('presence', (e) => e.username === 'bob' && e.online);
  for (let i = 0; i < 20; i++) void (i % 2 ? alice : bob).request('send', {salon: general, text: `m${i}`, clientMsgId: `c${i}`});
  await eventually(async () => alice.events.filter((e) => e.event === 'message').length === 20 && bob.events.filter((e) => e.event === 'message').length === 20, 10_000);
  const seqs = (c: typeof alice) => c.events.flatMap((e) => (e.event === 'message' ? [e.seq] : []));
  t.deepEqual(seqs(alice), seqs(bob));
  t.deepEqual(seqs(alice), Array.from({length: 20}, (_, i) => i + 1));
  // Bob leaves: Alice's list says so.
  await bob.request('logout', {});
  await alice.waitFor('presence', (e) => e.username === 'bob' && !e.online);
});

test('a ban on one node disconnects the user from the other at once', async (t) => {
  const env = await setup(t);
  if (!env) return t.pass();
  const [a, b] = await cluster(t, env.db, env.port);
  const mallory = await b!.user('mallory');
  await eventually(async () => a!.server.hub.user('mallory'));
  await a!.server.moderation.ban('mallory', 'admin');
  await mallory.waitFor('banned');
  t.is(b!.server.hub.user('mallory'), undefined);
});

test('Redis restarted empty: both nodes keep storing, and the other node catches up from the database', async (t) => {
  const env = await setup(t);
  if (!env) return t.pass();
  const [a, b] = await cluster(t, env.db, env.port);
  const alice = await a!.user('alice');
  const bob = await b!.user('bob');
  const general = (await alice.request('salons', {})).salons[0]!.id;
  await alice.request('send', {salon: general, text: 'before', clientMsgId: 'x0'});
  await bob.waitFor('message', (e) => e.text === 'before');
  await env.restartRedis();
  // Sent while the bus is being re-established: acknowledged, stored, and delivered anyway.
  for (let i = 1; i <= 5; i++) await alice.request('send', {salon: general, text: `during ${i}`, clientMsgId: `x${i}`});
  await bob.waitFor('message', (e) => e.text === 'during 5', 10_000);
  const texts = bob.events.flatMap((e) => (e.event === 'message' ? [e.text] : []));
  t.deepEqual(texts, ['before', 'during 1', 'during 2', 'during 3', 'during 4', 'during 5']);
  // Registered while the bus is being re-established; the other node still knows the account.
  await eventually(async () => a!.server.cluster?.busUp && b!.server.cluster?.busUp, 10_000);
  const carol = await b!.user('carol');
  t.truthy(carol);
  const again = await a!.connect();
  await again.request('login', {username: 'carol', password: 'correct horse battery'});
  t.pass();
});
