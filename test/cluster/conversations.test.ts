/**
 * Conversations across nodes: a direct message opened on one node appears live on another,
 * two nodes opening the same pair at once make one conversation, and a salon created on one
 * node is listed live on the others.
 */
import test from 'ava';
import {type ChatNode, clusterRequirements, startCluster} from '../helpers/cluster.js';

test('a direct message opened on one node reaches its participant on another, once, and salons made at run time appear everywhere', async (t) => {
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 2});
  const [n1, n2] = cluster.nodes as [ChatNode, ChatNode];
  const ann = await n1.user('ann');
  const ben = await n2.user('ben');
  const cid = await n2.user('cid');

  // Opened from both nodes at the same moment: one conversation.
  const [fromAnn, fromBen] = await Promise.all([ann.request('dm', {with: ['ben']}), ben.request('dm', {with: ['ann']})]);
  t.is(fromAnn.salon.id, fromBen.salon.id);
  const id = fromAnn.salon.id;
  await ann.request('send', {salon: id, text: 'de n1 vers n2'});
  await ben.waitFor('message', (e) => e.salon === id && e.text === 'de n1 vers n2', 10_000);
  await ben.request('send', {salon: id, text: 'et retour'});
  await ann.waitFor('message', (e) => e.salon === id && e.text === 'et retour', 10_000);
  t.false(cid.events.some((e) => (e.event === 'message' && e.salon === id) || e.event === 'conversation'), 'cid, on the same node as ben, hears nothing of it');

  // A group opened on n2 appears live for ann on n1.
  const group = await cid.request('dm', {with: ['ann', 'ben']});
  const seen = await ann.waitFor('conversation', (e) => e.conversation.id === group.salon.id, 10_000);
  t.like(seen.conversation, {kind: 'group', name: 'Ben, Cid'});

  // A salon created through n1's console is listed live to users of n2.
  n1.type('CREATE:Projets');
  const created = await cid.waitFor('salon', (e) => e.salon.name === 'Projets', 10_000);
  t.like(created.salon, {kind: 'salon', state: 'none'});
  await cid.request('join', {salon: 'Projets'});
  t.true((await cid.request('salons', {})).salons.some((s) => s.name === 'Projets' && s.state === 'member'));
});

test('a salon, a direct message and a block made while Redis is down reach the other node once it is back', async (t) => {
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 2});
  const [n1, n2] = cluster.nodes as [ChatNode, ChatNode];
  const ann = await n1.user('ann');
  const ben = await n2.user('ben');
  const cid = await n2.user('cid');

  await cluster.redis.stop();
  n1.type('CREATE:Pendant');
  await ann.waitFor('salon', (e) => e.salon.name === 'Pendant', 10_000);
  const dm = await ann.request('dm', {with: ['ben']});
  await ann.request('send', {salon: dm.salon.id, text: 'écrit sans bus'});
  await ann.request('block', {username: 'cid'});
  t.false(
    cid.events.some((e) => e.event === 'salon') || ben.events.some((e) => e.event === 'conversation'),
    'nothing crosses while the bus is down',
  );

  await cluster.redis.startAgain();
  const salon = await cid.waitFor('salon', (e) => e.salon.name === 'Pendant', 20_000);
  t.like(salon.salon, {kind: 'salon', state: 'none'});
  const seen = await ben.waitFor('conversation', (e) => e.conversation.id === dm.salon.id, 20_000);
  t.like(seen.conversation, {kind: 'dm', name: 'Ann'});
  const page = await ben.request('history', {salon: dm.salon.id, limit: 10});
  t.deepEqual(
    page.messages.map((m) => m.text),
    ['écrit sans bus'],
  );
  // The block made on n1 holds on n2: cid cannot open a conversation with ann from there.
  const refused = await cid.request('dm', {with: ['ann']}).then(
    () => undefined,
    (error: {code?: string}) => error.code,
  );
  t.is(refused, 'CANNOT_MESSAGE');
  t.is(cid.events.filter((e) => e.event === 'salon' && e.salon.name === 'Pendant').length, 1, 'told once');
});

test('an edit, a reaction, a deletion and typing made on one node reach clients on the other, also across a Redis outage', async (t) => {
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 2});
  const [n1, n2] = cluster.nodes as [ChatNode, ChatNode];
  const ann = await n1.user('ann');
  const ben = await n2.user('ben');
  const {message} = await ann.request('send', {salon: 1, text: 'premiere version'});
  await ben.waitFor('message', (e) => e.seq === message.seq, 10_000);

  await ann.request('edit', {salon: 1, seq: message.seq, text: 'première version'});
  t.like(await ben.waitFor('message', (e) => e.kind === 'edit', 10_000), {target: message.seq, text: 'première version'});
  await ben.request('react', {salon: 1, seq: message.seq, emoji: '👍'});
  t.like(await ann.waitFor('message', (e) => e.kind === 'react', 10_000), {target: message.seq, author: 'ben'});
  await ann.request('typing', {salon: 1});
  t.like(await ben.waitFor('typing', (e) => e.salon === 1, 10_000), {username: 'ann', active: true});

  // While Redis is down, changes are stored and acknowledged; the other node catches up.
  await cluster.redis.stop();
  await ann.request('edit', {salon: 1, seq: message.seq, text: 'troisième version'});
  await ann.request('react', {salon: 1, seq: message.seq, emoji: '🎉'});
  await cluster.redis.startAgain();
  t.like(await ben.waitFor('message', (e) => e.kind === 'react' && e.text === '🎉', 30_000), {target: message.seq});
  const seen = ben.events.filter((e) => e.event === 'message' && e.kind !== undefined).map((e) => (e as {seq: number}).seq);
  t.deepEqual(seen, [...seen].sort((a, b) => a - b), 'in seq order');
  t.is(new Set(seen).size, seen.length, 'each once');
  const page = await ben.request('history', {salon: 1});
  t.like(page.messages.find((m) => m.seq === message.seq), {text: 'troisième version'});
  t.deepEqual(page.messages.find((m) => m.seq === message.seq)?.reactions, [
    {emoji: '👍', count: 1, mine: true},
    {emoji: '🎉', count: 1},
  ]);
  await ann.request('delete', {salon: 1, seq: message.seq});
  t.like(await ben.waitFor('message', (e) => e.kind === 'delete', 10_000), {target: message.seq});
});
