/** A webhook made on one node's console posts through that node; users of another node get it live. */
import {createServer} from 'node:net';
import test from 'ava';
import {type ChatNode, clusterRequirements, startCluster} from '../helpers/cluster.js';

/** A port free now, for a listener started by a child process. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number};
      server.close(() => resolve(port));
    });
  });

test('a hook post on one node reaches members on another, once, marked as a bot', async (t) => {
  if (!(await clusterRequirements(t))) return;
  const http = await freePort();
  const cluster = await startCluster(t, {nodes: 2, nodeArgs: (id) => (id === 'n1' ? ['--http-port', String(http)] : [])});
  const [n1, n2] = cluster.nodes as [ChatNode, ChatNode];
  const ben = await n2.user('ben');
  const [, url] = await n1.command('HOOK ADD:Général:Deploy', /^\s+(http:\/\/\S+)$/m);
  const body = JSON.stringify({text: 'v2.3 deployed', sendId: 'deploy-23'});
  const answers = await Promise.all([1, 2].map(() => fetch(url as string, {method: 'POST', body, headers: {'Content-Type': 'application/json'}}).then((r) => r.status)));
  t.deepEqual(answers, [200, 200]);
  const got = await ben.waitFor('message', (e) => e.text === 'v2.3 deployed', 10_000);
  t.like(got, {alias: 'Deploy', bot: true});
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.is(ben.events.filter((e) => e.event === 'message' && (e as {text?: string}).text === 'v2.3 deployed').length, 1, 'posted once');
  await n1.command('HOOKS', /Deploy → Général/);
});

test('a bot made on one node signs in on another, posts to members of both, and BOT REVOKE on the first ends its session on the second', async (t) => {
  if (!(await clusterRequirements(t))) return;
  const cluster = await startCluster(t, {nodes: 2});
  const [n1, n2] = cluster.nodes as [ChatNode, ChatNode];
  const ann = await n1.user('ann');
  const [, token] = await n1.command('BOT ADD:ci:Général', /^\s+(bot_\S+)$/m);
  const bot = await n2.connect();
  const login = await bot.request('resume', {token: token as string});
  t.is(login.user.role, 'bot');
  await bot.request('send', {salon: 'Général', text: 'nightly ok'});
  t.like(await ann.waitFor('message', (e) => e.text === 'nightly ok', 10_000), {author: 'ci', bot: true});
  await n1.command('BOT REVOKE:ci', /revoked/);
  await bot.waitFor('banned', undefined, 10_000);
  const again = await n2.connect();
  t.is(await again.request('resume', {token: token as string}).then(() => 'ok', (e: {code: string}) => e.code), 'INVALID_TOKEN');
});
