/**
 * Conversations in the store: every one with its newest message's time, opening the one
 * direct message or group of a set of accounts, creating salons with names unique ignoring
 * case and accents, archiving. SqlStore runs these with its retry and error mapping.
 */
import type {Kysely} from 'kysely';
import {foldName} from '../protocol/names.js';
import {type Database, toMs} from './schema.js';
import type {Flavor} from './sql-store.js';
import {ConflictError, type SalonRecord} from './types.js';

export const SALON_COLUMNS = ['salon_id', 'nom_salon', 'moderated', 'seq', 'kind', 'archived', 'msgs'] as const;

export const toSalon = (r: {salon_id: number; nom_salon: string; moderated: number; seq: number; kind: string; archived: number; msgs: number}): SalonRecord => ({
  id: r.salon_id,
  name: r.nom_salon,
  moderated: Boolean(Number(r.moderated)),
  seq: Number(r.seq),
  kind: r.kind === 'dm' || r.kind === 'group' ? r.kind : 'salon',
  archived: Boolean(Number(r.archived)),
  msgs: Number(r.msgs),
});

/** The conversation keyed by the accounts' sorted ids, with their memberships, created if missing. */
export async function openConversation(db: Kysely<Database>, flavor: Flavor, clientIds: readonly number[], ts: number): Promise<{record: SalonRecord; created: boolean}> {
  const ids = [...new Set(clientIds)].sort((a, b) => a - b);
  const key = ids.join(':');
  const find = () => db.selectFrom('salons').select(SALON_COLUMNS).where('dm_key', '=', key).executeTakeFirst();
  const existing = await find();
  if (existing) return {record: toSalon(existing), created: false};
  try {
    const id = await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('salons')
        .values({nom_salon: `dm:${key}`, moderated: 0, seq: 0, kind: ids.length === 2 ? 'dm' : 'group', dm_key: key, created_at: flavor.time(ts)})
        .executeTakeFirstOrThrow();
      const salonId = Number(inserted.insertId);
      const users = await trx.selectFrom('clients').select('username').where('client_id', 'in', ids).execute();
      await trx.insertInto('salons_adheres').values(users.map((u) => ({username: u.username, salon_id: salonId}))).execute();
      return salonId;
    });
    const row = await db.selectFrom('salons').select(SALON_COLUMNS).where('salon_id', '=', id).executeTakeFirstOrThrow();
    return {record: toSalon(row), created: true};
  } catch (error) {
    // Opened at the same moment elsewhere: the unique key on dm_key refused ours.
    const raced = await find();
    if (raced) return {record: toSalon(raced), created: false};
    throw error;
  }
}

/** @throws ConflictError('salon') when a salon has that name, ignoring case and accents. */
export function createSalon(db: Kysely<Database>, flavor: Flavor, name: string, moderated: boolean, ts: number): Promise<SalonRecord> {
  return db.transaction().execute(async (trx) => {
    // Names are unique ignoring case and accents, which no index can say: the salons are
    // read under a lock (MySQL) or in SQLite's single writer, then the name checked.
    let names = trx.selectFrom('salons').select('nom_salon').where('kind', '=', 'salon');
    if (flavor.kind === 'mysql') names = names.forUpdate();
    if ((await names.execute()).some((r) => foldName(r.nom_salon) === foldName(name))) throw new ConflictError('salon');
    const inserted = await trx.insertInto('salons').values({nom_salon: name, moderated: moderated ? 1 : 0, seq: 0, kind: 'salon', created_at: flavor.time(ts)}).executeTakeFirstOrThrow();
    const row = await trx.selectFrom('salons').select(SALON_COLUMNS).where('salon_id', '=', Number(inserted.insertId)).executeTakeFirstOrThrow();
    return toSalon(row);
  });
}

export async function listSalons(db: Kysely<Database>): Promise<SalonRecord[]> {
  // The newest message of each, by the unique (salon_id, seq) key: one index lookup per row.
  const rows = await db
    .selectFrom('salons')
    .leftJoin('messages', (join) => join.onRef('messages.salon_id', '=', 'salons.salon_id').onRef('messages.seq', '=', 'salons.seq'))
    .select(SALON_COLUMNS.map((c) => `salons.${c}` as const))
    .select('messages.timestamp as last_ts')
    .orderBy('salons.salon_id')
    .execute();
  return rows.map((r) => ({...toSalon(r), lastTs: toMs(r.last_ts) ?? 0}));
}

export async function setArchived(db: Kysely<Database>, salonId: number, archived: boolean): Promise<void> {
  await db.updateTable('salons').set({archived: archived ? 1 : 0}).where('salon_id', '=', salonId).execute();
}
