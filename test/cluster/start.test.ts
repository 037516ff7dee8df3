/**
 * Starting a cluster: nodes started all at once on an empty MariaDB database agree on one
 * schema and one moderator and serve the same accounts; SQLite refuses to be shared.
 */
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {PASSWORD} from '../helpers/server.js';
import {clusterRequirements, spawnNode, startCluster, within} from '../helpers/cluster.js';

const MIGRATIONS = fileURLToPath(new URL('../../../sql/mysql/', import.meta.url));

/** "SQLite is single-node", in so many words or others. */
const SINGLE_NODE = /single[- ]node|one node only|only one node|one node at a time/i;

test('a node with --bus on SQLite exits 1 and says SQLite is single-node', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-test-'));
  t.teardown(() => rmSync(dataDir, {recursive: true, force: true}));
  // No Redis is needed: the server must refuse before it tries to reach one.
  const node = spawnNode({id: 'n1', dataDir, busUrl: 'redis://127.0.0.1:1', args: ['--no-console']});
  t.teardown(() => node.kill());
  const code = await within(15_000, node.exit, 'chat-server exiting');
  t.is(code, 1, 'exit code');
  t.regex(node.errors(), /sqlite/i, `stderr names SQLite:\n${node.errors()}`);
  t.regex(node.errors(), SINGLE_NODE, `stderr says SQLite is single-node:\n${node.errors()}`);
  t.notRegex(node.output(), /waiting for connections/, 'it never listened');
});

test('the same refusal through the environment (CHAT_BUS_URL, CHAT_NODE_ID)', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-test-'));
  t.teardown(() => rmSync(dataDir, {recursive: true, force: true}));
  const node = spawnNode({id: 'n1', dataDir, args: ['--no-console'], env: {CHAT_BUS_URL: 'redis://127.0.0.1:1', CHAT_NODE_ID: 'n1'}});
  t.teardown(() => node.kill());
  t.is(await within(15_000, node.exit, 'chat-server exiting'), 1);
  t.regex(node.errors(), SINGLE_NODE, node.errors());
});

test('three nodes started at once on an empty database share one schema, one moderator and every account', async (t) => {
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 3, together: true});
  const [n1, n2, n3] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];

  for (const node of cluster.nodes) {
    t.regex(node.output(), /Authentication succeeded for user admin\./, `${node.id} authenticated its operator`);
  }
  // Every migration the package ships, each recorded once although three nodes raced to
  // apply them (one would be twice, or missing, without the named lock).
  const shipped = readdirSync(MIGRATIONS).flatMap((f) => /^(\d+)_.*\.sql$/.exec(f)?.[1] ?? []).map(Number).sort((a, b) => a - b);
  t.true(shipped.length >= 2, `migrations found in ${MIGRATIONS}`);
  const migrations = await cluster.db.query<{version: unknown}>('SELECT version FROM schema_migrations ORDER BY version');
  t.deepEqual(migrations.map((m) => Number(m.version)), shipped, 'every shipped migration is recorded, once');
  const moderators = await cluster.db.query<{username: string}>("SELECT username FROM clients WHERE role = 'moderator'");
  t.deepEqual(moderators.map((m) => String(m.username)), ['admin'], 'one moderator account');
  const salons = await cluster.db.query<{n: unknown}>('SELECT COUNT(*) AS n FROM salons');
  t.is(Number(salons[0]?.n), 5, 'the five salons, once');

  // An account registered on one node logs in on the others, and they talk.
  const ann = await n1.user('ann');
  const onN2 = await n2.user('ann', {register: false});
  const ben = await n3.user('ben');
  t.is(onN2.login.user.username, 'ann');
  const sent = await ben.request('send', {salon: 1, text: 'hello from n3', clientMsgId: 'm1'});
  for (const client of [ann, onN2, ben]) {
    const got = await client.waitFor('message', (e) => e.clientMsgId === 'm1', 5000);
    t.is(got.id, sent.message.id);
    t.is(got.seq, 1);
  }
  t.is((await n2.connect().then((c) => c.request('login', {username: 'admin', password: PASSWORD}))).user.role, 'moderator');
});
