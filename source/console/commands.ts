/**
 * The console's commands, as a table: name, arity, usage and action. HELP is generated from
 * it. Syntax as in the original, `ACCEPT:username:salon`; spaces work as separators too.
 */
import type {Translate} from '../i18n/index.js';
import {ChatError} from '../protocol/errors.js';
import {type Actor, type Moderation, parseDuration} from '../server/moderation.js';
import {periodText} from '../server/retention.js';
import type {AuditRecord} from '../store/types.js';

export interface ConsoleDeps {
  moderation: Moderation;
  t: Translate;
  print(line: string): void;
  /** The authenticated operator, recorded as the author of every act in the audit log. */
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
  /** The last argument takes the rest of the line, colons included (a reason). */
  rest?: boolean;
  run(deps: ConsoleDeps, args: string[]): Promise<void> | void;
}

const by = (deps: ConsoleDeps): Actor => ({username: deps.operator, via: 'console'});

const time = (ms: number) => new Date(ms).toLocaleString();

/** "2 h 05 min", "4 min 10 s": how long a block still lasts. */
export function timeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return m > 0 ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${s % 60} s`;
}

/** One audit record on one line, as `AUDIT` prints it. */
export function auditLine(r: AuditRecord): string {
  const who = r.via === 'client' ? r.actor : `${r.actor}@${r.via}`;
  const target = [r.targetUser, r.targetSalon && `#${r.targetSalon}`].filter(Boolean).join(' ');
  const reason = r.reason ? ` "${r.reason}"` : '';
  return `${time(r.at)}  ${r.node}  ${who}  ${r.action}${target ? ` ${target}` : ''}${reason}  ${r.outcome}`;
}

const commands: Record<string, Command> = {
  KICK: {
    args: ['username'],
    optional: ['duration', 'reason'],
    rest: true,
    run: async (deps, [username, second, ...rest]) => {
      // KICK:bob:30m:reason, KICK:bob:30m, KICK:bob:reason.
      const duration = second === undefined ? undefined : parseDuration(second);
      if (second !== undefined && duration === undefined && rest.length > 0) throw new ChatError('BAD_REQUEST', deps.t('console.badDuration', {duration: second}));
      const reason = duration === undefined && second !== undefined ? [second, ...rest].join(':') : rest.join(':') || undefined;
      const r = await deps.moderation.kick(username as string, {durationMs: duration, reason}, by(deps));
      deps.print(deps.t('console.kicked', {username: r.username, time: time(r.until), left: timeLeft(r.until - deps.moderation.now())}));
    },
  },
  BAN: {
    args: ['username'],
    optional: ['reason'],
    rest: true,
    run: async (deps, [username, ...rest]) => void (await deps.moderation.ban(username as string, rest.join(':') || undefined, by(deps))),
  },
  UNBLOCK: {
    args: ['username'],
    run: async (deps, [username]) => {
      const r = await deps.moderation.unblock(username as string, by(deps));
      deps.print(deps.t(r.was === 'kick' ? 'console.unkicked' : 'console.unbanned', {username: r.username}));
    },
  },
  BLOCKS: {
    args: [],
    run: async ({moderation, t, print}) => {
      const blocks = await moderation.blocks();
      if (blocks.length === 0) return print(t('console.noBlocks'));
      const now = moderation.now();
      for (const b of blocks) {
        const reason = b.reason ? ` "${b.reason}"` : '';
        print(b.until === null ? t('console.banLine', {username: b.username, reason}) : t('console.kickLine', {username: b.username, left: timeLeft(b.until - now), time: time(b.until), reason}));
      }
    },
  },
  AUDIT: {
    args: [],
    optional: ['filter'],
    run: async ({moderation, t, print}, [filter]) => {
      // AUDIT, AUDIT:50, AUDIT:bob (acts on that user), AUDIT:Général (acts on that salon).
      const count = filter !== undefined && /^\d{1,4}$/.test(filter) ? Number(filter) : undefined;
      const limit = Math.min(Math.max(count ?? 20, 1), 1000);
      let records = await moderation.audit({limit, ...(filter !== undefined && count === undefined ? {targetUser: filter} : {})});
      if (filter !== undefined && count === undefined && records.length === 0) records = await moderation.audit({limit, targetSalon: filter});
      if (records.length === 0) return print(t('console.noAudit'));
      for (const r of records.reverse()) print(auditLine(r));
    },
  },
  BOT: {
    args: ['action'],
    optional: ['name', 'salons'],
    run: async (deps, [action, name, salons]) => {
      const verb = (action ?? '').toUpperCase();
      if (verb === 'ADD' && name !== undefined && salons !== undefined) {
        const {token, salons: joined} = await deps.moderation.createBot(name, salons.split(',').map((s) => s.trim()).filter(Boolean), by(deps));
        deps.print(deps.t('console.botAdded', {name, salons: joined.map((s) => s.name).join(', ')}));
        // Shown once: only its hash is kept.
        deps.print(`  ${token}`);
        return;
      }
      if (verb === 'REVOKE' && name !== undefined && salons === undefined) {
        const revoked = await deps.moderation.revokeBot(name, by(deps));
        return deps.print(deps.t(revoked ? 'console.botRevoked' : 'console.botUnknown', {name}));
      }
      throw new ChatError('BAD_REQUEST', 'BOT:ADD:name:salon[,salon] | BOT:REVOKE:name');
    },
  },
  BOTS: {
    args: [],
    run: async ({moderation, t, print}) => {
      const bots = await moderation.bots();
      if (bots.length === 0) return print(t('console.noBots'));
      for (const b of bots) print(t(b.revoked ? 'console.botLineRevoked' : 'console.botLine', {name: b.name, salons: b.salons.join(', '), time: time(b.createdAt)}));
    },
  },
  RETENTION: {
    args: [],
    optional: ['salon', 'period'],
    run: async (deps, [target, period]) => {
      const {moderation, t, print} = deps;
      const shown = (days: number | null) => (days === null ? t('console.retentionFollows') : days === 0 ? t('console.retentionKeepAll') : periodText(days));
      if (target !== undefined && period !== undefined) {
        const r = await moderation.setRetention(target, period, by(deps));
        return print(t('console.retentionSet', {target: r.salon ?? t('console.retentionDefaultName'), period: r.salon === null && r.days === null ? t('console.retentionKeepAll') : shown(r.days)}));
      }
      if (target !== undefined) throw new ChatError('BAD_REQUEST', 'RETENTION | RETENTION:salon:period | RETENTION:DEFAULT:period');
      const policy = await moderation.retention();
      print(t('console.retentionDefault', {period: policy.defaultDays === null ? t('console.retentionKeepAll') : periodText(policy.defaultDays)}));
      for (const s of policy.salons) print(t('console.retentionSalon', {salon: s.name, period: shown(s.days)}));
    },
  },
  KILL: {args: [], run: ({kill}) => kill()},
  HOOK: {
    args: ['action'],
    optional: ['salon', 'name'],
    run: async (deps, [action, first, second]) => {
      const {moderation, t, print, hookUrl} = deps;
      const verb = (action ?? '').toUpperCase();
      if (verb === 'ADD' && first !== undefined && second !== undefined) {
        if (!hookUrl) return print(t('console.hookNoHttp'));
        const {secret, salon} = await moderation.createHook(first, second, by(deps));
        print(t('console.hookAdded', {name: second, salon: salon.name}));
        // Shown once: only its hash is kept.
        print(`  ${hookUrl(secret)}`);
        return;
      }
      if (verb === 'REVOKE' && first !== undefined && second === undefined) {
        const count = await moderation.revokeHook(first, by(deps));
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
    run: async (deps, [name, flag]) => {
      if (flag !== undefined && flag.toLowerCase() !== 'moderated') throw new ChatError('BAD_REQUEST', `CREATE:${name}:moderated`);
      await deps.moderation.createSalon(name as string, flag !== undefined, by(deps));
    },
  },
  ARCHIVE: {args: ['salon'], run: async (deps, [salon]) => void (await deps.moderation.archiveSalon(salon as string, by(deps)))},
  ACCEPT: {args: ['username', 'salon'], run: async (deps, [u, s]) => void (await deps.moderation.accept(u as string, s as string, by(deps)))},
  REJECT: {args: ['username', 'salon'], run: async (deps, [u, s]) => void (await deps.moderation.reject(u as string, s as string, by(deps)))},
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
  const colons = trimmed.includes(':');
  const [head = '', ...rest] = colons ? trimmed.split(':').map((s) => s.trim()) : trimmed.split(/\s+/);
  // `HOOK ADD:salon:name`: the words before the first ':' are arguments too.
  const [word = '', ...more] = head.split(/\s+/);
  let args = [...more, ...rest];
  const name = word.toUpperCase();
  const command = commands[name];
  if (!command) return deps.print(deps.t('console.unknownCommand', {command: word}));
  const declared = command.args.length + (command.optional?.length ?? 0);
  if (command.rest && colons && args.length > declared) {
    // A reason keeps its own colons and spaces: the last argument is the raw rest of the line.
    const tail = trimmed.split(':').slice(1 + declared - 1 - more.length).join(':').trim();
    args = [...args.slice(0, declared - 1), tail];
  }
  const most = command.rest ? Infinity : declared;
  if (args.length < command.args.length || args.length > most || args.slice(0, command.args.length).some((a) => a === '')) {
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
      case 'USERNAME_TAKEN':
      case 'STORE_UNAVAILABLE':
        return t(`error.${error.code}`, params);
    }
    const period = (error.details as {period?: string} | undefined)?.period;
    if (period !== undefined) return t('console.badPeriod', {period});
    return t('error.generic', {message: error.message});
  }
  if (error instanceof Error && error.name === 'StoreUnavailableError') return t('error.STORE_UNAVAILABLE');
  return t('error.generic', {message: error instanceof Error ? error.message : String(error)});
}
