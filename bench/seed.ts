/**
 * Seeding, straight into the database and before the server starts: registering and
 * logging in 10,000 accounts through the protocol would cost a scrypt hash each (~50 ms).
 * The accounts share one precomputed password hash; each gets a session whose token the
 * load process derives from the run's secret and sends with `resume` (cheap).
 */
import {randomBytes} from 'node:crypto';
import {hashPassword, hashToken} from '../source/store/password.js';
import type {BenchDatabase} from './database.js';
import {type Layout, SESSION_TTL_MS, aliasOf, homeSalonOf, tokenOf, usernameOf} from './layout.js';

export const BENCH_PASSWORD = 'bench password, never used';

export interface SeededAccounts {
  count: number;
  layout: Layout;
  /** The secret the tokens derive from (layout.ts tokenOf). */
  secret: string;
}

/** Account i has client_id i + 1 (the table is empty: ids are given explicitly). */
export const clientIdOf = (i: number) => i + 1;

export async function seedAccounts(db: BenchDatabase, count: number, layout: Layout): Promise<SeededAccounts> {
  const secret = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const now = Date.now();
  const created = db.time(now);
  const expires = db.time(now + SESSION_TTL_MS);
  await db.bulkInsert('clients', ['client_id', 'username', 'alias', 'password_hash', 'status', 'role', 'created_at'], count, (i) => [
    clientIdOf(i),
    usernameOf(i),
    aliasOf(i),
    passwordHash,
    'disconnected',
    'user',
    created,
  ]);
  await db.bulkInsert('salons_adheres', ['username', 'salon_id'], count, (i) => [usernameOf(i), homeSalonOf(layout, i)]);
  await db.bulkInsert('sessions', ['token_hash', 'client_id', 'created_at', 'expires_at'], count, (i) => [
    hashToken(tokenOf(secret, i)),
    clientIdOf(i),
    created,
    expires,
  ]);
  return {count, layout, secret};
}

/**
 * Appends `count` messages to a salon, written by account 0, with the next sequence numbers,
 * and advances the salon's counter as the server would. Their client_msg_id is NULL, which
 * is how the final count tells them from the messages sent during the run.
 */
export async function seedMessages(db: BenchDatabase, salonId: number, count: number): Promise<{first: number; last: number}> {
  const start = await db.count(`SELECT seq FROM salons WHERE salon_id = ${Number(salonId)}`);
  const base = Date.now() - count; // one ms apart, the newest just now
  const alias = aliasOf(0);
  await db.bulkInsert(
    'messages',
    ['client_id', 'salon_id', 'contenu', 'timestamp', 'seq', 'client_msg_id', 'author_alias'],
    count,
    (i) => [clientIdOf(0), salonId, `seeded message ${start + i + 1}`, db.time(base + i), start + i + 1, null, alias],
  );
  await db.run('UPDATE salons SET seq = ? WHERE salon_id = ?', [start + count, salonId]);
  return {first: start + 1, last: start + count};
}

/** Messages sent through the server during the run (seeded ones have no client_msg_id). */
export function countSentMessages(db: BenchDatabase): Promise<number> {
  return db.count('SELECT COUNT(*) FROM messages WHERE client_msg_id IS NOT NULL');
}
