/**
 * End to end, in a real terminal: the chat-server binary runs as a child process whose
 * console the test types into (as the operator would), and two `chat` clients run in a
 * private tmux server, driven with send-keys and read back with capture-pane, as two
 * people at their keyboards would use them.
 */
import {type ChildProcessWithoutNullStreams, execFile, spawn, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {rmSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import test from 'ava';
import {backends} from '../helpers/backends.js';

const run = promisify(execFile);
const SERVER_BIN = fileURLToPath(new URL('../../../bin/chat-server.js', import.meta.url));
const CLIENT_BIN = fileURLToPath(new URL('../../../bin/chat.js', import.meta.url));
const BASE_ENV = {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp'};
const ADMIN_PASSWORD = 'moderator secret 42';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const hasTmux = () => spawnSync('tmux', ['-V']).status === 0;

// ---- the server, with its console on a pipe ---------------------------------------------

interface Server {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  type(line: string): void;
}

function startServer(dataDir: string): Server {
  const args = [SERVER_BIN, '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--lang', 'fr'];
  const child = spawn(process.execPath, args, {env: {...BASE_ENV, CHAT_ADMIN_USER: 'admin', CHAT_ADMIN_PASSWORD: ADMIN_PASSWORD}});
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return {
    child,
    output: () => out,
    type: (line) => child.stdin.write(line + '\n'),
    async waitFor(pattern, timeoutMs = 10_000) {
      for (const deadline = Date.now() + timeoutMs; ; await pause(20)) {
        const match = out.match(pattern);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`server console never printed ${pattern}\n--- console ---\n${out}`);
      }
    },
  };
}

// ---- the terminals: a private tmux server ----------------------------------------------

class Terminals {
  readonly socket = `chat-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;
  private started = false;

  tmux(...args: string[]) {
    return run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {env: {...BASE_ENV, LANG: 'C.UTF-8'}});
  }

  /** Opens a 100x30 terminal named `name` running the chat client. */
  async open(name: string, port: number): Promise<void> {
    const client = ['env', 'LANG=C.UTF-8', 'TERM=xterm-256color', process.execPath, CLIENT_BIN, '--host', '127.0.0.1', '--port', String(port), '--lang', 'en'];
    // A client that crashes leaves its last words on screen instead of taking the pane away.
    const keep = this.started ? [] : [';', 'set-option', '-g', 'remain-on-exit', 'on'];
    await this.tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', client.map(quote).join(' '), ...keep);
    this.started = true;
  }

  screen(target: string): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', target).then((r) => r.stdout);
  }

  /** Types text as a person would, then lets the client read it before the next key. */
  async type(target: string, text: string): Promise<void> {
    await this.tmux('send-keys', '-t', target, '-l', text);
    await pause(60);
  }

  /** Presses named keys one at a time: Enter, Tab, C-r, M-2, y... */
  async press(target: string, ...keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.tmux('send-keys', '-t', target, key);
      await pause(60);
    }
  }

  /** Polls the screen until it matches; on timeout, fails with what the screen last showed. */
  async waitForScreen(target: string, expected: RegExp | string | ((screen: string) => boolean), timeoutMs = 20_000): Promise<string> {
    const matches = (s: string) => (typeof expected === 'string' ? s.includes(expected) : expected instanceof RegExp ? expected.test(s) : expected(s));
    let last = '';
    for (const deadline = Date.now() + timeoutMs; ; await pause(100)) {
      last = await this.screen(target).catch((error: Error) => `(capture-pane failed: ${error.message})`);
      if (matches(last)) return last;
      if (Date.now() > deadline) {
        const what = typeof expected === 'function' ? expected.toString() : String(expected);
        throw new Error(`${target}'s screen never showed ${what} within ${timeoutMs} ms\n--- ${target}'s screen ---\n${last}`);
      }
    }
  }

  /** Stops the tmux server and removes its socket, which tmux leaves behind. */
  async close(): Promise<void> {
    const path = await this.tmux('display-message', '-p', '#{socket_path}').then((r) => r.stdout.trim(), () => '');
    await this.tmux('kill-server').catch(() => {});
    if (path) rmSync(path, {force: true});
  }
}

// ---- the story ----------------------------------------------------------------------------

test('two people sign up, talk, join salons; the operator accepts a request and kicks, live', async (t) => {
  if (!hasTmux()) {
    if (process.env.CI === 'true') return t.fail('tmux is not installed; .ci/run installs it.');
    console.log('NOTICE: skipping the terminal end-to-end test: tmux is not installed');
    return t.pass();
  }
  const db = await backends[0]!.create();
  const server = startServer(db.dataDir);
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
    const kicked = await term.waitForScreen('alice', 'A moderator disconnected you. You can sign in again in 5 minute(s).');
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
