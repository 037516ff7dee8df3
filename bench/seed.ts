/**
 * Seeding, straight into the database and before the server starts: registering and
 * logging in 10,000 accounts through the protocol would cost a scrypt hash each (~50 ms).
 * The accounts share one precomputed password hash; each gets a session whose token the
 * load process derives from the run's secret and sends with `resume` (cheap).
 */
import {randomBytes} from 'node:crypto';
import {hashPassword, hashToken} from '../source/store/password.js';
import type {BenchDatabase} from './database.js';
import {type Layout, SALON_IDS, SESSION_TTL_MS, aliasOf, homeSalonOf, tokenOf, usernameOf} from './layout.js';

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
 * and advances the salon's counter as the server would. Their client_msg_id is NULL (the
 * final count only counts clientMsgIds with the run's tag).
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

/**
 * A history written by the senders themselves, as if earlier runs had sent it: `count`
 * messages, message k by sender k mod `senders` in that sender's salon, each with a
 * clientMsgId (`seed-<sender>-<k>`), so that the store's retry lookup by (client,
 * clientMsgId) and its indexes see a table of realistic size. The salons' counters advance.
 */
export async function seedSenderHistory(db: BenchDatabase, layout: Layout, senders: number, count: number): Promise<void> {
  const seqs = new Map<number, number>();
  for (const id of SALON_IDS) seqs.set(id, await db.count(`SELECT seq FROM salons WHERE salon_id = ${id}`));
  const base = Date.now() - count;
  await db.bulkInsert('messages', ['client_id', 'salon_id', 'contenu', 'timestamp', 'seq', 'client_msg_id', 'author_alias'], count, (k) => {
    const sender = k % senders;
    const salonId = homeSalonOf(layout, sender);
    const seq = (seqs.get(salonId) ?? 0) + 1;
    seqs.set(salonId, seq);
    return [clientIdOf(sender), salonId, `seeded message ${k}`, db.time(base + k), seq, `seed-${sender}-${k}`, aliasOf(sender)];
  });
  for (const [salonId, seq] of seqs) await db.run('UPDATE salons SET seq = ? WHERE salon_id = ?', [seq, salonId]);
}

/** Messages sent through the server during the run: their clientMsgId starts with the run's tag. */
export function countSentMessages(db: BenchDatabase, tag: string): Promise<number> {
  if (!/^[a-z0-9]+$/.test(tag)) throw new Error(`unexpected run tag ${JSON.stringify(tag)}`);
  return db.count(`SELECT COUNT(*) FROM messages WHERE client_msg_id LIKE '${tag}-%'`);
}
