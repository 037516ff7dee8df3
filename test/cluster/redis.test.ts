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
  received,
  sequenceProblems,
  startCluster,
  storedTranscript,
  until,
} from '../helpers/cluster.js';

interface Outage {
  /** Starts the outage. */
  begin(cluster: Cluster): Promise<void>;
  /** The time the outage ends by itself (pause), if it does. */
  endsBy?: (begunAt: number) => number;
  /** Ends it (or waits for it to end). */
  end(cluster: Cluster): Promise<void>;
}

const outages: Record<string, Outage> = {
  'Redis is stopped, then restarted empty on the same port': {
    begin: (c) => c.redis.stop(),
    end: (c) => c.redis.startAgain(),
  },
  'Redis is paused (CLIENT PAUSE 5000 ALL)': {
    begin: (c) => c.redis.pause(5000),
    endsBy: (begunAt) => begunAt + 5000,
    // PING is answered again once the pause is over.
    end: async (c) => void (await until(() => c.redis.ping(1000), 10_000, 100)),
  },
  'the Redis process is frozen (SIGSTOP), then thawed (SIGCONT)': {
    begin: async (c) => c.redis.freeze(),
    end: async (c) => c.redis.thaw(),
  },
};

/** How long after the outage ends every transcript must be the stored one. */
const CONVERGE_MS = 10_000;

async function burstThroughOutage(t: ExecutionContext, outage: Outage): Promise<void> {
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 2});
  const [n1, n2] = cluster.nodes as [ChatNode, ChatNode];
  const users: User[] = [await n1.user('amy'), await n1.user('bob'), await n2.user('cid'), await n2.user('dot')];
  await Promise.all(users.map((u) => u.request('join', {salon: 'Blabla'})));

  const flow = burst(users, {window: 2, salons: [1, 2], prefix: 'r'});
  t.true(await until(() => flow.acked().length >= 40, 10_000), 'the burst is under way');

  const begunAt = Date.now();
  await outage.begin(cluster);
  // During the outage the nodes keep acknowledging sends.
  const ackedDuring = () => flow.acked().filter((s) => (s.answeredAt ?? 0) > begunAt + 200).length;
  const kept = await until(() => ackedDuring() >= 40, 4000);
  const checkedAt = Date.now();
  t.true(kept, `sends are acknowledged during the outage (${ackedDuring()} in ${checkedAt - begunAt} ms)`);
  if (outage.endsBy) t.true(checkedAt < outage.endsBy(begunAt), 'those acknowledgements came while Redis was still paused');
  await outage.end(cluster);
  const endedAt = Date.now();
  t.log(`outage ${endedAt - begunAt} ms, ${ackedDuring()} sends acknowledged during it`);

  // A little more traffic after the outage, then nobody writes any more.
  const ackedAtEnd = flow.acked().length;
  t.true(await until(() => flow.acked().length >= ackedAtEnd + 40, 10_000), 'sends are acknowledged after the outage');
  await flow.stop();
  t.deepEqual(flow.sent.filter((s) => s.code !== 'ok').map((s) => `${s.clientMsgId}: ${s.code}`).slice(0, 10), [], 'every send is acknowledged');

  const stored = await cluster.stored();
  const storedIds = new Set(stored.map((r) => r.id));
  t.deepEqual(
    flow.acked().filter((s) => !storedIds.has(s.message!.id)).map((s) => s.clientMsgId).slice(0, 10),
    [],
    'no acknowledged message is lost',
  );
  t.is(stored.length, flow.sent.length, 'each message is stored once');

  // Every client converges to the stored transcript, without new messages to trigger it.
  const expected = {1: storedTranscript(stored, 1), 2: storedTranscript(stored, 2)};
  const stoppedAt = Date.now();
  const converged = await until(() => users.every((u) => ([1, 2] as const).every((s) => liveTranscript(u, s).length >= expected[s].length)), CONVERGE_MS);
  t.log(
    converged
      ? `every transcript complete ${Date.now() - stoppedAt} ms after the last send (${Date.now() - endedAt} ms after the outage)`
      : `transcripts incomplete after ${CONVERGE_MS} ms: ${users.map((u) => `${u.username} ${received(u, 1).length}+${received(u, 2).length}`).join(', ')} of ${expected[1].length}+${expected[2].length}`,
  );
  for (const u of users) {
    for (const salon of [1, 2] as const) {
      t.deepEqual(sequenceProblems(received(u, salon)), [], `${u.username}, salon ${salon}: no gap, no duplicate, in seq order`);
      t.deepEqual(liveTranscript(u, salon), expected[salon], `${u.username} saw salon ${salon} exactly as stored`);
    }
  }

  // The bus works again: a new message crosses from one node to the other at once.
  const after = await users[0]!.request('send', {salon: 1, text: 'after the outage', clientMsgId: 'after-1'});
  for (const u of users) {
    const got = await u.waitFor('message', (e) => e.clientMsgId === 'after-1', 5000);
    t.is(got.seq, after.message.seq, `${u.username} received the message sent after the outage`);
  }
}

for (const [title, outage] of Object.entries(outages)) {
  test(`${title} during a burst: nothing acknowledged is lost and every transcript converges`, (t) => burstThroughOutage(t, outage));
}
