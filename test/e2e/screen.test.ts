/**
 * What only a real terminal shows: the `chat` binary in tmux, against the chat-server binary.
 * Accounts are made over the protocol; everything after that goes through the keyboard.
 */
import test, {type ExecutionContext} from 'ava';
import {Terminals, USER_PASSWORD, skipWithoutTmux, terminalSession} from '../helpers/tmux.js';

const PASSWORD = USER_PASSWORD;

const setup = (t: ExecutionContext, aliases: string[]) => terminalSession(t, aliases);

async function signIn(term: Terminals, name: string, port: number, options: {columns?: number; rows?: number; lang?: 'en' | 'fr'} = {}) {
  await term.open(name, port, {user: name, ...options});
  await term.waitForScreen(name, /Password|Mot de passe/);
  await term.type(name, PASSWORD);
  await term.press(name, 'Enter');
  await term.waitForScreen(name, /● (connected|connecté)/);
}

test('emoji, flags and CJK in a message: every border stays in its column in a real terminal', async (t) => {
  if (skipWithoutTmux(t)) return;
  const {term, port} = await setup(t, ['Alice', 'Bob']);
  await signIn(term, 'alice', port);
  await signIn(term, 'bob', port);
  const text = '👩‍👩‍👧 🇫🇷 ⚠️ 한국어 漢字';
  await term.type('alice', text);
  await term.press('alice', 'Enter');
  for (const who of ['bob', 'alice']) {
    // tmux 3.3 draws ⚠️ in one column: the client writes it as ⚠, which everyone agrees on.
    await term.waitForScreen(who, /\d\d:\d\d Alice 👩‍👩‍👧 🇫🇷 ⚠\ufe0f? 한국어 漢字/);
    const boxed = (await term.screen(who)).split('\n').filter((row) => row.endsWith('│'));
    const widths = await term.widths(boxed);
    t.true(boxed.length > 20);
    const moved = boxed.filter((_, i) => widths[i] !== 100);
    t.deepEqual(moved, [], `${who}: rows that tmux does not draw 100 columns wide, so their right border moved`);
  }
});

test('thirty pasted lines become one message, sent once confirmed; nothing is left waiting', async (t) => {
  if (skipWithoutTmux(t)) return;
  const {term, port, db} = await setup(t, ['Alice', 'Bob']);
  await signIn(term, 'alice', port);
  await signIn(term, 'bob', port);
  const lines = Array.from({length: 30}, (_, i) => `line ${i + 1} of the log`);
  // tmux brackets the paste only if the client asked for it (ESC[?2004h).
  await term.paste('alice', lines.join('\n') + '\n');
  await term.waitForScreen('alice', /│ ↑ line 27 of the log/);
  await term.press('alice', 'Enter');
  await term.waitForScreen('alice', 'Send these 30 lines (');
  await term.press('alice', 'y');
  await term.waitForScreen('bob', /^│ +││ +line 30 of the log +│$/m);
  const alice = await term.waitForScreen('alice', /line 30 of the log/);
  t.false(alice.includes('sending…'));
  const stored = await db.query<{text: string}>('SELECT contenu AS text FROM messages');
  t.deepEqual(stored.map((m) => m.text), [lines.join('\n')]);
});
