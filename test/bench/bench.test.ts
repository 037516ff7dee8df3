/**
 * The benchmark, run through its real CLI at a tiny size, once per scenario: functional
 * checks only (every field there, counts that must agree, nothing lost, the throwaway store
 * gone afterwards). Never a speed assertion: the numbers depend on the machine.
 */
import {execFile, spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import test, {type ExecutionContext} from 'ava';
import type {Result} from '../../bench/report.js';
import type {Summary} from '../../bench/stats.js';
import {MYSQL_ADMIN_URL, available, backends, mysqlAdmin} from '../helpers/backends.js';

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

function cli(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RUN, ...args], {timeout: 60_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
      resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
    });
  });
}

async function bench(t: ExecutionContext, args: string[]): Promise<Result> {
  const {code, stdout, stderr} = await cli([...args, '--json']);
  if (code !== 0) t.fail(`bench ${args.join(' ')} exited ${code}\n${stderr}`);
  const result = JSON.parse(stdout) as Result;
  t.false(existsSync(result.location) && result.store === 'sqlite', 'the temporary SQLite directory is removed');
  t.deepEqual(result.warnings, [], 'no warnings');
  t.true(result.server.peakRssMB > 0, 'server memory was sampled');
  t.is(result.machine.cpus > 0, true);
  return result;
}

function sane(t: ExecutionContext, s: Summary | undefined, count: number, label: string): void {
  t.truthy(s, `${label} present`);
  if (!s) return;
  t.is(s.count, count, `${label}: one sample each`);
  t.true(s.p50 >= 0 && s.p50 <= s.p95 && s.p95 <= s.p99 && s.p99 <= s.max, `${label}: ordered percentiles ${JSON.stringify(s)}`);
}

/** stored == acknowledged == sent, and every member received every message once, in order. */
function nothingLost(t: ExecutionContext, r: Result, receiversPerMessage: number): void {
  const m = r.messages;
  const d = r.deliveries;
  if (!m || !d || !r.throughput) return void t.fail('traffic fields missing');
  t.true(m.sent > 0, 'something was sent');
  t.is(m.acknowledged, m.sent, 'every send acknowledged');
  t.is(m.stored, m.sent, 'every send stored (COUNT(*) afterwards)');
  t.deepEqual(m.errors, {});
  t.is(m.unanswered, 0);
  t.is(d.expected, m.sent * receiversPerMessage, 'expected = sent × members of the salon');
  t.is(d.received, d.expected, 'nothing lost');
  t.is(d.lost + d.gaps + d.duplicates + d.unexpectedCloses, 0);
  sane(t, r.latencyMs, d.received, 'latency');
  sane(t, r.ackLatencyMs, m.acknowledged, 'ack latency');
  t.true(r.throughput.achievedMsgsPerSec > 0 && r.throughput.deliveriesPerSec > 0);
}

test.serial('--help prints the usage; a bad scenario is refused with it', async (t) => {
  const help = await cli(['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /--scenario NAME/);
  const bad = await cli(['--scenario', 'nope']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /unknown scenario "nope"/);
});

test.serial('fanout: every message reaches every client of Général', async (t) => {
  const r = await bench(t, ['--scenario', 'fanout', '--clients', '20', '--senders', '2', '--rate', '50', '--duration', '2']);
  t.is(r.scenario, 'fanout');
  t.is(r.connections, 20);
  t.is(r.throughput?.offeredMsgsPerSec, 50);
  t.is(r.messages?.sent, 100);
  nothingLost(t, r, 20);
  t.truthy(r.load.eventLoopDelayMs, 'the load process reports how late it was');
});

test.serial('fanout with --changes: edits and reactions are stored, delivered and counted like sends', async (t) => {
  const r = await bench(t, ['--scenario', 'fanout', '--clients', '20', '--senders', '2', '--rate', '50', '--duration', '2', '--changes', '0.2']);
  const c = r.changes;
  if (!c) return void t.fail('changes missing');
  t.is(r.config.changes, 0.2);
  t.is(r.messages?.sent, 100, 'a change takes the place of a send');
  // The first sends of each sender have nothing to change yet: a little under 20.
  t.true(c.edits.sent + c.reactions.sent >= 12 && c.edits.sent + c.reactions.sent <= 20, JSON.stringify(c));
  t.true(c.edits.sent > 0 && c.reactions.sent > 0, 'both kinds');
  t.is(c.edits.acknowledged, c.edits.sent);
  t.is(c.reactions.acknowledged, c.reactions.sent);
  t.is(c.unchanged, 0);
  nothingLost(t, r, 20);
  t.is(c.latency.count, (c.edits.acknowledged + c.reactions.acknowledged) * 20, 'every change row timed at every member');
  const bad = await cli(['--scenario', 'dm', '--clients', '20', '--changes', '0.1']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--changes applies to the fanout and salons/);
});

test.serial('salons: messages reach the members of their salon only', async (t) => {
  const r = await bench(t, ['--scenario', 'salons', '--clients', '25', '--senders', '5', '--rate', '50', '--duration', '2']);
  t.is(r.connections, 25);
  nothingLost(t, r, 5); // 25 clients over five salons
});

/** The throughput scenario's own promises: each second's acknowledgements add up, and in closed loop the window was refilled. */
function throughputChecks(t: ExecutionContext, r: Result, mode: 'open' | 'closed'): void {
  const th = r.throughput;
  if (!th || !r.messages) return void t.fail('throughput fields missing');
  t.is(th.mode, mode);
  t.is(th.acksPerSecond.reduce((a, b) => a + b, 0), r.messages.acknowledged, 'acks per second add up to the acknowledged');
  t.is(typeof r.otherCpuPercent, 'number');
}

test.serial('throughput, closed loop: each sender keeps its window in flight until the time is up', async (t) => {
  const r = await bench(t, ['--scenario', 'throughput', '--clients', '10', '--window', '5', '--duration', '1']);
  t.is(r.scenario, 'throughput');
  t.is(r.config.senders, 10, 'every client sends by default (senders = clients)');
  t.is(r.config.window, 5);
  t.is(r.throughput?.offeredMsgsPerSec, 0);
  nothingLost(t, r, 2); // 10 senders over five salons: 2 members online in each
  throughputChecks(t, r, 'closed');
  t.true((r.messages?.sent ?? 0) > 10 * 5, 'answers were followed by new sends (more than the first windows)');
  t.is(r.databaseStatements, undefined, 'no MySQL counters on SQLite');
});

test.serial('throughput, open loop: --rate sends exactly rate × duration', async (t) => {
  const r = await bench(t, ['--scenario', 'throughput', '--clients', '15', '--senders', '5', '--rate', '100', '--duration', '1']);
  t.is(r.config.window, 0);
  t.is(r.messages?.sent, 100);
  nothingLost(t, r, 3); // 15 clients over five salons, the 5 senders one in each
  throughputChecks(t, r, 'open');
});

test.serial('throughput with --messages: stored on top of the senders\' earlier messages, which are not counted', async (t) => {
  const r = await bench(t, ['--scenario', 'throughput', '--clients', '5', '--window', '3', '--duration', '1', '--messages', '500']);
  t.is(r.config.messages, 500);
  nothingLost(t, r, 1); // one sender per salon; seq continues after the seeded ones without a gap
  throughputChecks(t, r, 'closed');
});

test.serial('--window is refused outside the throughput closed loop', async (t) => {
  const fanout = await cli(['--scenario', 'fanout', '--window', '5']);
  t.is(fanout.code, 2);
  t.regex(fanout.stderr, /--window applies to the throughput scenario/);
  const open = await cli(['--scenario', 'throughput', '--rate', '10', '--window', '5']);
  t.is(open.code, 2);
});

test.serial('idle: memory with every client in, CPU while they say nothing', async (t) => {
  const r = await bench(t, ['--scenario', 'idle', '--clients', '30', '--duration', '2', '--watchers', '5']);
  t.is(r.connections, 30);
  t.is(r.config.watchers, 5);
  t.true(r.setup.framesWhileConnecting >= 2 * 30 + 5, 'hello, resume and members answered');
  const idle = r.idle;
  if (!idle) return void t.fail('idle fields missing');
  t.true(idle.rssBeforeMB > 0 && idle.rssAfterMB > 0);
  t.is(typeof idle.rssPerConnectionKB, 'number');
  t.true(idle.holdCpuPercent >= 0);
  t.is(r.messages, undefined);
});

test.serial('storm: after a restart every client resumes and fetches what it missed', async (t) => {
  const r = await bench(t, ['--scenario', 'storm', '--clients', '20', '--senders', '1', '--rate', '20', '--duration', '1', '--messages', '30']);
  nothingLost(t, r, 20); // the warm-up
  const s = r.storm;
  if (!s) return void t.fail('storm fields missing');
  t.is(s.back, 20);
  t.is(s.resynced, 20);
  t.is(s.fetched, 20 * 30, 'each client fetched exactly the messages stored while it was away');
  t.true(s.restartMs > 0 && s.resyncMs >= 0 && s.totalMs >= s.restartMs);
  sane(t, s.perClientResyncMs, 20, 'resync per client');
});

test.serial('history: the newest page and older pages hold the seeded messages', async (t) => {
  const r = await bench(t, ['--scenario', 'history', '--messages', '2000', '--pages', '10']);
  const h = r.history;
  if (!h) return void t.fail('history fields missing');
  t.is(h.seeded, 2000);
  t.deepEqual(h.problems, []);
  sane(t, h.firstPageMs, 20, 'first page');
  sane(t, h.olderPageMs, 10, 'older pages');
});

test.serial('client: the real chat client in tmux keeps up with a busy salon, on screen and in the background', async (t) => {
  if (spawnSync('tmux', ['-V']).status !== 0) {
    if (process.env.CI === 'true') return void t.fail('tmux is not installed; .ci/run installs it.');
    t.log('NOTICE: tmux is not installed, skipped');
    return void t.pass();
  }
  for (const mode of [[], ['--background']]) {
    const r = await bench(t, ['--scenario', 'client', '--rate', '20', '--duration', '1', '--quiet', '0', ...mode]);
    nothingLost(t, r, 3); // two senders and the client's account, all in Général
    const c = r.client;
    if (!c) return void t.fail('client fields missing');
    t.is(c.mode, mode.length ? 'background' : 'current');
    t.true(c.alive, 'the client is still running');
    t.true(c.shown, mode.length ? 'Général shows every message as unread' : 'the last message is on screen');
    t.is(c.received, 20);
    t.true(c.peakRssMB > 0 && c.finalRssMB > 0 && c.cpuPercent >= 0);
    t.true(c.frames > 0, 'frames were counted');
  }
});

test.serial('dm: pairs open their direct message with dm; each message reaches the other participant exactly once', async (t) => {
  const r = await bench(t, ['--scenario', 'dm', '--clients', '20', '--rate', '50', '--duration', '2']);
  t.is(r.scenario, 'dm');
  t.is(r.config.senders, 20, 'every client sends by default (senders = clients)');
  const m = r.messages;
  const d = r.dm;
  if (!m || !d || !r.deliveries) return void t.fail('dm fields missing');
  t.is(m.sent, 100);
  t.is(m.acknowledged, m.sent);
  t.is(m.stored, m.sent, 'every send stored (COUNT(*) afterwards)');
  t.deepEqual(m.errors, {});
  t.like(d, {pairs: 10, opened: 10, distinct: 10, told: 10}, 'one conversation per pair, the second participant told by event');
  t.like(d, {checked: 100, receivedOnce: 100, lost: 0, duplicated: 0, foreign: 0, echoes: 100});
  t.is(r.deliveries.expected, 200, 'both participants receive every message');
  t.is(r.deliveries.received, 200);
  t.is(r.deliveries.gaps + r.deliveries.duplicates + r.deliveries.unexpectedCloses, 0);
  sane(t, r.latencyMs, 100, 'latency (the other participant)');
  sane(t, d.echoLatencyMs, 100, 'own copy');
  sane(t, d.openLatencyMs, 10, 'dm request');
  for (const phase of [d.memory.connected, d.memory.idle, d.memory.afterTraffic]) t.true(phase.heapUsedMB > 0 && phase.rssMB > 0, 'memory after GC read from the server');
  t.is(typeof d.memory.perIdleConversationKB.heapUsed, 'number');
});

test.serial('search: the seeded messages are indexed; searches run in every other phase, none refused', async (t) => {
  const r = await bench(t, ['--scenario', 'search', '--clients', '20', '--senders', '2', '--searchers', '3', '--rate', '20', '--duration', '2.5', '--messages', '3000']);
  const s = r.search;
  if (!s || !r.messages || !r.deliveries) return void t.fail('search fields missing');
  t.is(s.seeded, 3000);
  t.true(s.sizes.searchIndexMB > 0 && s.sizes.messagesMB > 0, `sizes: ${JSON.stringify(s.sizes)}`);
  t.deepEqual(s.phases.map((p) => p.searching), [false, true, false, true]);
  t.is(r.messages.sent, 4 * 50, 'rate × duration in each of the 4 phases');
  t.is(r.messages.stored, r.messages.sent);
  t.is(r.messages.acknowledged, r.messages.sent);
  t.is(r.deliveries.received, r.deliveries.expected);
  // The 3 searchers receive them too, in a process of their own that times only their searches.
  t.is(r.deliveries.expected, r.messages.sent * 17);
  t.is(r.connections, 20);
  for (const p of s.phases) {
    t.is(p.lost, 0);
    sane(t, p.latencyMs, 50 * 17, 'phase latency');
    if (!p.searching) continue;
    const q = p.search;
    if (!q) return void t.fail('a searching phase without searches');
    t.is(q.searchers, 3);
    t.is(typeof p.searchersEventLoopDelayP99Ms, 'number', "the searchers' own process reports its delay");
    t.true(q.searches >= 3, `every searcher searched: ${q.searches}`);
    t.deepEqual(q.errors, {}, 'under the allowance: nothing refused');
    t.is(q.unanswered, 0);
  }
  const hits = s.phases.flatMap((p) => Object.entries(p.search?.byKind ?? {}));
  t.true(hits.some(([kind, v]) => kind === 'common' && v.hits.max > 0) || hits.length < 12, 'a common word is found');
});

test.serial('dm: an odd number of clients is refused', async (t) => {
  const odd = await cli(['--scenario', 'dm', '--clients', '21']);
  t.is(odd.code, 2);
  t.regex(odd.stderr, /even number/);
});

/** A connection to the MySQL server the bench runs on; without one, a notice (a failure under CI). */
async function mysqlAdminOrSkip(t: ExecutionContext) {
  const {run, reason} = await available(backends.find((b) => b.name === 'mysql')!);
  if (!run) {
    t.log(`NOTICE: ${reason}, skipped`);
    t.pass();
    return undefined;
  }
  return mysqlAdmin();
}

test.serial('fanout on MySQL: a throwaway database, dropped afterwards', async (t) => {
  const admin = await mysqlAdminOrSkip(t);
  if (!admin) return;
  try {
    const r = await bench(t, ['--scenario', 'fanout', '--db', MYSQL_ADMIN_URL, '--clients', '10', '--senders', '2', '--rate', '40', '--duration', '1']);
    t.is(r.store, 'mysql');
    t.regex(r.location, /^chat_bench_[0-9a-f]+$/);
    nothingLost(t, r, 10);
    const [rows] = await admin.query('SHOW DATABASES LIKE ?', [r.location]);
    t.deepEqual(rows, [], 'the throwaway database is dropped');
  } finally {
    await admin.end();
  }
});

test.serial('throughput on MySQL: commits and statements counted on the database server', async (t) => {
  const admin = await mysqlAdminOrSkip(t);
  if (!admin) return;
  try {
    const r = await bench(t, ['--scenario', 'throughput', '--db', MYSQL_ADMIN_URL, '--clients', '10', '--window', '5', '--duration', '1']);
    t.is(r.store, 'mysql');
    nothingLost(t, r, 2);
    throughputChecks(t, r, 'closed');
    const d = r.databaseStatements;
    if (!d) return void t.fail('databaseStatements missing');
    t.true(d.commits > 0 && d.inserts > 0, `commits and INSERTs seen: ${JSON.stringify(d)}`);
    t.true(d.inserts <= (r.messages?.acknowledged ?? 0), 'messages are inserted in batches, never more INSERTs than messages');
    t.true(d.statements >= d.commits + d.inserts);
    const [rows] = await admin.query('SHOW DATABASES LIKE ?', [r.location]);
    t.deepEqual(rows, [], 'the throwaway database is dropped');
  } finally {
    await admin.end();
  }
});
