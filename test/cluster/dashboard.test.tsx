/**
 * The dashboard across two nodes: two servers in this process on one MariaDB database,
 * joined by a private redis-server. The operator on node A sees node B's sessions and ends
 * one of them; node B closes it with the 'disconnected' event.
 */
import '../ui/setup.js';
import test from 'ava';
import {render} from 'ink-testing-library';
import {DashboardController} from '../../source/dashboard/controller.js';
import {Dashboard} from '../../source/dashboard/Dashboard.js';
import {translator} from '../../source/i18n/index.js';
import {RedisBus} from '../../source/server/redis-bus.js';
import {backends} from '../helpers/backends.js';
import {RedisServer, clusterRequirements} from '../helpers/cluster.js';
import {OPERATOR, eventually, startTestServer} from '../helpers/server.js';
import {plain, until} from '../ui/helpers.js';

test('node A lists node B sessions and ends one; node B closes it, the audit log says it was forwarded', async (t) => {
  if (!(await clusterRequirements(t))) return;
  const redis = await RedisServer.start();
  t.teardown(() => redis.close());
  const db = await backends[1]!.create();
  t.teardown(() => db.drop());
  const node = async (name: string) => {
    const bus = new RedisBus({url: redis.url, namespace: `dashboard-${process.pid}`, nodeId: name});
    await bus.connect();
    const server = await startTestServer(db, {bus, node: name, cluster: {heartbeatMs: 200}});
    t.teardown(() => server.stop());
    return server;
  };
  const a = await node('node-a');
  const b = await node('node-b');
  await a.user('alice');
  const bob = await b.user('bob');

  const tr = translator('en');
  const controller = new DashboardController({server: a.server, operator: OPERATOR.username, t: tr, kill: async () => {}, columns: 80, rows: 24});
  const instance = render(<Dashboard controller={controller} t={tr} followSize={false} />);
  t.teardown(() => {
    controller.stop();
    instance.unmount();
  });
  await controller.start();
  const frame = () => plain(instance.lastFrame());
  // Node B answers once node A knows it is alive: ask until its sessions are listed.
  let asked = 0;
  const listed = (pattern: RegExp) =>
    until(() => {
      if (pattern.test(frame())) return true;
      if (Date.now() - asked > 250) {
        asked = Date.now();
        void controller.refresh({all: true});
      }
      return false;
    }, 15_000);
  t.true(await listed(/bob\s+127\.0\.0\.1\s+node-b\s/), frame());
  t.regex(frame(), /alice\s+127\.0\.0\.1\s+node-a\s/);
  t.regex(frame(), /1 Sessions 2/);

  // This node's sessions come first: bob is the second row.
  instance.stdin.write('j');
  await until(() => controller.getState().cursor.sessions === 1);
  instance.stdin.write('d');
  await until(() => frame().includes('End the session of bob (127.0.0.1, node-b)?'));
  instance.stdin.write('y');
  const event = await bob.waitFor('disconnected', undefined, 10_000);
  t.is(event.reason, 'operator');
  await bob.closed;
  t.true(await until(() => frame().includes('Node node-b was asked to end the session of bob.'), 5000), frame());
  t.true(await listed(/^(?![\s\S]*bob\s+127)/), 'gone from the list once node B answers again');
  const record = await eventually(async () => (await a.server.moderation.audit({limit: 5})).find((r) => r.action === 'disconnect'));
  t.like(record, {actor: 'admin', via: 'console', node: 'node-a', targetUser: 'bob', outcome: 'forwarded'});
  t.like(record.detail, {node: 'node-b'});
});
