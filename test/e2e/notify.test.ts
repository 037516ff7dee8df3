/**
 * Desktop notifications from the real `chat` binary in tmux: what each client writes to its
 * terminal is recorded with `pipe-pane -o` (the bytes as the program wrote them, before tmux
 * reads them), and another user's mention in a salon the client is not looking at must come
 * out as the exact OSC sequence for its terminal, wrapped for tmux's passthrough.
 */
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import {USER_PASSWORD, pause, skipWithoutTmux, terminalSession} from '../helpers/tmux.js';

const PASSWORD = USER_PASSWORD;
const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;
const tmux = (sequence: string) => `${ESC}Ptmux;${sequence.replaceAll(ESC, ESC + ESC)}${ST}`;

async function waitForFile(path: string, expected: string, timeoutMs = 15_000): Promise<string> {
  let last = '';
  for (const deadline = Date.now() + timeoutMs; ; await pause(100)) {
    last = existsSync(path) ? readFileSync(path, 'latin1') : '';
    if (Buffer.from(last, 'latin1').toString('utf8').includes(expected)) return Buffer.from(last, 'latin1').toString('utf8');
    if (Date.now() > deadline) throw new Error(`${path} never held ${JSON.stringify(expected)}\n--- it held ---\n${JSON.stringify(last.slice(-2000))}`);
  }
}

test('a mention in another salon: OSC 777 (unknown terminal, with the bell), kitty OSC 99, OSC 9, each wrapped for tmux; --on-mention runs; nothing for the salon on screen', async (t) => {
  if (skipWithoutTmux(t)) return;
  const {term, port, onTeardown} = await terminalSession(t, []);
  const dir = mkdtempSync(join(tmpdir(), 'chat-notify-e2e-'));
  onTeardown(() => rmSync(dir, {recursive: true, force: true}));
  const people = ['alice', 'carol', 'dave'];
  // Everyone in Blabla too; the clients open on Général, the first salon.
  for (const name of [...people, 'bob']) {
    const conn = await ClientConnection.open({host: '127.0.0.1', port});
    const alias = name[0]!.toUpperCase() + name.slice(1);
    await conn.request('register', {username: name, alias, password: PASSWORD});
    await conn.request('login', {username: name, password: PASSWORD});
    await conn.request('join', {salon: 2});
    await conn.close();
  }
  const hook = join(dir, 'hook.sh');
  writeFileSync(hook, `#!/bin/sh\nenv | grep '^CHAT_' | sort > ${join(dir, 'hook.tmp')}\nmv ${join(dir, 'hook.tmp')} ${join(dir, 'hook.out')}\n`);
  chmodSync(hook, 0o755);

  await term.open('alice', port, {user: 'alice'});
  await term.open('carol', port, {user: 'carol', env: {KITTY_WINDOW_ID: '1'}});
  await term.open('dave', port, {user: 'dave', args: ['--notify', 'osc9', '--on-mention', `${hook} ignored-argument`]});
  for (const name of people) {
    await term.waitForScreen(name, 'Password');
    await term.type(name, PASSWORD);
    await term.press(name, 'Enter');
  }
  for (const name of people) await term.waitForScreen(name, '● connected');
  // From here on, every byte each client writes to its terminal.
  for (const name of people) await term.tmux('pipe-pane', '-o', '-t', name, `cat >> ${join(dir, name)}`);
  await pause(300);

  const bob = await ClientConnection.open({host: '127.0.0.1', port});
  await bob.request('login', {username: 'bob', password: PASSWORD});
  const text = 'On livre ce soir, @alice @carol @dave ? 🚀';
  await bob.request('send', {salon: 2, text});

  const alice = await waitForFile(join(dir, 'alice'), tmux(`${ESC}]777;notify;Blabla;Bob: ${text}${BEL}`) + BEL);
  t.true(alice.includes(tmux(`${ESC}]777;notify;Blabla;Bob: ${text}${BEL}`) + BEL));
  await waitForFile(join(dir, 'carol'), tmux(`${ESC}]99;i=chat1:d=0:p=title;Blabla${ST}`) + tmux(`${ESC}]99;i=chat1:d=1:p=body;Bob: ${text}${ST}`));
  await waitForFile(join(dir, 'dave'), tmux(`${ESC}]9;[Blabla] Bob: ${text}${BEL}`));
  await waitForFile(join(dir, 'hook.out'), 'CHAT_TEXT');
  t.is(readFileSync(join(dir, 'hook.out'), 'utf8'), `CHAT_CONVERSATION=Blabla\nCHAT_KIND=mention\nCHAT_SENDER=Bob\nCHAT_SENDER_USERNAME=bob\nCHAT_TEXT=${text}\n`);

  // A direct message is addressed to Alice: titled with Bob, whom the conversation is with.
  const dm = (await bob.request('dm', {with: ['alice']})).salon;
  await bob.request('send', {salon: dm.id, text: 'Un mot en privé'});
  await waitForFile(join(dir, 'alice'), tmux(`${ESC}]777;notify;Bob;Bob: Un mot en privé${BEL}`) + BEL);

  // A mention in the salon on screen is seen already: no notification, no bell.
  await bob.request('send', {salon: 1, text: '@alice sous tes yeux'});
  await term.waitForScreen('alice', 'sous tes yeux');
  await pause(500);
  const after = readFileSync(join(dir, 'alice'), 'utf8');
  t.false(after.includes('sous tes yeux' + BEL), 'no notification for the salon on screen');
  t.is(after.split(`${ESC}${ESC}]777;`).length - 1, 2, 'two notifications in all');
  await bob.close();
});
