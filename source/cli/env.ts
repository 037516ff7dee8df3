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

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The flags in argv that the definition does not know (`--prot` for `--port`), as typed.
 * meow would ignore them without a word, and a mistyped flag would silently use a default.
 */
export function unknownFlags(argv: readonly string[], flags: Record<string, {type: string}>): string[] {
  const known = new Set(['help', 'version']);
  for (const [name, flag] of Object.entries(flags)) {
    known.add(kebab(name));
    if (flag.type === 'boolean') known.add(`no-${kebab(name)}`);
  }
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) continue;
    const name = kebab(arg.replace(/^--?/, '').split('=')[0] as string);
    if (!arg.startsWith('--') || !known.has(name)) {
      unknown.push(arg.split('=')[0] as string);
      continue;
    }
    // A string or number flag's value is the next argument, even if it starts with a dash.
    const flag = flags[Object.keys(flags).find((k) => kebab(k) === name) ?? ''];
    if (flag && flag.type !== 'boolean' && !arg.includes('=')) i++;
  }
  return unknown;
}

/** The valid flags of a definition, for the error that names an unknown one. */
export function flagList(flags: Record<string, {type: string}>): string {
  return [...Object.entries(flags).map(([name, flag]) => (flag.type === 'boolean' ? `--[no-]${kebab(name)}` : `--${kebab(name)}`)), '--help', '--version'].join(', ');
}
