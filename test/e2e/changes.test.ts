/**
 * Messages that change, in real terminals: Alice edits, reacts to and deletes messages
 * from the keyboard (the message cursor), Bob sees each change live, and a terminal that
 * signs in afterwards shows the final state.
 */
import test from 'ava';
import {USER_PASSWORD, skipWithoutTmux, terminalSession} from '../helpers/tmux.js';

const PASSWORD = USER_PASSWORD;

test('edit, react and delete from the keyboard: the other terminal sees each change live, a later one the final state', async (t) => {
  if (skipWithoutTmux(t)) return;
  const {term, port} = await terminalSession(t, ['Alice', 'Bob']);
  for (const name of ['alice', 'bob']) await term.open(name, port, {user: name});
  for (const name of ['alice', 'bob']) {
    await term.waitForScreen(name, 'Password');
    await term.type(name, PASSWORD);
    await term.press(name, 'Enter');
  }
  for (const name of ['alice', 'bob']) await term.waitForScreen(name, '● connected');

  await term.type('alice', 'Bonjuor à tous');
  await term.press('alice', 'Enter');
  await term.type('alice', 'Oups, pas ici');
  await term.press('alice', 'Enter');
  await term.waitForScreen('bob', /\d\d:\d\d Alice Oups, pas ici/);

  // ↑ in the empty input: the cursor on the newest message; ↑ again, the one before; e edits it.
  await term.press('alice', 'Up');
  await term.waitForScreen('alice', 'e: edit');
  await term.press('alice', 'Up', 'e');
  await term.waitForScreen('alice', 'Editing your message');
  await term.press('alice', 'C-u');
  await term.type('alice', 'Bonjour à tous');
  await term.press('alice', 'Enter');
  await term.waitForScreen('bob', /\d\d:\d\d Alice Bonjour à tous \(edited\)/);

  // Alt+↑ selects too; + opens the picker; Enter gives the first reaction.
  await term.press('alice', 'M-Up', 'Up', '+');
  await term.waitForScreen('alice', ':tada:');
  await term.type('alice', 'tada');
  await term.press('alice', 'Enter');
  await term.waitForScreen('bob', /Bonjour à tous \(edited\)\s*│?\n.*🎉 1/);

  // d asks first; y deletes: a tombstone, author and time kept.
  await term.press('alice', 'Escape', 'Up', 'd');
  await term.waitForScreen('alice', 'Delete this message? (y/n)');
  await term.press('alice', 'y');
  await term.waitForScreen('bob', /\d\d:\d\d Alice message deleted/);
  t.false((await term.screen('bob')).includes('Oups'));

  // Someone signing in now reads the messages as they stand.
  await term.open('late', port, {user: 'bob'});
  await term.waitForScreen('late', 'Password');
  await term.type('late', PASSWORD);
  await term.press('late', 'Enter');
  const late = await term.waitForScreen('late', /\d\d:\d\d Alice message deleted/);
  t.regex(late, /Alice Bonjour à tous \(edited\)\s*│?\n.*🎉 1/);
  t.false(late.includes('Oups'));
});
