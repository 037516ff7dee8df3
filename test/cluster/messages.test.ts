/**
 * Messages across nodes: what is sent on one node reaches every member of the salon on
 * every node, live, and every recipient sees the salon's messages in the stored order
 * (ORDER BY seq), with no gap and no duplicate, while users of three nodes send at once.
 */
import test from 'ava';
import {
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

// Serial: each test runs a cluster of three nodes, and the machine may have two cores.
test.serial('a message sent on one node reaches the members on every node at once', async (t) => {
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 3});
  const [n1, n2, n3] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
  const ann = await n1.user('ann');
  const ben = await n2.user('ben');
  const cat = await n3.user('cat');
  // ann is connected to two nodes at once: both connections receive everything.
  const annAgain = await n3.user('ann', {register: false});
  await ann.request('join', {salon: 'Blabla'});
  await ben.request('join', {salon: 'Blabla'});

  // Blabla: ann and ben are members, cat is not.
  const started = Date.now();
  const sent = await ben.request('send', {salon: 'Blabla', text: 'Bonjour de n2', clientMsgId: 'blabla-1'});
  for (const [who, client] of [['ann on n1', ann], ['ann on n3', annAgain], ['ben on n2', ben]] as const) {
    const got = await client.waitFor('message', (e) => e.clientMsgId === 'blabla-1', 5000);
    t.deepEqual([got.salon, got.seq, got.id, got.author, got.text], [2, 1, sent.message.id, 'ben', 'Bonjour de n2'], who);
  }
  t.log(`delivered to every node in ${Date.now() - started} ms`);

  // Général: everyone.
  const general = await cat.request('send', {salon: 1, text: 'Salut de n3', clientMsgId: 'general-1'});
  for (const client of [ann, annAgain, ben, cat]) {
    const got = await client.waitFor('message', (e) => e.clientMsgId === 'general-1', 5000);
    t.is(got.id, general.message.id);
  }
  t.deepEqual(received(cat, 2), [], 'a non-member receives nothing from Blabla');

  // The newcomer's membership shows on the other nodes too.
  await cat.request('join', {salon: 'Blabla'});
  const joined = await ann.waitFor('membership', (e) => e.username === 'cat' && e.salon === 2, 5000);
  t.is(joined.state, 'member');
  await ann.request('send', {salon: 2, text: 'Bienvenue cat', clientMsgId: 'blabla-2'});
  const welcome = await cat.waitFor('message', (e) => e.clientMsgId === 'blabla-2', 5000);
  t.is(welcome.seq, 2, 'the next seq of Blabla');
});

test.serial('users of three nodes sending at once: every recipient sees the stored order, no gap, no duplicate', async (t) => {
  t.timeout(150_000);
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 3});
  const users: User[] = [];
  // Two users per node; the "a" users are members of Blabla too.
  for (const [i, node] of cluster.nodes.entries()) {
    users.push(await node.user(`a${i + 1}`), await node.user(`b${i + 1}`));
  }
  const inBlabla = users.filter((u) => u.username.startsWith('a'));
  const notInBlabla = users.filter((u) => u.username.startsWith('b'));
  await Promise.all(inBlabla.map((u) => u.request('join', {salon: 'Blabla'})));

  const both = burst(inBlabla, {window: 2, salons: [1, 2], prefix: 'x'});
  const generalOnly = burst(notInBlabla, {window: 2, salons: [1], prefix: 'y'});
  // 300 acknowledged sends make a burst worth checking; the deadline only catches a hang,
  // and what is checked below is what was sent, however many that was.
  await until(() => both.acked().length + generalOnly.acked().length >= 300, 60_000);
  await both.stop();
  await generalOnly.stop();
  const sent = [...both.sent, ...generalOnly.sent];
  t.true(sent.length >= 30, `the burst got under way (${sent.length} sends)`);
  t.deepEqual(sent.filter((s) => s.code !== 'ok').map((s) => `${s.clientMsgId}: ${s.code}`).slice(0, 10), [], 'every send is acknowledged');

  const stored = await cluster.stored();
  t.is(stored.length, sent.length, 'every acknowledged message is stored, once');
  const acknowledged = new Map(sent.map((s) => [s.message!.id, s.message!]));
  t.deepEqual(
    stored.filter((r) => acknowledged.get(r.id)?.seq !== r.seq).map((r) => `${r.id}`).slice(0, 10),
    [],
    'each message is stored as it was acknowledged',
  );

  const expected = {1: storedTranscript(stored, 1), 2: storedTranscript(stored, 2)};
  const members = (u: User, salon: 1 | 2) => salon === 1 || inBlabla.includes(u);
  const converged = () => users.every((u) => ([1, 2] as const).every((s) => liveTranscript(u, s).length >= (members(u, s) ? expected[s].length : 0)));
  await until(converged, 30_000);
  for (const u of users) {
    for (const salon of [1, 2] as const) {
      const live = received(u, salon);
      t.deepEqual(sequenceProblems(live), [], `${u.username}, salon ${salon}: seq 1, 2, 3... in arrival order`);
      t.deepEqual(liveTranscript(u, salon), members(u, salon) ? expected[salon] : [], `${u.username} saw salon ${salon} exactly as stored`);
    }
  }
});
