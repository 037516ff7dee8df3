/**
 * Moderation from a moderator's terminal, end to end: the `chat` binary twice in tmux
 * against the chat-server binary. The moderator kicks with a duration and a reason; the
 * kicked person reads both, at once and when signing in again; the moderator's blocks
 * window (Alt+K, 80x24) counts the kick down and lifts it, and the person is back.
 */
import test from 'ava';
import {ADMIN_PASSWORD, USER_PASSWORD, pause, skipWithoutTmux, terminalSession} from '../helpers/tmux.js';

test('/kick with a duration and a reason, seen by the kicked user; the blocks window counts down and lifts it', async (t) => {
  if (skipWithoutTmux(t)) return;
  const {term, port} = await terminalSession(t, ['Alice']);
  await term.open('alice', port, {user: 'alice'});
  await term.open('admin', port, {user: 'admin', columns: 80, rows: 24});
  for (const [name, password] of [['alice', USER_PASSWORD], ['admin', ADMIN_PASSWORD]] as const) {
    await term.waitForScreen(name, 'Password');
    await term.type(name, password);
    await term.press(name, 'Enter');
    await term.waitForScreen(name, '● connected');
  }

  // Alice floods; the moderator kicks her by her alias, for 30 minutes, saying why.
  await term.type('alice', 'ACHETEZ DES MONTRES');
  await term.press('alice', 'Enter');
  await term.waitForScreen('admin', /\d\d:\d\d Alice ACHETEZ DES MONTRES/);
  await term.type('admin', '/kick Alice 30m flooding the salon');
  await term.press('admin', 'Enter');
  const kicked = await term.waitForScreen('alice', /A moderator disconnected you until \d\d:\d\d \(30 minutes\): flooding the salon/);
  t.true(kicked.includes(`Sign in to 127.0.0.1:${port}`), 'back at the sign-in form');
  await term.waitForScreen('admin', /alice is kicked until \d\d:\d\d/);

  // Signing in again is refused with the same facts (once the connection the kick closed is back).
  await pause(500);
  for (let attempt = 0; attempt < 5; attempt++) {
    await term.type('alice', USER_PASSWORD);
    await term.press('alice', 'Enter');
    const screen = await term.waitForScreen('alice', (s) => /You were kicked until|connection was lost|Wrong username/.test(s));
    if (/You were kicked until \d\d:\d\d \((30|29) minutes to go\): flooding the salon/.test(screen)) break;
    await pause(300);
  }
  await term.waitForScreen('alice', /You were kicked until \d\d:\d\d \((30|29) minutes to go\): flooding the salon/);

  // The moderator's blocks window, on 80x24: the kick, its reason, counting down.
  await term.press('admin', 'M-k');
  const first = await term.waitForScreen('admin', /› alice +kicked +(\d?\d:\d\d) +flooding the salon/);
  t.true(first.includes('Kicks and bans: ↑↓ choose · u lift · Esc close'));
  t.regex(first, /alice: kicked until \d\d:\d\d/);
  t.true(first.split('\n').every((line) => [...line].length <= 80));
  const left = /› alice +kicked +(\d?\d:\d\d)/.exec(first)?.[1];
  await term.waitForScreen('admin', (s) => {
    const now = /› alice +kicked +(\d?\d:\d\d)/.exec(s)?.[1];
    return now !== undefined && now !== left;
  }, 5000);

  // u, then y: lifted; the window lists again.
  await term.press('admin', 'u');
  await term.waitForScreen('admin', 'End the kick of alice now? (y/n)');
  await term.press('admin', 'y');
  await term.waitForScreen('admin', 'Nobody is kicked or banned.');
  await term.waitForScreen('admin', 'alice may sign in again');
  await term.press('admin', 'Escape');
  await term.waitForScreen('admin', (s) => !s.includes('Kicks and bans'));

  // Alice is back.
  await term.type('alice', USER_PASSWORD);
  await term.press('alice', 'Enter');
  await term.waitForScreen('alice', '● connected');
});
