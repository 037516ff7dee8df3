/**
 * Seeding, straight into the database and before the server starts: registering and
 * logging in 10,000 accounts through the protocol would cost a scrypt hash each (~50 ms).
 * The accounts share one precomputed password hash; each gets a session whose token the
 * load process derives from the run's secret and sends with `resume` (cheap).
 */
import {randomBytes} from 'node:crypto';
import {indexedText} from '../source/protocol/search.js';
import {hashPassword, hashToken} from '../source/store/password.js';
import {isNumber} from '../source/store/search-query.js';
import {termsOfIdsStatement} from '../source/store/search-mysql-terms.js';
import type {BenchDatabase} from './database.js';
import {SEEDED_DAYS, messageTextOf} from './search-corpus.js';
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
 * The columns every seeded message fills as a send would: its count `n` (every seeded row
 * is a message, so n = seq) and `search_words`, what the full-text index holds, computed
 * by the server's own function. Left NULL, the server would index them itself after it
 * starts, in the middle of the measurement.
 */
const MESSAGE_COLUMNS = ['client_id', 'salon_id', 'contenu', 'timestamp', 'seq', 'n', 'client_msg_id', 'author_alias', 'search_words'];

/** Sets a salon's counters (seq and msgs: every seeded row is a message). */
const setCounters = (db: BenchDatabase, salonId: number, seq: number) => db.run('UPDATE salons SET seq = ?, msgs = ? WHERE salon_id = ?', [seq, seq, salonId]);

/**
 * Appends `count` messages to a salon, written by account 0, with the next sequence numbers,
 * and advances the salon's counter as the server would. Their client_msg_id is NULL (the
 * final count only counts clientMsgIds with the run's tag).
 */
export async function seedMessages(db: BenchDatabase, salonId: number, count: number): Promise<{first: number; last: number}> {
  const start = await db.count(`SELECT seq FROM salons WHERE salon_id = ${Number(salonId)}`);
  const base = Date.now() - count; // one ms apart, the newest just now
  const alias = aliasOf(0);
  await db.bulkInsert('messages', MESSAGE_COLUMNS, count, (i) => {
    const text = `seeded message ${start + i + 1}`;
    return [clientIdOf(0), salonId, text, db.time(base + i), start + i + 1, start + i + 1, null, alias, indexedText(text)];
  });
  await setCounters(db, salonId, start + count);
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
  await db.bulkInsert('messages', MESSAGE_COLUMNS, count, (k) => {
    const sender = k % senders;
    const salonId = homeSalonOf(layout, sender);
    const seq = (seqs.get(salonId) ?? 0) + 1;
    seqs.set(salonId, seq);
    const text = `seeded message ${k}`;
    return [clientIdOf(sender), salonId, text, db.time(base + k), seq, seq, `seed-${sender}-${k}`, aliasOf(sender), indexedText(text)];
  });
  for (const [salonId, seq] of seqs) await setCounters(db, salonId, seq);
}

/**
 * search: `count` messages in a salon from search-corpus.ts, message i by account i mod
 * `authors`, spread evenly over the last SEEDED_DAYS days (the newest now), indexed as the
 * server would index them.
 */
export async function seedCorpus(db: BenchDatabase, salonId: number, count: number, authors: number, now: number): Promise<void> {
  const start = await db.count(`SELECT seq FROM salons WHERE salon_id = ${Number(salonId)}`);
  const step = (SEEDED_DAYS * 86_400_000) / Math.max(1, count);
  const vocabulary = new Set<string>();
  await db.bulkInsert('messages', MESSAGE_COLUMNS, count, (i) => {
    const text = messageTextOf(i);
    const author = i % authors;
    const seq = start + i + 1;
    const words = indexedText(text);
    for (const word of words.split(' ')) vocabulary.add(word);
    return [clientIdOf(author), salonId, text, db.time(Math.round(now - (count - 1 - i) * step)), seq, seq, null, aliasOf(author), words];
  });
  await setCounters(db, salonId, start + count);
  // MySQL: the server writes a batch's terms in its transaction (store/search-mysql.ts); the
  // seeded rows get theirs the same way, 50,000 messages a statement.
  if (db.kind === 'mysql') {
    const top = await db.count('SELECT COALESCE(MAX(message_id), 0) FROM messages');
    for (let from = 0; from <= top; from += 50_000) {
      const statement = termsOfIdsStatement(from, from + 50_000);
      await db.run(statement.sql, statement.parameters as number[]);
    }
  }
  // Search reads prefixes from its vocabulary, which the server writes with each batch
  // (source/store/search-terms.ts): the seeded words are added the same way.
  const terms = [...new Set([...vocabulary].filter((w) => !isNumber(w)).map((w) => (db.kind === 'mysql' ? w.slice(0, 64) : w)))];
  await db.bulkInsert('search_terms', ['term'], terms.length, (i) => [terms[i] as string]);
}

/** Messages sent through the server during the run: their clientMsgId starts with the run's tag. */
export function countSentMessages(db: BenchDatabase, tag: string): Promise<number> {
  if (!/^[a-z0-9]+$/.test(tag)) throw new Error(`unexpected run tag ${JSON.stringify(tag)}`);
  return db.count(`SELECT COUNT(*) FROM messages WHERE client_msg_id LIKE '${tag}-%'`);
}
