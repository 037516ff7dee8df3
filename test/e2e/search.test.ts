/**
 * Search in a real terminal: the `chat` binary in tmux against the chat-server binary. A word
 * written in a salon and in a direct message is found in both; Enter on the salon's result
 * shows that message in its salon, scrolled back to it; Esc goes back to the results.
 */
import test from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import {USER_PASSWORD, skipWithoutTmux, terminalSession} from '../helpers/tmux.js';

const PASSWORD = USER_PASSWORD;

test('a word in two conversations: both results, Enter shows the message in its salon, Esc goes back to the results', async (t) => {
  if (skipWithoutTmux(t)) return;
  const {term, port} = await terminalSession(t, ['Alice', 'Bob']);
  const conn = await ClientConnection.open({host: '127.0.0.1', port});
  await conn.request('login', {username: 'bob', password: PASSWORD});
  const {salons} = await conn.request('salons', {});
  const general = salons.find((s) => s.name === 'Général')!;
  await conn.request('join', {salon: general.id}).catch(() => {});
  // Far enough back that the salon's pane does not show it (within the server's burst of 30).
  await conn.request('send', {salon: general.id, text: 'Le budget de mars est prêt'});
  for (let i = 1; i <= 25; i++) await conn.request('send', {salon: general.id, text: `ligne ${i}`});
  const dm = (await conn.request('dm', {with: ['alice']})).salon;
  await conn.request('send', {salon: dm.id, text: 'Budgétaire, entre nous'});
  await conn.close();

  await term.open('alice', port, {user: 'alice'});
  await term.waitForScreen('alice', 'Password');
  await term.type('alice', PASSWORD);
  await term.press('alice', 'Enter');
  await term.waitForScreen('alice', '● connected');
  await term.waitForScreen('alice', /Bob ligne 25/);
  t.false((await term.screen('alice')).includes('Le budget de mars'));

  await term.type('alice', '/search budg');
  await term.press('alice', 'Enter');
  // Newest first: the direct message, then the salon; the words found are both there.
  const results = await term.waitForScreen('alice', /Result 1 of 2/);
  t.regex(results, /Search “budg” in every conversation/);
  t.regex(results, /› Bob · Bob · \d\d:\d\d[\s\S]*Budgétaire, entre nous[\s\S]*Général · Bob · \d\d:\d\d[\s\S]*Le budget de mars est prêt/);
  await term.press('alice', 'Down');
  await term.waitForScreen('alice', /› Général · Bob/);
  await term.press('alice', 'Enter');
  // The salon's pane, scrolled back to the message, with the cursor's keys in the status bar.
  const shown = await term.waitForScreen('alice', (s) => !s.includes('Result 2 of 2') && /\d\d:\d\d Bob Le budget de mars est prêt/.test(s));
  t.regex(shown, /Message Général/);
  t.regex(shown, /Esc: back/);
  await term.press('alice', 'Escape');
  await term.waitForScreen('alice', /Result 2 of 2/);
  await term.press('alice', 'Escape');
  await term.waitForScreen('alice', (s) => !s.includes('Result 2 of 2'));
});
