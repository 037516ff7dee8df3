/**
 * Direct messages and salons made at run time, in real terminals: the `chat` binary three
 * times in tmux against the chat-server binary. Two people write to each other directly, a
 * third (a moderator) sees nothing of it and creates a salon that appears at once for the others.
 */
import test from 'ava';
import {ADMIN_PASSWORD, USER_PASSWORD, skipWithoutTmux, terminalSession} from '../helpers/tmux.js';

const PASSWORD = USER_PASSWORD;

test('a direct message in three terminals: both people see it live in their Direct section, the third nothing; a new salon appears live', async (t) => {
  if (skipWithoutTmux(t)) return;
  const {term, port} = await terminalSession(t, ['Alice', 'Bob']);
  // Signed in side by side: each terminal starts while the others wait for their password.
  const people = [['alice', PASSWORD], ['bob', PASSWORD], ['admin', ADMIN_PASSWORD]] as const;
  for (const [name] of people) await term.open(name, port, {user: name});
  for (const [name, password] of people) {
    await term.waitForScreen(name, 'Password');
    await term.type(name, password);
    await term.press(name, 'Enter');
  }
  for (const [name] of people) await term.waitForScreen(name, '● connected');

  // Alice writes to Bob directly: the conversation opens on her screen, under Direct.
  await term.type('alice', '/msg bob Salut Bob, en privé');
  await term.press('alice', 'Enter');
  await term.waitForScreen('alice', /\d\d:\d\d Alice Salut Bob, en privé/);
  // Named after the other person, numbered after the five salons; read, since it is on screen.
  const alice = await term.waitForScreen('alice', /^│ 6 Bob +│/m);
  t.regex(alice, /^│ Direct +│.*\n│ 6 Bob/m);
  // Bob sees it arrive live, as a mention, and opens it with Alt+6.
  const bob = await term.waitForScreen('bob', /^│ 6 Alice +@1│/m);
  t.regex(bob, /^│ Direct +│/m);
  await term.press('bob', 'M-6');
  await term.waitForScreen('bob', /\d\d:\d\d Alice Salut Bob, en privé/);
  await term.type('bob', 'Oui, je t’écoute.');
  await term.press('bob', 'Enter');
  await term.waitForScreen('alice', /\d\d:\d\d Bob Oui, je t’écoute\./);

  // The moderator sees none of it: no Direct section, and the switcher does not find it.
  const admin = await term.screen('admin');
  t.false(admin.includes('Direct'), admin);
  t.false(admin.includes('Salut Bob'));
  await term.press('admin', 'C-k');
  await term.type('admin', 'bob');
  const switcher = await term.waitForScreen('admin', /Go to salon: type to filter/);
  t.false(switcher.includes('· Direct'), switcher);
  await term.press('admin', 'Escape');
  await term.waitForScreen('admin', (s) => !s.includes('Go to salon'));
  // Nor with /join and its number (the sixth conversation, after the five salons).
  await term.type('admin', '/join 6');
  await term.press('admin', 'Enter');
  await term.waitForScreen('admin', 'There is no salon called 6.');

  // A salon made by the moderator appears in Alice's list at once, above her direct messages.
  await term.type('admin', '/salon create Projets');
  await term.press('admin', 'Enter');
  const after = await term.waitForScreen('alice', /^│\+6 Projets +│/m);
  t.regex(after, /^│ 7 Bob +│/m, 'the direct message follows the salons');
});
