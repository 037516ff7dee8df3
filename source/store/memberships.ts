/**
 * Who is in which conversation, how far they read, who asks to join a salon and who blocks
 * whom. SqlStore runs these with its retry and error mapping.
 */
import type {Kysely, Transaction} from 'kysely';
import {type Database, toMs} from './schema.js';
import type {Flavor} from './sql-store.js';
import type {BlockRecord, JoinRequestRecord, MembershipRecord} from './types.js';

export async function listMemberships(db: Kysely<Database>): Promise<MembershipRecord[]> {
  // The marker's row by the unique (salon_id, seq) key, for its n.
  const rows = await db
    .selectFrom('salons_adheres')
    .innerJoin('clients', 'clients.username', 'salons_adheres.username')
    .leftJoin('messages', (join) => join.onRef('messages.salon_id', '=', 'salons_adheres.salon_id').onRef('messages.seq', '=', 'salons_adheres.last_read_seq'))
    .innerJoin('salons', 'salons.salon_id', 'salons_adheres.salon_id')
    .select(['clients.username', 'salons_adheres.salon_id', 'salons_adheres.last_read_seq', 'messages.n', 'salons.purged_seq', 'salons.purged_n'])
    .execute();
  // A marker on a row that retention deleted counts what was deleted as read (store/retention.ts).
  const readN = (r: (typeof rows)[number]) => (r.n !== null ? Number(r.n) : Number(r.last_read_seq) <= Number(r.purged_seq) ? Number(r.purged_n) : 0);
  return rows.map((r) => ({username: r.username, salonId: r.salon_id, lastReadSeq: Number(r.last_read_seq), readN: readN(r)}));
}

export function addMembership(db: Kysely<Database>, username: string, salonId: number): Promise<void> {
  return db.transaction().execute((trx) => addMembershipIn(trx, username, salonId));
}

async function addMembershipIn(trx: Transaction<Database>, username: string, salonId: number): Promise<void> {
  const existing = await trx
    .selectFrom('salons_adheres')
    .select('id')
    .where('username', '=', username)
    .where('salon_id', '=', salonId)
    .executeTakeFirst();
  if (!existing) await trx.insertInto('salons_adheres').values({username, salon_id: salonId}).execute();
}

export async function setReadMarker(db: Kysely<Database>, username: string, salonId: number, seq: number): Promise<void> {
  await db
    .updateTable('salons_adheres')
    .set({last_read_seq: seq})
    .where('username', '=', username)
    .where('salon_id', '=', salonId)
    .where('last_read_seq', '<', seq)
    .execute();
}

export async function addJoinRequest(db: Kysely<Database>, flavor: Flavor, clientId: number, salonId: number, ts: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('join_requests')
      .select('request_id')
      .where('client_id', '=', clientId)
      .where('salon_id', '=', salonId)
      .executeTakeFirst();
    if (!existing) {
      await trx.insertInto('join_requests').values({client_id: clientId, salon_id: salonId, requested_at: flavor.time(ts)}).execute();
    }
  });
}

export function resolveJoinRequest(db: Kysely<Database>, clientId: number, username: string, salonId: number, accept: boolean): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom('join_requests')
      .where('client_id', '=', clientId)
      .where('salon_id', '=', salonId)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) return false;
    if (accept) await addMembershipIn(trx, username, salonId);
    return true;
  });
}

export async function listJoinRequests(db: Kysely<Database>): Promise<JoinRequestRecord[]> {
  const rows = await db
    .selectFrom('join_requests')
    .innerJoin('clients', 'clients.client_id', 'join_requests.client_id')
    .select(['join_requests.client_id', 'clients.username', 'join_requests.salon_id', 'join_requests.requested_at'])
    .orderBy('join_requests.request_id')
    .execute();
  return rows.map((r) => ({clientId: r.client_id, username: r.username, salonId: r.salon_id, ts: toMs(r.requested_at) ?? 0}));
}

export async function setBlock(db: Kysely<Database>, flavor: Flavor, blockerId: number, blockedId: number, blocked: boolean, ts: number): Promise<void> {
  await db.deleteFrom('blocks').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).execute();
  if (blocked) await db.insertInto('blocks').values({blocker_id: blockerId, blocked_id: blockedId, created_at: flavor.time(ts)}).execute();
}

export async function listBlocks(db: Kysely<Database>): Promise<BlockRecord[]> {
  const rows = await db.selectFrom('blocks').select(['blocker_id', 'blocked_id']).execute();
  return rows.map((r) => ({blockerId: r.blocker_id, blockedId: r.blocked_id}));
}
