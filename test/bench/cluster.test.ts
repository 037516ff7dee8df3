/**
 * bench --nodes / --kill-node through the real CLI at a tiny size: two nodes on a
 * throwaway MariaDB database and a private redis-server; the second node is killed in the
 * middle of the traffic. Functional checks only: nothing acknowledged is lost, nothing is
 * delivered twice, every client of the killed node comes back. Skipped with a notice
 * without MariaDB or redis-server (a failure under CI=true).
 */
import {execFile} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import type {Result} from '../../bench/report.js';
import {MYSQL_ADMIN_URL} from '../helpers/backends.js';
import {clusterRequirements} from '../helpers/cluster.js';

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

function cli(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RUN, ...args], {timeout: 100_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
      resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
    });
  });
}

test('--nodes needs --db, --kill-node needs --nodes 2', async (t) => {
  const noDb = await cli(['--scenario', 'fanout', '--nodes', '2']);
  t.is(noDb.code, 2);
  t.regex(noDb.stderr, /--nodes needs --db mysql:/);
  const oneNode = await cli(['--scenario', 'fanout', '--kill-node', '--db', MYSQL_ADMIN_URL]);
  t.is(oneNode.code, 2);
  t.regex(oneNode.stderr, /--kill-node needs --nodes 2/);
  const otherScenario = await cli(['--scenario', 'idle', '--nodes', '2', '--db', MYSQL_ADMIN_URL]);
  t.is(otherScenario.code, 2);
});

test('fanout over 2 nodes, one killed mid-traffic: nothing lost, nothing twice, everyone back', async (t) => {
  t.timeout(120_000);
  if (!(await clusterRequirements(t))) return;
  const args = ['--scenario', 'fanout', '--db', MYSQL_ADMIN_URL, '--nodes', '2', '--kill-node', '--clients', '20', '--senders', '4', '--rate', '40', '--duration', '3', '--json'];
  const {code, stdout, stderr} = await cli(args);
  if (code !== 0) return void t.fail(`bench exited ${code}\n${stderr}`);
  const r = JSON.parse(stdout) as Result;
  const c = r.cluster;
  if (!c || !c.kill || !r.messages || !r.deliveries) return void t.fail(`cluster fields missing: ${stdout}`);
  t.deepEqual(r.warnings, [], 'no warnings');
  t.is(c.nodes.length, 2);
  t.deepEqual(c.nodes.map((n) => [n.id, n.clients, n.killed]), [['n1', 10, false], ['n2', 10, true]]);
  t.true(c.nodes.every((n) => n.peakRssMB > 0), 'every node sampled');
  t.true(c.redis.peakRssMB > 0, 'redis sampled');
  t.true(c.sameNodeLatencyMs.count > 0 && c.crossNodeLatencyMs.count > 0, 'both kinds of delivery timed');
  t.is(c.lost, 0, `nothing acknowledged lost ${c.lostExamples.join('; ')}`);
  t.is(c.duplicated, 0, 'no seq twice to a client');
  t.is(c.checkedMessages, r.messages.acknowledged, 'every acknowledged message checked by seq');
  t.is(c.kill.clients, 10);
  t.is(c.kill.dropped, 10, 'every client of the killed node saw its connection drop');
  t.is(c.kill.caughtUp, 10, 'and came back, caught up');
  // Back at all is the outcome; how fast is the bench's figure, not something a test on a
  // loaded machine can assert.
  t.true(c.kill.allBackMs >= 0, `back in ${c.kill.allBackMs} ms`);
  t.is(c.kill.resentAcknowledged, c.kill.resent, 'every resent message acknowledged');
  t.is(r.messages.acknowledged, r.messages.stored, 'acknowledged = stored (COUNT(*) afterwards)');
  t.is(r.messages.unanswered, 0, 'in-flight sends resent and answered');
  t.is(r.deliveries.received, r.deliveries.expected, 'received = acknowledged × members (live or by history)');
});
