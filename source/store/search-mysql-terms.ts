/**
 * Statements of MySQL's search apart from its plan (search-mysql.ts): the terms that a batch
 * of sends (or the bench's seeding) writes into the term table of
 * sql/mysql/011_search_terms.sql, as no insert trigger does, and the ids at a time.
 */
import {type TimeValue, toMs} from './schema.js';

export interface Query {
  sql: string;
  parameters: unknown[];
}

/** Statements sent together, one round trip: each one's rows. */
export type Trip = (statements: readonly Query[]) => Promise<unknown[][]>;

/** A statement's placeholders for these values. */
export const list = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** Message ids per bucket of message_terms' key (sql/mysql/011_search_terms.sql). */
export const BUCKET = 65_536;

/**
 * The terms of the messages a batch just inserted, in one statement of its transaction (the
 * insert trigger it replaces ran one statement per message: bench/README.md). The batch's
 * rows are the newest `rows` of each of its salons, whose advanced counters the batch read
 * into `@chat_seq_<salon>` (messages.ts, changes-mysql.ts); change rows have no words.
 * Kept in step with the triggers of sql/mysql/011_search_terms.sql.
 */
export function termsStatement(rowsPerSalon: ReadonlyMap<number, number>): {sql: string; parameters: unknown[]} {
  const salons = [...rowsPerSalon].filter(([, rows]) => rows > 0);
  const within = salons.map(([id]) => `(m.salon_id = ? AND m.seq > @chat_seq_${Math.trunc(id)} - ? AND m.seq <= @chat_seq_${Math.trunc(id)})`);
  return {sql: insertTerms(within.join(' OR ')), parameters: salons.flatMap(([id, rows]) => [id, rows])};
}

/** The terms of the messages with ids in [from, below) (the bench's seeding, which inserts rows in bulk). */
export function termsOfIdsStatement(from: number, below: number): {sql: string; parameters: unknown[]} {
  return {sql: insertTerms('m.message_id >= ? AND m.message_id < ?'), parameters: [from, below]};
}

const insertTerms = (where: string) =>
  `INSERT IGNORE INTO message_terms (bucket, term, message_id) SELECT m.message_id DIV ${BUCKET}, LEFT(j.w, 64), m.message_id FROM messages m, JSON_TABLE(CONCAT('["', REPLACE(m.search_words, ' ', '","'), '","_s', m.salon_id, IFNULL(CONCAT('","_f', m.client_id), ''), '"]'), '$[*]' COLUMNS (w VARCHAR(4000) PATH '$')) j WHERE (${where}) AND m.search_words <> '' AND CHAR_LENGTH(j.w) >= 3`;

/**
 * Ids probed when looking for the id at a time, in one statement: each is a read of a row
 * anywhere in the table (256 made `after:` three times slower under the search scenario's
 * load than two trips of 64). A million messages narrow to ~16,000 ids, which the row's time
 * then decides; the bounds of a past time are remembered (search-mysql-memory.ts).
 */
const PROBES = 64;

/**
 * Bounds [lo, hi] on the smallest id from which every message was sent at or after `ms`
 * (ids grow with time, store/search.ts IdRange): the rows at PROBES ids of the range, read
 * by one `IN` (64 subqueries, one per point, took 15-25 ms to optimize under the search
 * scenario's load; an `IN` is one range lookup), narrow it; an id with no row (a gap of
 * the auto-increment) tells nothing and is skipped. The search takes the safe side (lo for
 * `after:`, hi for `before:`), the row's time deciding the rest.
 */
export async function idAt(trip: Trip, ms: number, lo: number, hi: number): Promise<{lo: number; hi: number}> {
  if (lo >= hi) return {lo, hi: Math.max(lo, hi)};
  const points = [...new Set(Array.from({length: PROBES}, (_, k) => lo + Math.floor(((hi - lo) * k) / PROBES)))];
  const [rows] = (await trip([{sql: `SELECT message_id, timestamp FROM messages WHERE message_id IN (${list(points)}) ORDER BY message_id`, parameters: points}])) as {message_id: number | string; timestamp: TimeValue}[][];
  // Up to the first row sent at or after `ms`: ids from there on are (hi); after the last one before it (lo).
  for (const row of rows ?? []) {
    const id = Number(row.message_id);
    if ((toMs(row.timestamp) ?? ms) >= ms) {
      hi = Math.min(hi, id);
      break;
    }
    lo = Math.max(lo, id + 1);
  }
  return {lo, hi: Math.max(lo, hi)};
}
