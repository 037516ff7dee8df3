/**
 * Accounts and their sessions in the SQL store (sql-store.ts runs these through its error
 * handling): the `clients` table as the server's users, bans, and the sessions a sign-in
 * resumes.
 */
import type {Kysely} from 'kysely';
import type {Role} from '../protocol/frames.js';
import {type Database, type TimeValue, toMs} from './schema.js';
import type {Flavor} from './sql-store.js';
import type {NewUser, UserRecord} from './types.js';

type UserRow = {
  client_id: number;
  username: string;
  alias: string;
  role: string;
  password_hash: string;
  kicked_until: TimeValue | null;
  kick_reason: string | null;
  directory_id: string | null;
  disabled_at: TimeValue | null;
};

const toUser = (row: UserRow): UserRecord => ({
  id: row.client_id,
  username: row.username,
  alias: row.alias,
  role: row.role === 'moderator' || row.role === 'bot' ? row.role : 'user',
  passwordHash: row.password_hash,
  kickedUntil: toMs(row.kicked_until),
  kickReason: row.kick_reason,
  directoryId: row.directory_id,
  disabled: row.disabled_at !== null,
});

const USER_COLUMNS = ['client_id', 'username', 'alias', 'role', 'password_hash', 'kicked_until', 'kick_reason', 'directory_id', 'disabled_at'] as const;

export async function createUser(db: Kysely<Database>, flavor: Flavor, user: NewUser): Promise<UserRecord> {
  const general = await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('clients')
      .values({
        username: user.username,
        alias: user.alias,
        password_hash: user.passwordHash,
        status: 'disconnected',
        role: user.role,
        created_at: flavor.time(user.ts),
        ...(user.directoryId === undefined ? {} : {directory_id: user.directoryId}),
      })
      .executeTakeFirstOrThrow();
    // Every account is a member of the first salon (Général) from registration on.
    const first = await trx.selectFrom('salons').select('salon_id').orderBy('salon_id').limit(1).executeTakeFirst();
    if (first) await trx.insertInto('salons_adheres').values({username: user.username, salon_id: first.salon_id}).execute();
    return Number(inserted.insertId);
  });
  return {id: general, username: user.username, alias: user.alias, role: user.role, passwordHash: user.passwordHash, kickedUntil: null, kickReason: null, directoryId: user.directoryId ?? null, disabled: false};
}

export async function findUser(db: Kysely<Database>, username: string): Promise<UserRecord | undefined> {
  // Webhook accounts are no one's to sign in as; a disabled account is no one's any more.
  const row = await db.selectFrom('clients').select(USER_COLUMNS).where('username', '=', username).where('role', '!=', 'hook').where('disabled_at', 'is', null).executeTakeFirst();
  return row && toUser(row);
}

export async function findUserById(db: Kysely<Database>, id: number): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('clients').select(USER_COLUMNS).where('client_id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
  return row && toUser(row);
}

export async function listUsers(db: Kysely<Database>): Promise<UserRecord[]> {
  return (
    await db
      .selectFrom('clients')
      .select(USER_COLUMNS)
      .where('role', '!=', 'hook')
      // A disabled directory account stays in the live model, marked disabled: it holds its
      // alias and memberships for the day the directory enables the person again.
      .where((w) => w.or([w('disabled_at', 'is', null), w('directory_id', 'is not', null)]))
      .orderBy('client_id')
      .execute()
  ).map(toUser);
}

export async function countModerators(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('clients')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'moderator' satisfies Role)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setPasswordHash(db: Kysely<Database>, clientId: number, hash: string): Promise<void> {
  await db.updateTable('clients').set({password_hash: hash}).where('client_id', '=', clientId).execute();
}

export async function setStatus(db: Kysely<Database>, clientIds: readonly number[], status: 'connected' | 'disconnected'): Promise<void> {
  await db.updateTable('clients').set({status}).where('client_id', 'in', [...clientIds]).execute();
}

export async function resetStatuses(db: Kysely<Database>): Promise<number> {
  const result = await db.updateTable('clients').set({status: 'disconnected'}).where('status', '<>', 'disconnected').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function setKickedUntil(db: Kysely<Database>, flavor: Flavor, clientId: number, until: number | null, reason: string | null = null): Promise<void> {
  await db
    .updateTable('clients')
    .set({kicked_until: until === null ? null : flavor.time(until), kick_reason: until === null ? null : reason})
    .where('client_id', '=', clientId)
    .execute();
}

export async function banUser(db: Kysely<Database>, flavor: Flavor, clientId: number, username: string, by: string, ts: number, reason: string | null = null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Foreign keys cascade to memberships, requests and sessions; messages keep their
    // text and author alias with client_id set to NULL.
    await trx.deleteFrom('salons_adheres').where('username', '=', username).execute();
    await trx.deleteFrom('clients').where('client_id', '=', clientId).execute();
    const banned = await trx.selectFrom('bans').select('username').where('username', '=', username).executeTakeFirst();
    if (!banned) await trx.insertInto('bans').values({username, banned_at: flavor.time(ts), banned_by: by, reason}).execute();
  });
}

export async function findUserByDirectoryId(db: Kysely<Database>, directoryId: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('clients').select(USER_COLUMNS).where('directory_id', '=', directoryId).executeTakeFirst();
  return row && toUser(row);
}

export async function listDirectoryUsers(db: Kysely<Database>): Promise<UserRecord[]> {
  return (await db.selectFrom('clients').select(USER_COLUMNS).where('directory_id', 'is not', null).orderBy('client_id').execute()).map(toUser);
}

export async function isBanned(db: Kysely<Database>, username: string): Promise<boolean> {
  const row = await db.selectFrom('bans').select('username').where('username', '=', username).executeTakeFirst();
  return row !== undefined;
}

export async function createSession(db: Kysely<Database>, flavor: Flavor, tokenHash: string, clientId: number, ts: number, expiresAt: number, keep: number): Promise<boolean> {
  const now = flavor.time(ts);
  const inserted = await db
    .insertInto('sessions')
    .columns(['token_hash', 'client_id', 'created_at', 'expires_at'])
    .expression((eb) =>
      eb
        .selectFrom('clients')
        .select([eb.val(tokenHash).as('token_hash'), 'client_id', eb.val(now).as('created_at'), eb.val(flavor.time(expiresAt)).as('expires_at')])
        .where('client_id', '=', clientId)
        // A directory account disabled by the sync gets no session, even if it was read before.
        .where('disabled_at', 'is', null)
        .where((w) => w.or([w('kicked_until', 'is', null), w('kicked_until', '<=', now)])),
    )
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  // Sessions nobody resumes (a client started twice a day for a month) must not pile up.
  const stale = await db
    .selectFrom('sessions')
    .select('token_hash')
    .where('client_id', '=', clientId)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('token_hash')
    .limit(1_000_000)
    .offset(keep)
    .execute();
  await db
    .deleteFrom('sessions')
    .where('client_id', '=', clientId)
    .where((w) => (stale.length > 0 ? w.or([w('expires_at', '<=', now), w('token_hash', 'in', stale.map((r) => r.token_hash))]) : w('expires_at', '<=', now)))
    .execute();
  return true;
}

export async function findSession(db: Kysely<Database>, flavor: Flavor, tokenHash: string, now: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select('client_id')
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', flavor.time(now))
    .executeTakeFirst();
  return row?.client_id;
}

export async function deleteSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOf(db: Kysely<Database>, clientId: number): Promise<void> {
  await db.deleteFrom('sessions').where('client_id', '=', clientId).execute();
}
