/**
 * Two nodes in one process on one MariaDB database and a private redis-server: what one
 * node's users do reaches the other's, and a Redis that goes away and comes back empty
 * costs nothing. (test/cluster/ does the same with real chat-server processes.)
 */
import test from 'ava';
import {RedisBus} from '../../source/server/redis-bus.js';
import {type Database, backends} from '../helpers/backends.js';
import {RedisServer, clusterRequirements} from '../helpers/cluster.js';
import {OPERATOR, type TestServer, eventually, startTestServer} from '../helpers/server.js';

const mysql = backends.find((b) => b.name === 'mysql')!;
const timing = {heartbeatMs: 100, nodeTtlMs: 1000, echoTimeoutMs: 400, catchUpMs: 500, degradedCatchUpMs: 200};

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
  // MariaDB and redis-server, as the cluster tests: a notice without them, a failure under CI.
  if (!(await clusterRequirements(t))) return undefined;
  const db = await mysql.create();
  // A free port, retried if another worker's process takes it before redis-server binds it.
  const redis = await RedisServer.start();
  t.teardown(async () => {
    await redis.close();
    await db.drop();
  });
  return {
    db,
    port: redis.port,
    restartRedis: async () => {
      await redis.stop();
      await redis.startAgain();
    },
  };
};

test('a message sent on one node reaches members on the other, in stored order, and presence crosses nodes', async (t) => {
  const env = await setup(t);
  if (!env) return;
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
  if (!env) return;
  const [a, b] = await cluster(t, env.db, env.port);
  const mallory = await b!.user('mallory');
  await eventually(async () => a!.server.hub.user('mallory'));
  await a!.server.moderation.ban('mallory', undefined, OPERATOR);
  await mallory.waitFor('banned');
  t.is(b!.server.hub.user('mallory'), undefined);
});

test('Redis restarted empty: both nodes keep storing, and the other node catches up from the database', async (t) => {
  const env = await setup(t);
  if (!env) return;
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
