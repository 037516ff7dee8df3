/**
 * End-to-end fixtures: the chat-server binary as a child process with its console on a pipe,
 * and `chat` clients in a private tmux server, driven with send-keys and paste-buffer and
 * read back with capture-pane, as people at their keyboards would use them.
 */
import {type ChildProcessWithoutNullStreams, execFile, spawn, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import type {ExecutionContext} from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import {backends} from './backends.js';

const run = promisify(execFile);
const SERVER_BIN = fileURLToPath(new URL('../../../bin/chat-server.js', import.meta.url));
const CLIENT_BIN = fileURLToPath(new URL('../../../bin/chat.js', import.meta.url));
const BASE_ENV = {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp'};
export const ADMIN_PASSWORD = 'moderator secret 42';

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
export const hasTmux = () => spawnSync('tmux', ['-V']).status === 0;

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  type(line: string): void;
  /** The port it listens on, once it says so. */
  port(): Promise<number>;
}

export function startServerProcess(dataDir: string, lang: 'en' | 'fr' = 'fr'): ServerProcess {
  const args = [SERVER_BIN, '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--lang', lang];
  const child = spawn(process.execPath, args, {env: {...BASE_ENV, CHAT_ADMIN_USER: 'admin', CHAT_ADMIN_PASSWORD: ADMIN_PASSWORD}});
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const server: ServerProcess = {
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
    port: async () => Number((await server.waitFor(/127\.0\.0\.1:(\d+)/))[1]),
  };
  return server;
}

export interface OpenOptions {
  columns?: number;
  rows?: number;
  lang?: 'en' | 'fr';
  user?: string;
  /** More flags for the client. */
  args?: readonly string[];
  /** More environment for the client, as its terminal would have set it. */
  env?: Readonly<Record<string, string>>;
}

export class Terminals {
  readonly socket = `chat-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;
  private started = false;

  tmux(...args: string[]) {
    return run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {env: {...BASE_ENV, LANG: 'C.UTF-8'}});
  }

  /** Opens a terminal named `name` (100x30 unless told) running the chat client. */
  async open(name: string, port: number, {columns = 100, rows = 30, lang = 'en', user, args = [], env = {}}: OpenOptions = {}): Promise<void> {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const client = ['env', 'LANG=C.UTF-8', 'TERM=xterm-256color', ...vars, process.execPath, CLIENT_BIN, '--host', '127.0.0.1', '--port', String(port), '--lang', lang];
    if (user) client.push('--user', user);
    client.push(...args);
    // A client that crashes leaves its last words on screen instead of taking the pane away.
    const keep = this.started ? [] : [';', 'set-option', '-g', 'remain-on-exit', 'on'];
    await this.tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), client.map(quote).join(' '), ...keep);
    this.started = true;
  }

  screen(target: string): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', target).then((r) => r.stdout);
  }

  /**
   * How many columns tmux itself gives each line: each is printed in a wide scratch pane and
   * the cursor's column read back. The judge of a layout is the terminal, not a width function.
   */
  async widths(lines: readonly string[]): Promise<number[]> {
    const dir = mkdtempSync(join(tmpdir(), 'chat-widths-'));
    try {
      writeFileSync(join(dir, 'in'), lines.join('\n') + '\n');
      // Inside the pane, $TMUX names this server: `tmux display` asks it where the cursor is.
      const script = `while IFS= read -r line; do printf '\\r\\033[2K%s' "$line"; sleep 0.05; tmux display -p '#{cursor_x}' >> out; done < in; touch done`;
      await this.tmux('new-session', '-d', '-s', 'widths', '-x', '400', '-y', '5', '-c', dir, `env LANG=C.UTF-8 bash -c ${quote(script)}`);
      for (const deadline = Date.now() + 20_000; !existsSync(join(dir, 'done')); await pause(50)) {
        if (Date.now() > deadline) throw new Error('the scratch pane did not measure in time');
      }
      return readFileSync(join(dir, 'out'), 'utf8').trim().split('\n').map(Number);
    } finally {
      await this.tmux('kill-session', '-t', 'widths').catch(() => {});
      rmSync(dir, {recursive: true, force: true});
    }
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

  /** Pastes as the terminal does: bracketed when the application asked for it (tmux knows). */
  async paste(target: string, text: string): Promise<void> {
    await this.tmux('set-buffer', '-b', 'e2e', text);
    await this.tmux('paste-buffer', '-p', '-d', '-b', 'e2e', '-t', target);
    await pause(60);
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

/** The password of the accounts `terminalSession` registers. */
export const USER_PASSWORD = 'a long enough password';

/**
 * Without tmux: fails under CI (.ci/run installs it), else passes with a notice. True when
 * the test must stop there.
 */
export function skipWithoutTmux(t: ExecutionContext): boolean {
  if (hasTmux()) return false;
  if (process.env.CI === 'true') t.fail('tmux is not installed; .ci/run installs it.');
  else {
    console.log('NOTICE: skipping a terminal end-to-end test: tmux is not installed');
    t.pass();
  }
  return true;
}

/**
 * A chat-server process on a fresh SQLite database with these accounts (username: the
 * alias in lower case, password USER_PASSWORD), and a tmux server for the terminals; all
 * torn down after the test.
 */
export async function terminalSession(t: ExecutionContext, aliases: readonly string[], lang: 'en' | 'fr' = 'fr') {
  const db = await backends[0]!.create();
  const server = startServerProcess(db.dataDir, lang);
  const term = new Terminals();
  const cleanups: (() => void)[] = [];
  t.teardown(async () => {
    await term.close();
    server.child.kill('SIGKILL');
    await db.drop();
    for (const fn of cleanups) fn();
  });
  const port = await server.port();
  const conn = await ClientConnection.open({host: '127.0.0.1', port});
  for (const alias of aliases) await conn.request('register', {username: alias.toLowerCase(), alias, password: USER_PASSWORD});
  await conn.close();
  return {server, term, port, db, onTeardown: (fn: () => void) => void cleanups.push(fn)};
}
