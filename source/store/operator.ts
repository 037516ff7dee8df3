/**
 * The operator's records (sql/sqlite/006_operator.sql, sql/mysql/007_operator.sql): bot
 * accounts and their tokens, bans with reasons, and the audit log.
 */
import type {Kysely} from 'kysely';
import type {Selectable} from 'kysely';
import type {AuditLogTable, Database} from './schema.js';
import {toMs} from './schema.js';
import type {Flavor} from './sql-store.js';
import {NO_PASSWORD} from './hooks.js';

export interface BotRecord {
  id: number;
  name: string;
  salonIds: number[];
  createdAt: number;
  createdBy: string | null;
  revoked: boolean;
}

export interface BanRecord {
  username: string;
  at: number;
  by: string | null;
  reason: string | null;
}

export type AuditVia = 'client' | 'console' | 'system';

export interface NewAuditRecord {
  at: number;
  actor: string;
  via: AuditVia;
  node: string;
  action: string;
  targetUser?: string | null | undefined;
  targetSalon?: string | null | undefined;
  reason?: string | null | undefined;
  /** 'ok', or the error code the act was refused with. */
  outcome: string;
  detail?: Record<string, unknown> | undefined;
}

export interface AuditRecord extends NewAuditRecord {
  id: number;
}

export interface AuditQuery {
  limit: number;
  targetUser?: string;
  targetSalon?: string;
  /** Records from this time on (ms), for exports. */
  since?: number;
}

/** A bot account, a member of exactly its salons (not of Général unless listed). */
export async function createBot(db: Kysely<Database>, flavor: Flavor, bot: {name: string; salonIds: readonly number[]; tokenHash: string; ts: number; by: string}): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('clients')
      .values({username: bot.name, alias: bot.name, password_hash: NO_PASSWORD, status: 'disconnected', role: 'bot', created_at: flavor.time(bot.ts)})
      .executeTakeFirstOrThrow();
    const clientId = Number(inserted.insertId);
    if (bot.salonIds.length > 0) {
      await trx.insertInto('salons_adheres').values(bot.salonIds.map((salonId) => ({username: bot.name, salon_id: salonId}))).execute();
    }
    await trx.insertInto('bot_tokens').values({client_id: clientId, token_hash: bot.tokenHash, created_at: flavor.time(bot.ts), created_by: bot.by}).execute();
    return clientId;
  });
}

/**
 * Disables the bot: its token stops working, its memberships and sessions go, its account
 * stays so that its messages keep their author. Returns false when no live bot has the name.
 */
export async function revokeBot(db: Kysely<Database>, flavor: Flavor, name: string, ts: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const bot = await trx.selectFrom('clients').select(['client_id', 'username']).where('username', '=', name).where('role', '=', 'bot').where('disabled_at', 'is', null).executeTakeFirst();
    if (!bot) return false;
    await trx.updateTable('clients').set({disabled_at: flavor.time(ts)}).where('client_id', '=', bot.client_id).execute();
    await trx.deleteFrom('salons_adheres').where('username', '=', bot.username).execute();
    await trx.deleteFrom('sessions').where('client_id', '=', bot.client_id).execute();
    return true;
  });
}

export async function listBots(db: Kysely<Database>): Promise<BotRecord[]> {
  const rows = await db
    .selectFrom('clients as c')
    .innerJoin('bot_tokens as b', 'b.client_id', 'c.client_id')
    .select(['c.client_id', 'c.username', 'c.disabled_at', 'b.created_at', 'b.created_by'])
    .orderBy('c.client_id')
    .execute();
  const memberships = rows.length === 0 ? [] : await db.selectFrom('salons_adheres').select(['username', 'salon_id']).where('username', 'in', rows.map((r) => r.username)).execute();
  return rows.map((r) => ({
    id: Number(r.client_id),
    name: r.username,
    salonIds: memberships.filter((m) => m.username.toLowerCase() === r.username.toLowerCase()).map((m) => Number(m.salon_id)),
    createdAt: toMs(r.created_at) ?? 0,
    createdBy: r.created_by,
    revoked: r.disabled_at !== null,
  }));
}

/** The live bot a token belongs to. */
export async function findBotByToken(db: Kysely<Database>, tokenHash: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('bot_tokens as b')
    .innerJoin('clients as c', 'c.client_id', 'b.client_id')
    .select('c.client_id')
    .where('b.token_hash', '=', tokenHash)
    .where('c.disabled_at', 'is', null)
    .executeTakeFirst();
  return row ? Number(row.client_id) : undefined;
}

export async function listBans(db: Kysely<Database>): Promise<BanRecord[]> {
  const rows = await db.selectFrom('bans').select(['username', 'banned_at', 'banned_by', 'reason']).orderBy('banned_at').execute();
  return rows.map((r) => ({username: r.username, at: toMs(r.banned_at) ?? 0, by: r.banned_by, reason: r.reason}));
}

/** Lifts a ban: the name may be registered again (the banned account itself is gone). */
export async function unban(db: Kysely<Database>, username: string): Promise<boolean> {
  const result = await db.deleteFrom('bans').where('username', '=', username).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function appendAudit(db: Kysely<Database>, flavor: Flavor, record: NewAuditRecord): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: flavor.time(record.at),
      actor: record.actor,
      via: record.via,
      node: record.node,
      action: record.action,
      target_user: record.targetUser ?? null,
      target_salon: record.targetSalon ?? null,
      reason: record.reason ?? null,
      outcome: record.outcome,
      detail: record.detail === undefined ? null : JSON.stringify(record.detail),
    })
    .execute();
}

/** The newest records first, by the index on the target when there is one. */
export async function listAudit(db: Kysely<Database>, flavor: Flavor, query: AuditQuery): Promise<AuditRecord[]> {
  let select = db.selectFrom('audit_log').selectAll();
  if (query.targetUser !== undefined) select = select.where('target_user', '=', query.targetUser);
  if (query.targetSalon !== undefined) select = select.where('target_salon', '=', query.targetSalon);
  if (query.since !== undefined) select = select.where('at', '>=', flavor.time(query.since));
  const rows = await select.orderBy('audit_id', 'desc').limit(query.limit).execute();
  return rows.map(toAuditRecord);
}

/** A row of audit_log as the server reads it (AUDIT, exports). */
export const toAuditRecord = (r: Selectable<AuditLogTable>): AuditRecord => ({
    id: Number(r.audit_id),
    at: toMs(r.at) ?? 0,
    actor: r.actor,
    via: r.via as AuditVia,
    node: r.node,
    action: r.action,
    targetUser: r.target_user,
    targetSalon: r.target_salon,
    reason: r.reason,
    outcome: r.outcome,
    ...(r.detail === null ? {} : {detail: JSON.parse(r.detail) as Record<string, unknown>}),
});
