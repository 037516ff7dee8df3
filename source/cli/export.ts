/**
 * `chat-server export`: the database as JSON Lines, for archives and data-protection
 * requests. A version record first, then accounts, salons, memberships, join requests, every
 * row of the conversations (messages, and changes to them), the audit log, and an end record
 * with the counts, so that a reader can tell a whole file from a cut one. Streamed: one page
 * of rows in memory at a time, writes waiting for the file to drain.
 */
import {createWriteStream} from 'node:fs';
import {once} from 'node:events';
import {hostname, userInfo} from 'node:os';
import type {Writable} from 'node:stream';
import meow from 'meow';
import {detectLang, translator} from '../i18n/index.js';
import {foldName} from '../protocol/names.js';
import {openStore} from '../store/open.js';
import type {ExportScope, Store, StoredMessage} from '../store/types.js';
import {defaultDataDir, flagList, peekFlag, unknownFlags} from './env.js';

export const EXPORT_VERSION = 1;

export interface ExportCounts {
  accounts: number;
  salons: number;
  memberships: number;
  joinRequests: number;
  messages: number;
  changes: number;
  audit: number;
}

/** What the version record says of the export's scope, as given. */
export interface ScopeLabel {
  since?: string;
  until?: string;
  salon?: string;
  user?: string;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

function rowRecord(m: StoredMessage): Record<string, unknown> {
  const common = {id: m.id, salon: m.salonId, seq: m.seq, author: m.username, alias: m.alias};
  if (m.kind !== 'message') return {type: 'change', ...common, kind: m.kind, target: m.target, text: m.text, at: iso(m.ts)};
  return {
    type: 'message',
    ...common,
    text: m.text,
    sentAt: iso(m.ts),
    replyTo: m.replyTo,
    editedAt: iso(m.editedAt),
    deletedAt: iso(m.deletedAt),
    deletedBy: m.deletedBy,
    ...(m.bot ? {bot: true} : {}),
  };
}

/** Writes the export of `scope` to `out`; the counts of what was written. */
export async function writeExport(store: Store, scope: ExportScope, label: ScopeLabel, out: Writable, now = Date.now()): Promise<ExportCounts> {
  const reader = store.exportReader();
  const counts: ExportCounts = {accounts: 0, salons: 0, memberships: 0, joinRequests: 0, messages: 0, changes: 0, audit: 0};
  const write = async (record: Record<string, unknown>) => {
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  };
  await write({type: 'export', version: EXPORT_VERSION, exportedAt: iso(now), database: store.kind, scope: label});
  for (const a of await reader.accounts(scope)) {
    counts.accounts += 1;
    await write({type: 'account', ...a, createdAt: iso(a.createdAt), disabledAt: iso(a.disabledAt), kickedUntil: iso(a.kickedUntil)});
  }
  for (const s of await reader.salons(scope)) {
    counts.salons += 1;
    await write({type: 'salon', ...s, createdAt: iso(s.createdAt)});
  }
  for (const m of await reader.memberships(scope)) {
    counts.memberships += 1;
    await write({type: 'membership', ...m});
  }
  for (const r of await reader.joinRequests(scope)) {
    counts.joinRequests += 1;
    await write({type: 'join_request', ...r, requestedAt: iso(r.requestedAt)});
  }
  for await (const m of reader.messages(scope)) {
    if (m.kind === 'message') counts.messages += 1;
    else counts.changes += 1;
    await write(rowRecord(m));
  }
  for await (const r of reader.audit(scope)) {
    counts.audit += 1;
    await write({type: 'audit', ...r, at: iso(r.at)});
  }
  await write({type: 'end', counts});
  return counts;
}

/** YYYY-MM-DD as UTC midnight (ms), or undefined when it is not such a date. */
export function parseDay(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? undefined : ms;
}

export async function exportMain(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const lang = detectLang(peekFlag(argv, 'lang') ?? env.CHAT_LANG, env);
  const t = translator(lang);
  const definition = {
    out: {type: 'string', default: ''},
    since: {type: 'string', default: ''},
    until: {type: 'string', default: ''},
    salon: {type: 'string', default: ''},
    user: {type: 'string', default: ''},
    operator: {type: 'string', default: ''},
    db: {type: 'string', default: env.CHAT_DB_URL || ''},
    dataDir: {type: 'string', default: defaultDataDir(env)},
    lang: {type: 'string', default: lang},
  } as const;
  const unknown = unknownFlags(argv, definition);
  if (unknown.length > 0) {
    console.error(t('cli.unknownFlag', {flags: unknown.join(', '), valid: flagList(definition)}));
    return 2;
  }
  const cli = meow(t('cli.exportHelp'), {importMeta: import.meta, argv: [...argv], flags: definition});
  if (argv.includes('--help')) cli.showHelp(0);
  const {flags} = cli;
  const since = flags.since ? parseDay(flags.since) : undefined;
  const untilDay = flags.until ? parseDay(flags.until) : undefined;
  if ((flags.since && since === undefined) || (flags.until && untilDay === undefined)) {
    console.error(t('export.badDate', {date: flags.since && since === undefined ? flags.since : flags.until}));
    return 2;
  }
  let store: Store;
  try {
    store = await openStore({dbUrl: flags.db, dataDir: flags.dataDir});
  } catch (error) {
    console.error(t('server.startFailed', {message: error instanceof Error ? error.message : String(error)}));
    return 1;
  }
  const actor = flags.operator || safeUser();
  const label: ScopeLabel = {
    ...(flags.since ? {since: flags.since} : {}),
    ...(flags.until ? {until: flags.until} : {}),
    ...(flags.salon ? {salon: flags.salon} : {}),
    ...(flags.user ? {user: flags.user} : {}),
  };
  const audit = (outcome: string, detail: Record<string, unknown>) =>
    store.appendAudit({at: Date.now(), actor, via: 'console', node: hostname(), action: 'export', targetUser: flags.user || null, targetSalon: flags.salon || null, outcome, detail: {scope: label, ...detail}}).catch(() => {});
  try {
    // --until is a day included whole: the export stops at the next midnight (UTC).
    const scope: ExportScope = {since, until: untilDay === undefined ? undefined : untilDay + 86_400_000, ...(flags.user ? {username: flags.user} : {})};
    if (flags.salon) {
      const salon = (await store.listSalons()).find((s) => s.kind === 'salon' && foldName(s.name) === foldName(flags.salon));
      if (!salon) {
        console.error(t('export.unknownSalon', {salon: flags.salon}));
        await audit('UNKNOWN_SALON', {});
        return 1;
      }
      scope.salonId = salon.id;
    }
    const out = flags.out ? createWriteStream(flags.out, {mode: 0o600}) : process.stdout;
    const counts = await writeExport(store, scope, label, out);
    if (flags.out) await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (flags.user && counts.accounts === 0) console.error(t('export.noAccount', {user: flags.user}));
    await audit('ok', {counts, ...(flags.out ? {file: flags.out} : {})});
    console.error(t('export.done', {...counts, file: flags.out || 'stdout'}));
    return 0;
  } catch (error) {
    await audit('INTERNAL', {error: error instanceof Error ? error.message : String(error)});
    console.error(t('export.failed', {message: error instanceof Error ? error.message : String(error)}));
    return 1;
  } finally {
    await store.close();
  }
}

/** Who runs the export, for the audit log: the OS account (or "unknown" without one). */
function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
