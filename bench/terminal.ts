/**
 * The real `chat` binary in a real pseudo-terminal: a private tmux server (its own socket,
 * no user configuration), driven with send-keys and read with capture-pane, as the
 * end-to-end tests do. Its output is also copied (pipe-pane) into a FIFO the coordinator
 * reads, to count the frames the client draws: Ink wraps every frame it writes to a
 * terminal in a synchronized-update pair (ESC [?2026h ... ESC [?2026l).
 */
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {createReadStream, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';

const run = promisify(execFile);
const CLIENT_BIN = fileURLToPath(new URL('../../bin/chat.js', import.meta.url));
const FRAME_START = '\u001b[?2026h';
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The node flags on the first line of bin/chat.js (#!/usr/bin/env -S node FLAGS). */
function nodeFlags(): string[] {
  const first = readFileSync(CLIENT_BIN, 'utf8').split('\n', 1)[0] ?? '';
  return first.split(/\s+/).filter((word) => word.startsWith('--'));
}

export interface ClientTerminalOptions {
  port: number;
  user: string;
  columns: number;
  rows: number;
  /** --max-old-space-size for the client's V8 heap, MB; 0: Node's default. */
  heapMB: number;
  workDir: string;
}

export class ClientTerminal {
  private readonly socket = `chat-bench-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly fifo: string;
  /** Frames the client wrote since the pipe was opened. */
  frames = 0;
  bytes = 0;
  private tailText = '';
  private piping = false;

  private constructor(private readonly opts: ClientTerminalOptions) {
    this.fifo = join(opts.workDir, 'client-output.fifo');
  }

  static async open(opts: ClientTerminalOptions): Promise<ClientTerminal> {
    const term = new ClientTerminal(opts);
    const env = ['env', '-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, `HOME=${process.env.HOME ?? '/tmp'}`, 'LANG=C.UTF-8', 'TERM=xterm-256color'];
    // As `chat` on the PATH runs: node with the flags of the binary's first line (a heap
    // limit asked for replaces its own: NODE_OPTIONS would lose to the command line).
    const flags = nodeFlags().filter((f) => !(opts.heapMB > 0 && f.startsWith('--max-old-space-size=')));
    if (opts.heapMB > 0) flags.push(`--max-old-space-size=${opts.heapMB}`);
    const client = [...env, process.execPath, ...flags, CLIENT_BIN, '--host', '127.0.0.1', '--port', String(opts.port), '--user', opts.user, '--lang', 'en'];
    // remain-on-exit: a client that dies (out of memory) leaves its last words to read.
    await term.tmux('new-session', '-d', '-s', 'chat', '-x', String(opts.columns), '-y', String(opts.rows), client.map(quote).join(' '), ';', 'set-option', '-g', 'remain-on-exit', 'on');
    return term;
  }

  tmux(...args: string[]) {
    return run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {env: {PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8'}});
  }

  /** The client's process id (tmux runs `env`, which becomes node). */
  async pid(): Promise<number> {
    return Number((await this.tmux('display-message', '-p', '-t', 'chat', '#{pane_pid}')).stdout.trim());
  }

  async dead(): Promise<boolean> {
    const out = await this.tmux('display-message', '-p', '-t', 'chat', '#{pane_dead}').catch(() => ({stdout: '1'}));
    return out.stdout.trim() === '1';
  }

  screen(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', 'chat').then((r) => r.stdout);
  }

  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    let last = '';
    for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
      last = await this.screen().catch(() => last);
      if (pattern.test(last)) return last;
      if (Date.now() > deadline || (await this.dead())) throw new Error(`the chat client never showed ${pattern}; its screen:\n${last}`);
    }
  }

  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'chat', '-l', text);
    await sleep(60);
  }

  async press(key: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'chat', key);
    await sleep(60);
  }

  /** Starts copying the client's output into a FIFO read here; counts frames and bytes. */
  async countFrames(): Promise<void> {
    await run('mkfifo', [this.fifo]);
    const stream = createReadStream(this.fifo, {encoding: 'latin1'});
    stream.on('data', (chunk: string | Buffer) => {
      const text = this.tailText + String(chunk);
      this.bytes += chunk.length;
      for (let i = text.indexOf(FRAME_START); i >= 0; i = text.indexOf(FRAME_START, i + 1)) this.frames++;
      // A marker cut between two chunks is found in the next one: keep a marker's length
      // less one, too short to hold a marker already counted.
      this.tailText = text.slice(-(FRAME_START.length - 1));
    });
    stream.on('error', () => {});
    await this.tmux('pipe-pane', '-O', '-t', 'chat', `cat > ${quote(this.fifo)}`);
    this.piping = true;
  }

  async close(): Promise<void> {
    if (this.piping) await this.tmux('pipe-pane', '-t', 'chat').catch(() => {});
    const path = await this.tmux('display-message', '-p', '#{socket_path}').then((r) => r.stdout.trim(), () => '');
    await this.tmux('kill-server').catch(() => {});
    if (path) rmSync(path, {force: true});
    rmSync(this.fifo, {force: true});
  }
}
