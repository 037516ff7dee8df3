/** Either binary run as a sysadmin would: its output, a wait for a line, and its exit code. */
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';

export const SERVER_BIN = fileURLToPath(new URL('../../../bin/chat-server.js', import.meta.url));
export const CLIENT_BIN = fileURLToPath(new URL('../../../bin/chat.js', import.meta.url));

export interface Run {
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<number | null>;
  exit: Promise<number | null>;
}

/** Starts `bin` with no terminal and stdin closed (a service manager's start), and only `env`. */
export function run(bin: string, args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [bin, ...args], {
    env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    exit,
    output: () => out,
    async waitFor(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`not seen: ${pattern}\n--- output ---\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exit;
    },
  };
}
