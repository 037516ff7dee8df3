/**
 * `chat-server --dashboard` in a real 80x24 terminal (tmux): the operator signs in from the
 * environment, the dashboard takes the screen, keys act on the server, and Ctrl+C then y
 * stops it and gives the normal screen back.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import {freePort, spawnNode} from '../helpers/cluster.js';
import {ADMIN_PASSWORD, Terminals, USER_PASSWORD, skipWithoutTmux} from '../helpers/tmux.js';

const SERVER_BIN = fileURLToPath(new URL('../../../bin/chat-server.js', import.meta.url));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('chat-server --dashboard in 80x24: panels render, one key accepts a request, : runs a command, Ctrl+C y stops', async (t) => {
  if (skipWithoutTmux(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'chat-dashboard-'));
  const term = new Terminals();
  t.teardown(async () => {
    await term.close();
    rmSync(dir, {recursive: true, force: true});
  });
  const port = await freePort();
  const env = ['env', 'LANG=C.UTF-8', 'TERM=xterm-256color', 'CHAT_ADMIN_USER=admin', `CHAT_ADMIN_PASSWORD=${ADMIN_PASSWORD}`];
  const command = [...env, process.execPath, SERVER_BIN, '--host', '127.0.0.1', '--port', String(port), '--data-dir', dir, '--lang', 'en', '--dashboard'];
  await term.tmux('new-session', '-d', '-s', 'ops', '-x', '80', '-y', '24', command.map(quote).join(' '), ';', 'set-option', '-g', 'remain-on-exit', 'on');
  await term.waitForScreen('ops', /1 Sessions 0 +2 Requests 0 +3 Blocks/);

  const conn = await ClientConnection.open({host: '127.0.0.1', port});
  await conn.request('register', {username: 'bob', alias: 'Bob', password: USER_PASSWORD});
  await conn.request('login', {username: 'bob', password: USER_PASSWORD});
  await conn.request('join', {salon: 'Comptabilité'});
  t.teardown(() => conn.close());
  // The session and the request reach the dashboard by different paths: the screen that shows both.
  const sessions = await term.waitForScreen('ops', /1 Sessions 1 +2 Requests 1[\s\S]*║ bob +127\.0\.0\.1 +\S+ +\d\d:\d\d:\d\d/);
  const rows = sessions.split('\n');
  t.true(rows.length <= 25, `${rows.length} rows`);
  t.true(rows.every((row) => [...row].length <= 80));

  await term.press('ops', '2');
  await term.waitForScreen('ops', /║ bob +Bob +Comptabilité/);
  await term.press('ops', 'a');
  await term.waitForScreen('ops', 'bob accepted into Comptabilité.');
  await term.waitForScreen('ops', 'No join request is waiting.');

  await term.press('ops', '4');
  await term.waitForScreen('ops', /admin@\S+ +accept +bob #Comptabilité +ok/);

  await term.type('ops', ':');
  await term.type('ops', 'WHO');
  await term.press('ops', 'Enter');
  // A one-line answer shows on the status line; the console panel keeps the whole exchange.
  await term.waitForScreen('ops', /^bob \(Bob\), 1 connection\(s\)/m);
  await term.press('ops', '6');
  await term.waitForScreen('ops', /║ > WHO +║\n║ bob \(Bob\), 1 connection\(s\)/);

  await term.press('ops', 'C-c');
  await term.waitForScreen('ops', /y\/n +Stop the server\?/);
  await term.press('ops', 'y');
  const after = await term.waitForScreen('ops', 'Server stopped.');
  t.regex(after, /Authentication succeeded for user admin\./, 'the normal screen is back');
});

test('chat-server --dashboard without a terminal says so and keeps the line prompt, for scripts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-dashboard-'));
  const node = spawnNode({id: 'solo', dataDir: dir, args: ['--dashboard']});
  t.teardown(async () => {
    await node.kill();
    rmSync(dir, {recursive: true, force: true});
  });
  await node.waitFor(/The dashboard needs a terminal: the line prompt is used instead\./);
  const [answer] = await node.command('WHO', /Nobody is connected\./);
  t.truthy(answer, 'the line prompt answers as before');
});
