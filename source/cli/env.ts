/** Shared by both binaries: reading a flag's value before meow runs, defaults from the environment. */
import {homedir} from 'node:os';
import {join} from 'node:path';

/** The value of `--name VALUE` or `--name=VALUE` in argv, if present. */
export function peekFlag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHAT_DATA_DIR || join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'salons-chat');
}

export function envPort(value: string | undefined, fallback: number): number {
  const port = Number(value);
  return value && Number.isInteger(port) && port >= 0 && port < 65536 ? port : fallback;
}
