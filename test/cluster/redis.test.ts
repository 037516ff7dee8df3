/**
 * Redis goes wrong in the middle of a burst of messages: it is stopped and restarted empty
 * on the same port, paused (CLIENT PAUSE 5000 ALL), or its process frozen (SIGSTOP, then
 * SIGCONT). The nodes keep acknowledging sends throughout (the database is the record, the
 * bus only the fast path), no acknowledged message is lost, and within a few seconds of
 * the outage every client's transcript is the stored one, with no gap and no duplicate,
 * even though nobody writes any more.
 */
import test, {type ExecutionContext} from 'ava';
import {
  type ChatNode,
  type Cluster,
  type User,
  burst,
  clusterRequirements,
  liveTranscript,
  onlineMap,
  received,
  sequenceProblems,
  startCluster,
  storedTranscript,
  until,
  within,
} from '../helpers/cluster.js';

interface Outage {
  /** Starts the outage. */
  begin(cluster: Cluster): Promise<void>;
  /** When an outage that ends by itself (the pause) ended, once it has. */
  endedAt?: () => number | undefined;
  /** Ends it (or waits for it to end). */
  end(cluster: Cluster): Promise<void>;
}

// When the pause ended, as seen by a PING sent during it: Redis answers it only then.
let pauseOver: Promise<boolean> | undefined;
let pauseEndedAt: number | undefined;

const outages: Record<string, Outage> = {
  'Redis is stopped, then restarted empty on the same port': {
    begin: (c) => c.redis.stop(),
    end: (c) => c.redis.startAgain(),
  },
  'Redis is paused (CLIENT PAUSE 5000 ALL)': {
    begin: async (c) => {
      pauseEndedAt = undefined;
      await c.redis.pause(5000);
      pauseOver = c.redis.ping(30_000).then((pong) => ((pauseEndedAt = Date.now()), pong));
    },
    endedAt: () => pauseEndedAt,
    end: async (c) => {
      await pauseOver;
      // PING is answered again once the pause is over.
      await until(() => c.redis.ping(1000), 10_000, 100);
    },
  },
  'the Redis process is frozen (SIGSTOP), then thawed (SIGCONT)': {
    begin: async (c) => c.redis.freeze(),
    end: async (c) => c.redis.thaw(),
  },
};

/** How long the outages last at least (the pause lasts 5 s). */
const OUTAGE_MS = 3000;

/**
 * A bound on how long after the outage ends the transcripts may take to become the stored
 * one: generous, so that a loaded machine does not fail the test (they converge in a few
 * seconds; the time is logged). Only a transcript that never converges fails.
 */
const CONVERGE_MS = 30_000;

/** Waits until each user has received as many messages as are stored, then compares. */
async function transcriptsMatch(t: ExecutionContext, cluster: Cluster, users: readonly User[], timeoutMs: number, when: string): Promise<number> {
  const stored = await cluster.stored();
  const expected = {1: storedTranscript(stored, 1), 2: storedTranscript(stored, 2)};
  const started = Date.now();
  await until(() => users.every((u) => ([1, 2] as const).every((s) => received(u, s).length >= expected[s].length)), timeoutMs);
  const took = Date.now() - started;
  for (const u of users) {
    for (const salon of [1, 2] as const) {
      t.deepEqual(sequenceProblems(received(u, salon)), [], `${when}: ${u.username}, salon ${salon}: no gap, no duplicate, in seq order`);
      t.deepEqual(liveTranscript(u, salon), expected[salon], `${when}: ${u.username} saw salon ${salon} exactly as stored`);
    }
  }
  return took;
}

async function burstThroughOutage(t: ExecutionContext, outage: Outage): Promise<void> {
  // Generous: the bounds below only catch a hang, and the machine may be loaded.
  t.timeout(150_000);
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 2});
  const [n1, n2] = cluster.nodes as [ChatNode, ChatNode];
  const onN1 = [await n1.user('amy'), await n1.user('bob')];
  const onN2 = [await n2.user('cid'), await n2.user('dot')];
  const users: User[] = [...onN1, ...onN2];
  await Promise.all(users.map((u) => u.request('join', {salon: 'Blabla'})));

  // 1. Everybody writes, to Général and Blabla.
  const fromN1 = burst(onN1, {window: 2, salons: [1, 2], prefix: 'r1'});
  const fromN2 = burst(onN2, {window: 2, salons: [1, 2], prefix: 'r2'});
  t.true(await until(() => fromN1.acked().length + fromN2.acked().length >= 60, 30_000), 'the burst is under way');

  // 2. The outage. The users of n2 stop writing; those of n1 go on. n1 keeps acknowledging,
  // but n2 cannot hear of those messages over the bus, nor from its own users' sends.
  await fromN2.stop();
  const begunAt = Date.now();
  await outage.begin(cluster);
  // Sent once the outage had begun and answered before it ended: for the pause, before
  // Redis answered anything again; the other outages last until end() below.
  const ackedDuring = () => fromN1.acked().filter((s) => s.sentAt > begunAt && (s.answeredAt ?? 0) < (outage.endedAt?.() ?? Infinity)).length;
  // Long enough for the nodes to notice (heartbeats, timeouts), with sends all along; the
  // pause ends by itself after 5 s. The deadline only catches a hang.
  await until(() => outage.endedAt?.() !== undefined || (ackedDuring() >= 40 && Date.now() - begunAt >= OUTAGE_MS), 30_000);
  t.true(ackedDuring() >= 10, `sends are acknowledged during the outage (${ackedDuring()} in ${Date.now() - begunAt} ms)`);
  await fromN1.stop();

  // 3. The outage ends, and nobody writes any more: the nodes catch up by themselves.
  await outage.end(cluster);
  const endedAt = Date.now();
  t.log(`outage ${endedAt - begunAt} ms, ${ackedDuring()} sends acknowledged during it`);
  const sent = [...fromN1.sent, ...fromN2.sent];
  t.deepEqual(sent.filter((s) => s.code !== 'ok').map((s) => `${s.clientMsgId}: ${s.code}`).slice(0, 10), [], 'every send is acknowledged');
  const stored = await cluster.stored();
  const storedIds = new Set(stored.map((r) => r.id));
  t.deepEqual(
    sent.filter((s) => s.code === 'ok' && !storedIds.has(s.message!.id)).map((s) => s.clientMsgId).slice(0, 10),
    [],
    'no acknowledged message is lost',
  );
  t.is(stored.length, sent.length, 'each message is stored once');
  const took = await transcriptsMatch(t, cluster, users, CONVERGE_MS, 'after the outage');
  t.log(`every transcript complete ${took} ms after the outage ended, with no new message`);

  // 4. The bus works again: single messages cross at once both ways, then a new burst.
  for (const [from, to] of [[onN1[0]!, onN2[0]!], [onN2[1]!, onN1[1]!]] as const) {
    const id = `after-${from.username}`;
    const answer = await from.request('send', {salon: 1, text: `after the outage, from ${from.username}`, clientMsgId: id});
    const got = await to.waitFor('message', (e) => e.clientMsgId === id, 5000);
    t.is(got.seq, answer.message.seq, `${to.username} received ${from.username}'s message sent after the outage`);
  }
  const again = burst(users, {window: 2, salons: [1, 2], prefix: 'a'});
  t.true(await until(() => again.acked().length >= 60, 30_000), 'a new burst after the outage');
  await again.stop();
  await transcriptsMatch(t, cluster, users, CONVERGE_MS, 'after a new burst');
}

// Serial: each test runs a cluster, and the machine may have two cores.
for (const [title, outage] of Object.entries(outages)) {
  test.serial(`${title} during a burst: nothing acknowledged is lost and every transcript converges`, (t) => burstThroughOutage(t, outage));
}

test.serial('presence changes while Redis is down, and a node killed meanwhile, show everywhere once it is back', async (t) => {
  t.timeout(120_000);
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 3});
  const [n1, n2, n3] = cluster.nodes as [ChatNode, ChatNode, ChatNode];
  const wes = await n1.user('wes');
  const wil = await n2.user('wil');
  const gus = await n1.user('gus');
  const ivy = await n2.user('ivy');
  const kim = await n3.user('kim');
  await n2.user('hal').then((c) => c.conn.close());
  const watchers = [wes, wil];
  for (const w of watchers) {
    const seen = async () => {
      const online = await onlineMap(w, 1);
      return online.gus === true && online.ivy === true && online.kim === true && online.hal === false;
    };
    t.true(await until(seen, 5000), `${w.username} sees gus, ivy and kim online, hal offline`);
  }

  // Redis goes away for longer than the nodes take to notice. Meanwhile gus (n1) and ivy
  // (n2) leave, hal comes online on n1, and n3 dies.
  await cluster.redis.stop();
  const stoppedAt = Date.now();
  const mark = new Map(watchers.map((w) => [w, w.events.length]));
  await gus.conn.close();
  await ivy.conn.close();
  const hal = await n1.user('hal', {register: false});
  await n3.kill('SIGKILL');
  await within(5000, kim.closed, "kim's connection closing");
  await until(() => Date.now() - stoppedAt >= 5000, 6000);
  await cluster.redis.startAgain();
  const backAt = Date.now();

  const expected = {wes: true, wil: true, hal: true, gus: false, ivy: false, kim: false};
  // Who changed while Redis was down: each watcher must be told of each of them by a
  // presence event, not only find them right when it asks for the list.
  const changed = ['hal', 'gus', 'ivy', 'kim'] as const;
  const lastSince = (w: User, username: string) =>
    w.events.slice(mark.get(w)).filter((e) => e.event === 'presence' && e.username === username).at(-1) as {online: boolean} | undefined;
  for (const w of watchers) {
    const right = async () => {
      const online = await onlineMap(w, 1);
      return Object.entries(expected).every(([u, on]) => online[u] === on) && changed.every((u) => lastSince(w, u)?.online === expected[u]);
    };
    // The bound only catches a list that never comes right; the time is logged.
    await until(right, 30_000, 250);
    const online = await onlineMap(w, 1);
    t.deepEqual(Object.fromEntries(Object.keys(expected).map((u) => [u, online[u]])), expected, `${w.username}'s member list once Redis is back`);
    t.log(`${w.username}: member list and presence events right ${Date.now() - backAt} ms after Redis came back`);
    for (const username of changed) {
      t.is(lastSince(w, username)?.online, expected[username], `the last presence event ${w.username} received about ${username} since Redis stopped`);
    }
  }
  void hal;
});
