/**
 * The console's commands, as a table: name, arity, usage and action. HELP is generated from
 * it. Syntax as in the original, `ACCEPT:username:salon`; spaces work as separators too.
 */
import type {Translate} from '../i18n/index.js';
import {ChatError} from '../protocol/errors.js';
import type {Moderation} from '../server/moderation.js';

export interface ConsoleDeps {
  moderation: Moderation;
  t: Translate;
  print(line: string): void;
  /** The authenticated operator, recorded as the author of bans. */
  operator: string;
  /** Graceful stop of the whole server (KILL). */
  kill(): Promise<void>;
  /** The URL a hook's secret is posted to; absent when the HTTP listener is off. */
  hookUrl?: ((secret: string) => string) | undefined;
}

interface Command {
  args: string[];
  /** Arguments that may follow the required ones. */
  optional?: string[];
  run(deps: ConsoleDeps, args: string[]): Promise<void> | void;
}

const commands: Record<string, Command> = {
  KICK: {args: ['username'], run: async ({moderation}, [username]) => void (await moderation.kick(username as string))},
  BAN: {args: ['username'], run: async ({moderation, operator}, [username]) => void (await moderation.ban(username as string, operator))},
  KILL: {args: [], run: ({kill}) => kill()},
  HOOK: {
    args: ['action'],
    optional: ['salon', 'name'],
    run: async ({moderation, t, print, operator, hookUrl}, [action, first, second]) => {
      const verb = (action ?? '').toUpperCase();
      if (verb === 'ADD' && first !== undefined && second !== undefined) {
        if (!hookUrl) return print(t('console.hookNoHttp'));
        const {secret, salon} = await moderation.createHook(first, second, operator);
        print(t('console.hookAdded', {name: second, salon: salon.name}));
        // Shown once: only its hash is kept.
        print(`  ${hookUrl(secret)}`);
        return;
      }
      if (verb === 'REVOKE' && first !== undefined && second === undefined) {
        const count = await moderation.revokeHook(first);
        return print(t(count > 0 ? 'console.hookRevoked' : 'console.hookUnknown', {name: first}));
      }
      throw new ChatError('BAD_REQUEST', 'HOOK:ADD:salon:name | HOOK:REVOKE:name');
    },
  },
  HOOKS: {
    args: [],
    run: async ({moderation, t, print}) => {
      const hooks = await moderation.hooks();
      if (hooks.length === 0) return print(t('console.noHooks'));
      for (const h of hooks) {
        print(t(h.revoked ? 'console.hookLineRevoked' : 'console.hookLine', {name: h.name, salon: h.salon, time: new Date(h.createdAt).toLocaleString()}));
      }
    },
  },
  CREATE: {
    args: ['salon'],
    optional: ['moderated'],
    run: async ({moderation}, [name, flag]) => {
      if (flag !== undefined && flag.toLowerCase() !== 'moderated') throw new ChatError('BAD_REQUEST', `CREATE:${name}:moderated`);
      await moderation.createSalon(name as string, flag !== undefined);
    },
  },
  ARCHIVE: {args: ['salon'], run: async ({moderation}, [salon]) => void (await moderation.archiveSalon(salon as string))},
  ACCEPT: {args: ['username', 'salon'], run: async ({moderation}, [u, s]) => void (await moderation.accept(u as string, s as string))},
  REJECT: {args: ['username', 'salon'], run: async ({moderation}, [u, s]) => void (await moderation.reject(u as string, s as string))},
  PENDING: {
    args: [],
    run: ({moderation, t, print}) => {
      const requests = moderation.pending();
      if (requests.length === 0) return print(t('console.noPending'));
      for (const r of requests) {
        print(t('console.pendingLine', {username: r.username, alias: r.alias, salon: r.salonName, time: new Date(r.ts).toLocaleString()}));
      }
    },
  },
  WHO: {
    args: [],
    run: ({moderation, t, print}) => {
      const users = moderation.who();
      if (users.length === 0) return print(t('console.nobodyOnline'));
      for (const u of users) {
        const role = u.role === 'moderator' ? t('console.roleModerator') : '';
        print(u.sessions > 0 ? t('console.whoLine', {username: u.username, alias: u.alias, role, sessions: u.sessions}) : t('console.whoLineElsewhere', {username: u.username, alias: u.alias, role}));
      }
    },
  },
  HELP: {
    args: [],
    run: ({t, print}) => {
      print(t('console.helpTitle'));
      for (const name of Object.keys(commands)) {
        print(`  ${usage(name).padEnd(28)} ${t(`console.help.${name}` as Parameters<Translate>[0])}`);
      }
    },
  },
};

const usage = (name: string) => [name, ...(commands[name]?.args ?? []), ...(commands[name]?.optional ?? []).map((a) => `[${a}]`)].join(':');

/** Runs one typed line. Errors are printed in the operator's language, never thrown. */
export async function runCommand(deps: ConsoleDeps, line: string): Promise<void> {
  const trimmed = line.trim();
  if (!trimmed) return;
  const [head = '', ...rest] = trimmed.includes(':') ? trimmed.split(':').map((s) => s.trim()) : trimmed.split(/\s+/);
  // `HOOK ADD:salon:name`: the words before the first ':' are arguments too.
  const [word = '', ...more] = head.split(/\s+/);
  const args = [...more, ...rest];
  const name = word.toUpperCase();
  const command = commands[name];
  if (!command) return deps.print(deps.t('console.unknownCommand', {command: word}));
  if (args.length < command.args.length || args.length > command.args.length + (command.optional?.length ?? 0) || args.some((a) => a === '')) {
    return deps.print(deps.t('console.usage', {usage: usage(name)}));
  }
  try {
    await command.run(deps, args);
  } catch (error) {
    deps.print(describe(deps.t, error, args));
  }
}

function describe(t: Translate, error: unknown, args: string[]): string {
  const [username = '', salon = username] = args;
  if (error instanceof ChatError) {
    const details = error.details as {username?: string; salon?: string} | undefined;
    const params = {username: details?.username ?? username, salon: details?.salon ?? salon};
    switch (error.code) {
      case 'UNKNOWN_USER':
      case 'UNKNOWN_SALON':
      case 'ALREADY_MEMBER':
      case 'NO_PENDING_REQUEST':
      case 'SALON_EXISTS':
      case 'STORE_UNAVAILABLE':
        return t(`error.${error.code}`, params);
    }
    return t('error.generic', {message: error.message});
  }
  if (error instanceof Error && error.name === 'StoreUnavailableError') return t('error.STORE_UNAVAILABLE');
  return t('error.generic', {message: error instanceof Error ? error.message : String(error)});
}
