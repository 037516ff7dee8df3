/**
 * A node dies (SIGKILL) while users of the other nodes keep writing: its users show offline
 * everywhere once its silence is noticed, its clients resume their sessions on the surviving nodes with
 * their tokens, catch up with history after the last seq they had, and miss nothing.
 */
import test from 'ava';
import type {LoginResult} from '../../source/protocol/frames.js';
import {
  type ChatNode,
  ackedVersusStored,
  burst,
  catchUp,
  clusterRequirements,
  liveTranscript,
  merge,
  onlineMap,
  received,
  sequenceProblems,
  startCluster,
  storedTranscript,
  until,
  within,
} from '../helpers/cluster.js';

test('a killed node: its users go offline everywhere, resume on another node and catch up', async (t) => {
  t.timeout(180_000);
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 3});
  const [n1, n2, n3] = cluster.nodes as [ChatNode, ChatNode, ChatNode];

  // vic and val are on n3, the node that will die; wes (n1) and wil (n2) watch Général's
  // member list and keep writing.
  const vic = await n3.user('vic');
  const val = await n3.user('val');
  const wes = await n1.user('wes');
  const wil = await n2.user('wil');
  for (const watcher of [wes, wil]) {
    const seen = async () => {
      const online = await onlineMap(watcher, 1);
      return online.vic === true && online.val === true;
    };
    t.true(await until(seen, 5000), `${watcher.username} sees vic and val online before the kill`);
  }

  const flow = burst([wes, wil], {window: 1, salons: [1], prefix: 'f'});
  t.true(await until(() => received(vic, 1).length >= 20 && received(val, 1).length >= 20, 30_000), 'vic and val receive live before the kill');

  await n3.kill('SIGKILL');
  const killedAt = Date.now();
  await within(5000, Promise.all([vic.closed, val.closed]), "the clients of n3 seeing their connection close");
  const known = {vic: received(vic, 1).at(-1)?.seq ?? 0, val: received(val, 1).at(-1)?.seq ?? 0};
  const ackedAtKill = flow.acked().length;

  // Offline everywhere: presence events and the members list. The node's silence is noticed
  // after its 10 s TTL (source/server/cluster.ts); the 45 s bound only catches a user who
  // never goes offline, and the time is logged.
  for (const watcher of [wes, wil]) {
    for (const username of ['vic', 'val']) {
      const event = await watcher.waitFor('presence', (e) => e.username === username && !e.online, Math.max(1, 45_000 - (Date.now() - killedAt)));
      t.false(event.online);
      t.log(`${watcher.username} saw ${username} offline ${Date.now() - killedAt} ms after the kill`);
    }
    const online = await onlineMap(watcher, 1);
    t.deepEqual([online.vic, online.val, online.wes, online.wil], [false, false, true, true], `the member list seen by ${watcher.username}`);
  }
  t.true(await until(() => flow.acked().length >= ackedAtKill + 20, 30_000), 'the surviving nodes keep acknowledging sends');

  // The clients of n3 come back on n1 and n2 with their tokens.
  const vicAgain = await n1.resume('vic', vic.token);
  const valAgain = await n2.resume('val', val.token);
  for (const [client, username] of [[vicAgain, 'vic'], [valAgain, 'val']] as const) {
    const login = client.login as LoginResult;
    t.is(login.user.username, username, `${username} resumed`);
    const general = login.salons.find((s) => s.id === 1);
    t.true((general?.lastSeq ?? 0) > known[username], `${username} is told that messages were written meanwhile`);
  }
  for (const watcher of [wes, wil]) {
    await watcher.waitFor('presence', (e) => e.username === 'vic' && e.online, 5000);
    await watcher.waitFor('presence', (e) => e.username === 'val' && e.online, 5000);
  }
  // Some messages arrive live on the new connections before the writers stop.
  t.true(await until(() => received(vicAgain, 1).length >= 5 && received(valAgain, 1).length >= 5, 30_000), 'live messages after the resume');
  await flow.stop();
  t.deepEqual(flow.sent.filter((s) => s.code !== 'ok').map((s) => `${s.clientMsgId}: ${s.code}`), [], 'every send of the surviving nodes is acknowledged');

  const stored = await cluster.stored();
  const expected = storedTranscript(stored, 1);
  t.deepEqual(ackedVersusStored(flow.sent, stored), [], 'every acknowledged message is stored, as acknowledged, once');
  t.is(stored.length, flow.sent.length, 'and nothing else is stored');
  for (const [before, after, username] of [[vic, vicAgain, 'vic'], [val, valAgain, 'val']] as const) {
    t.deepEqual(sequenceProblems(received(before, 1)), [], `${username}: what came live before the kill is in order`);
    const live = received(after, 1);
    t.deepEqual(sequenceProblems(live, live[0]?.seq ?? 1), [], `${username}: what comes live after the resume is in order`);
    // As the client does after a resume: history after the last seq it had.
    const missed = await catchUp(after, 1, known[username]);
    const view = merge(received(before, 1), missed, live);
    t.deepEqual(view.conflicts, [], `${username}: live and history agree`);
    t.deepEqual(view.lines, expected, `${username} has every stored message, in order, once`);
  }
  // The watchers never lost their connection: everything live, in stored order.
  await until(() => [wes, wil].every((w) => received(w, 1).length >= expected.length), 30_000);
  for (const watcher of [wes, wil]) t.deepEqual(liveTranscript(watcher, 1), expected, `${watcher.username} saw every message live, in order`);
});
