/**
 * Incoming webhooks (see sql/sqlite/005_hooks.sql, sql/mysql/006_hooks.sql): each posts into
 * one salon as an account of its own with the role 'hook', which nobody can sign in as.
 */
import {randomBytes} from 'node:crypto';
import type {Kysely} from 'kysely';
import type {Database} from './schema.js';
import type {Flavor} from './sql-store.js';

export interface HookRecord {
  id: number;
  name: string;
  salonId: number;
  /** The bot account the hook posts as. */
  clientId: number;
  username: string;
  createdAt: number;
  revoked: boolean;
}

/** No password hashes to this: the scrypt format starts with its parameters. */
export const NO_PASSWORD = '!bot';

export async function createHook(db: Kysely<Database>, flavor: Flavor, hook: {name: string; salonId: number; secretHash: string; ts: number; by: string}): Promise<HookRecord> {
  return db.transaction().execute(async (trx) => {
    // A username nobody types: bots are never looked up by name.
    const username = `bot.${randomBytes(6).toString('hex')}`;
    const client = await trx
      .insertInto('clients')
      .values({username, alias: hook.name, password_hash: NO_PASSWORD, status: 'disconnected', role: 'hook', created_at: flavor.time(hook.ts)})
      .executeTakeFirstOrThrow();
    const clientId = Number(client.insertId);
    const inserted = await trx
      .insertInto('hooks')
      .values({name: hook.name, salon_id: hook.salonId, client_id: clientId, secret_hash: hook.secretHash, created_at: flavor.time(hook.ts), created_by: hook.by})
      .executeTakeFirstOrThrow();
    return {id: Number(inserted.insertId), name: hook.name, salonId: hook.salonId, clientId, username, createdAt: hook.ts, revoked: false};
  });
}

const HOOK_COLUMNS = ['h.hook_id', 'h.name', 'h.salon_id', 'h.client_id', 'c.username', 'h.created_at', 'h.revoked_at'] as const;

type HookRow = {hook_id: number; name: string; salon_id: number; client_id: number; username: string; created_at: unknown; revoked_at: unknown};

const toHook = (r: HookRow, ms: (v: unknown) => number | null): HookRecord => ({
  id: Number(r.hook_id),
  name: r.name,
  salonId: Number(r.salon_id),
  clientId: Number(r.client_id),
  username: r.username,
  createdAt: ms(r.created_at) ?? 0,
  revoked: r.revoked_at !== null,
});

export async function findHook(db: Kysely<Database>, secretHash: string, ms: (v: unknown) => number | null): Promise<HookRecord | undefined> {
  const row = await db.selectFrom('hooks as h').innerJoin('clients as c', 'c.client_id', 'h.client_id').select(HOOK_COLUMNS).where('h.secret_hash', '=', secretHash).executeTakeFirst();
  return row ? toHook(row as HookRow, ms) : undefined;
}

export async function listHooks(db: Kysely<Database>, ms: (v: unknown) => number | null): Promise<HookRecord[]> {
  const rows = await db.selectFrom('hooks as h').innerJoin('clients as c', 'c.client_id', 'h.client_id').select(HOOK_COLUMNS).orderBy('h.hook_id').execute();
  return rows.map((r) => toHook(r as HookRow, ms));
}

/** Revokes the live hooks of that name (names are compared as typed); how many. */
export async function revokeHook(db: Kysely<Database>, flavor: Flavor, name: string, ts: number): Promise<number> {
  const result = await db.updateTable('hooks').set({revoked_at: flavor.time(ts)}).where('name', '=', name).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
