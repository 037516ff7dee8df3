/**
 * Retention (sql/sqlite/009_retention.sql, sql/mysql/010_retention.sql): how long each
 * conversation keeps its messages, and deleting what is older, a short batch at a time.
 *
 * Only a prefix of a conversation's stream is ever deleted (the oldest rows, by seq, up to
 * the first one that must stay), and salons.purged_seq says where it ends: the rows kept
 * stay gap-free, readers know that nothing below purged_seq + 1 will come back, and the
 * counters (seq, msgs, each kept row's n) never move.
 */
import type {Kysely} from 'kysely';
import type {Database} from './schema.js';
import {toMs} from './schema.js';
import type {StoreKind} from './types.js';

export interface RetentionPolicy {
  /** Days messages are kept by default (direct messages and groups included); null: all kept. */
  defaultDays: number | null;
  /** Salons with a period of their own: days, 0 meaning "keep everything". */
  salons: {salonId: number; days: number}[];
}

export interface PurgeStep {
  /** Rows deleted (messages and changes to them). */
  deleted: number;
  /** Nothing older than the cutoff is left in the conversation. */
  done: boolean;
  /** Where the conversation's stream now begins, minus one. */
  purgedSeq: number;
}

export async function retentionPolicy(db: Kysely<Database>): Promise<RetentionPolicy> {
  const fallback = await db.selectFrom('retention_default').select('days').where('id', '=', 1).executeTakeFirst();
  const salons = await db.selectFrom('salons').select(['salon_id', 'retention_days']).where('retention_days', 'is not', null).orderBy('salon_id').execute();
  return {
    defaultDays: fallback && fallback.days > 0 ? Number(fallback.days) : null,
    salons: salons.map((s) => ({salonId: Number(s.salon_id), days: Number(s.retention_days)})),
  };
}

/**
 * salonId null: the default (days null or 0: keep everything). A salon: days null follows
 * the default again, 0 keeps everything whatever the default.
 */
export async function setRetention(db: Kysely<Database>, salonId: number | null, days: number | null): Promise<void> {
  if (salonId !== null) {
    await db.updateTable('salons').set({retention_days: days}).where('salon_id', '=', salonId).execute();
    return;
  }
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('retention_default').execute();
    if (days !== null && days > 0) await trx.insertInto('retention_default').values({id: 1, days}).execute();
  });
}

export async function purgedUpTo(db: Kysely<Database>, salonId: number): Promise<number> {
  const row = await db.selectFrom('salons').select('purged_seq').where('salon_id', '=', salonId).executeTakeFirst();
  return Number(row?.purged_seq ?? 0);
}

/**
 * Deletes up to `limit` of the conversation's oldest rows sent before `cutoff` (ms), in one
 * transaction, and everything that hangs on them: their reactions, their entries in the
 * search index (both backends' triggers), and the text of
 * later edits of them (a change row stays, so that the stream keeps no gap, but the words
 * of a message past its period do not survive in it).
 */
export async function purgeBatch(db: Kysely<Database>, kind: StoreKind, salonId: number, cutoff: number, limit: number): Promise<PurgeStep> {
  return db.transaction().execute(async (trx) => {
    // The conversation's counters first, locked, as an append and a change take them: the
    // three queue on one lock and never wait on each other crosswise (a deadlock). Writers
    // of this conversation wait for one batch; those of the others do not.
    let counters = trx.selectFrom('salons').select('purged_seq').where('salon_id', '=', salonId);
    if (kind === 'mysql') counters = counters.forUpdate();
    const floor = Number((await counters.executeTakeFirst())?.purged_seq ?? 0);
    // The oldest rows, by the unique (salon_id, seq) key: no index on time is needed.
    const rows = await trx
      .selectFrom('messages')
      .select(['seq', 'timestamp', 'n', 'kind', 'changed_seq'])
      .where('salon_id', '=', salonId)
      .where('seq', '>', floor)
      .orderBy('seq')
      .limit(limit)
      .execute();
    let count = 0;
    while (count < rows.length && (toMs(rows[count]?.timestamp ?? null) ?? 0) < cutoff) count++;
    if (count === 0) return {deleted: 0, done: true, purgedSeq: floor};
    const prefix = rows.slice(0, count);
    const last = prefix.at(-1) as (typeof rows)[number];
    const upTo = Number(last.seq);
    const lastChange = Math.max(...prefix.map((r) => (r.kind === 'message' ? Number(r.changed_seq) : 0)));
    if (lastChange > upTo) {
      // Edits live between the edited message and its latest change: a bounded range.
      await trx
        .updateTable('messages')
        .set({contenu: ''})
        .where('salon_id', '=', salonId)
        .where('seq', '>', upTo)
        .where('seq', '<=', lastChange)
        .where('kind', '=', 'edit')
        .where('target_seq', '<=', upTo)
        .execute();
    }
    await trx.deleteFrom('reactions').where('salon_id', '=', salonId).where('seq', '>', floor).where('seq', '<=', upTo).execute();
    const deleted = await trx.deleteFrom('messages').where('salon_id', '=', salonId).where('seq', '>', floor).where('seq', '<=', upTo).executeTakeFirst();
    // Guarded: another node purging the same rows never moves it back.
    await trx.updateTable('salons').set({purged_seq: upTo, purged_n: Number(last.n)}).where('salon_id', '=', salonId).where('purged_seq', '<', upTo).execute();
    return {deleted: Number(deleted.numDeletedRows), done: count < rows.length || rows.length < limit, purgedSeq: upTo};
  });
}

/** When the conversation's oldest kept row was sent (ms), or null when it has none. */
export async function oldestKept(db: Kysely<Database>, salonId: number): Promise<number | null> {
  const floor = await purgedUpTo(db, salonId);
  const row = await db.selectFrom('messages').select('timestamp').where('salon_id', '=', salonId).where('seq', '>', floor).orderBy('seq').limit(1).executeTakeFirst();
  return row ? toMs(row.timestamp) : null;
}

/** The n of the row at seq, or for a deleted one the messages counted up to where deletion stopped. */
export async function countAt(db: Kysely<Database>, salonId: number, seq: number): Promise<number> {
  const row = await db.selectFrom('messages').select('n').where('salon_id', '=', salonId).where('seq', '=', seq).executeTakeFirst();
  if (row) return Number(row.n);
  const salon = await db.selectFrom('salons').select(['purged_seq', 'purged_n']).where('salon_id', '=', salonId).executeTakeFirst();
  // Messages deleted before anyone read them are not unread: they cannot be read any more.
  return salon && seq <= Number(salon.purged_seq) ? Number(salon.purged_n) : 0;
}
