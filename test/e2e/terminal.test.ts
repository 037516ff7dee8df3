/**
 * End to end, in a real terminal: the chat-server binary runs as a child process whose
 * console the test types into (as the operator would), and two `chat` clients run in a
 * private tmux server, driven with send-keys and read back with capture-pane, as two
 * people at their keyboards would use them.
 */
import test from 'ava';
import {backends} from '../helpers/backends.js';
import {Terminals, pause, skipWithoutTmux, startServerProcess} from '../helpers/tmux.js';

// ---- the story ----------------------------------------------------------------------------

test('two people sign up, talk, join salons; the operator accepts a request and kicks, live', async (t) => {
  if (skipWithoutTmux(t)) return;
  const db = await backends[0]!.create();
  const server = startServerProcess(db.dataDir);
  const term = new Terminals();
  try {
    const [, port] = await server.waitFor(/127\.0\.0\.1:(\d+)/);
    t.regex(server.output(), /Authentification réussie pour l'utilisateur admin\./);
    await term.open('alice', Number(port));
    await term.open('bob', Number(port));

    // Each person creates an account with Ctrl+R, and is signed in with it at once.
    const signUpAndIn = async (who: string, alias: string, password: string) => {
      await term.waitForScreen(who, `Sign in to 127.0.0.1:${port}`, 20_000);
      await term.press(who, 'C-r');
      await term.waitForScreen(who, 'Create an account on');
      for (const [i, value] of [who, alias, password, password].entries()) {
        if (i > 0) await term.press(who, 'Tab');
        await term.type(who, value);
      }
      await term.waitForScreen(who, new RegExp(`› Confirm password +•{${password.length}}`));
      await term.press(who, 'Enter');
      await term.waitForScreen(who, new RegExp(`● connected ${alias} @ 127\\.0\\.0\\.1:${port}.*Account ${who} created\\. Welcome!`));
    };
    await signUpAndIn('alice', 'Alice', 'alice password 1');
    await signUpAndIn('bob', 'Bob', 'bob password 2');

    // Both are in Général: what Alice types appears on Bob's screen.
    await term.type('alice', 'Bonjour Bob, un café ?');
    await term.press('alice', 'Enter');
    await term.waitForScreen('bob', /\d\d:\d\d Alice Bonjour Bob, un café \?/);

    // Bob joins the open salon Blabla with Alt+2, then y.
    await term.press('bob', 'M-2');
    await term.waitForScreen('bob', 'Join salon Blabla? (y/n)');
    await term.press('bob', 'y');
    await term.waitForScreen('bob', (s) => s.includes('You joined Blabla.') || s.includes('Bob joined salon Blabla.'));
    await server.waitFor(/Utilisateur bob ajouté au salon 2\./);

    // Alice asks to join the moderated salon Comptabilité: a request, waiting.
    await term.press('alice', 'M-3');
    const question = await term.waitForScreen('alice', 'Join salon Comptabilité? (y/n)');
    t.true(question.includes('A moderator must accept the request.'));
    await term.press('alice', 'y');
    const waiting = await term.waitForScreen('alice', 'Request sent for Comptabilité: waiting for a moderator.');
    t.regex(waiting, /^│…3 Comptabilité +│/m, 'the salon list marks the request');
    await server.waitFor(/Demande d'adhésion de alice pour le salon Comptabilité\./);

    // The operator accepts from the console: Alice is in, live, on the same connection.
    server.type('ACCEPT:alice:Comptabilité');
    const joined = await term.waitForScreen('alice', 'Alice joined salon Comptabilité.');
    t.regex(joined, /^│ 3 Comptabilité +│/m, 'no longer marked as waiting');
    await server.waitFor(/Utilisateur alice ajouté au salon 3\./);
    t.is(server.output().match(/Connexion établie avec alice /g)?.length, 1, 'no reconnect was needed');

    await term.type('alice', 'Les comptes sont prêts.');
    await term.press('alice', 'Enter');
    await term.waitForScreen('alice', /\d\d:\d\d Alice Les comptes sont prêts\./);

    // The operator kicks Alice: she is told plainly, back at the sign-in form.
    server.type('KICK:alice');
    const kicked = await term.waitForScreen('alice', /A moderator disconnected you until \d\d:\d\d \(5 minutes\)\./);
    t.true(kicked.includes(`Sign in to 127.0.0.1:${port}`), 'the sign-in form is shown');
    await server.waitFor(/alice expulsé/);
    // Bob is not touched by Alice's kick: still signed in, his next message is sent and stored
    // (his screen alone could show a line the server never took).
    await term.press('bob', 'M-1');
    await term.type('bob', 'Toujours là.');
    await term.press('bob', 'Enter');
    await term.waitForScreen('bob', (s) => /\d\d:\d\d Bob Toujours là\./.test(s) && /● connected Bob @ \S+/.test(s));
    const stored = async () => (await db.query<{contenu: string}>("SELECT contenu FROM messages WHERE contenu = 'Toujours là.'")).length === 1;
    const deadline = Date.now() + 10_000;
    while (!(await stored()) && Date.now() < deadline) await pause(100);
    t.true(await stored(), "Bob's message after the kick is stored");
  } finally {
    await term.close();
    server.child.kill('SIGKILL');
    await db.drop();
  }
});
