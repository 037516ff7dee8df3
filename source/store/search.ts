/**
 * Search on the full-text index (see sql/sqlite/004_search.sql, sql/mysql/005_search.sql and source/protocol/search.ts):
 * every word a prefix, phrases as they are, newest first, in the conversations given.
 */
import {type Kysely, type RawBuilder, sql} from 'kysely';
import {SELECT_COLUMNS} from './message-fields.js';
import type {Database} from './schema.js';
import type {Flavor} from './sql-store.js';
import type {StoreKind} from './types.js';

export interface StoreSearch {
  /** The conversations searched (the reader's); never empty. */
  salonIds: readonly number[];
  /** Indexed words (protocol/search.ts): each must start a word of the message. */
  prefixes: readonly string[];
  /** Each phrase's words must follow each other. */
  phrases: readonly (readonly string[])[];
  /** Only messages of this account. */
  authorId?: number | undefined;
  /** Sent at or after / before these times (ms). */
  after?: number | undefined;
  before?: number | undefined;
  /** Only messages older than this message id (the next page). */
  beforeId?: number | undefined;
  limit: number;
}

const COLUMNS = sql.raw(SELECT_COLUMNS.map((column) => `m.${column}`).join(', '));

/**
 * Up to this many terms, a prefix is searched as the OR of its terms, each read lazily
 * newest first; past it, as an FTS5 prefix query, which merges the terms' whole doclists
 * first. Measured at 1,000,000 messages (bench/README.md): the OR of 8 terms 0.2 ms, of 64
 * 1.2 ms, of 400 31 ms against 6 ms for the prefix query.
 */
export const MAX_EXPANSION = 16;

/** The terms of the SQLite vocabulary that start with `prefix` (one more than MAX_EXPANSION tells "too many"). */
export function termsStatement(prefix: string): {sql: string; parameters: unknown[]} {
  // Terms compare as bytes: every term starting with the prefix sorts below prefix + U+10FFFF.
  return {sql: 'SELECT term FROM search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?', parameters: [prefix, `${prefix}\u{10FFFF}`, MAX_EXPANSION + 1]};
}

/**
 * How each of the search's prefixes is looked up on SQLite: the exact terms it stands for,
 * or undefined when they are too many (a prefix query then). An empty list: no message can match.
 */
export type Expansions = readonly (readonly string[] | undefined)[];

/** The index query for each backend, in its own syntax; the words hold only letters and digits. */
function matchExpression(kind: StoreKind, search: StoreSearch, expansions?: Expansions): string {
  if (kind === 'sqlite') {
    const prefix = (w: string, i: number) => {
      const terms = expansions?.[i];
      if (!terms || terms.length === 0) return `"${w}"*`;
      return terms.length === 1 ? `"${terms[0]}"` : `(${terms.map((t) => `"${t}"`).join(' OR ')})`;
    };
    // The author and a single conversation are tokens of the index (sql/sqlite/010_search_terms.sql).
    const tokens = [...(search.authorId === undefined ? [] : [`"_f${Math.trunc(search.authorId)}"`]), ...(search.salonIds.length === 1 ? [`"_s${Math.trunc(search.salonIds[0] as number)}"`] : [])];
    return [...search.prefixes.map(prefix), ...search.phrases.map((p) => `"${p.join(' ')}"`), ...tokens].join(' AND ');
  }
  return [...search.prefixes.map((w) => `+${w}*`), ...search.phrases.map((p) => `+"${p.join(' ')}"`)].join(' ');
}

/**
 * The search as one statement, newest first. On SQLite the FTS5 table drives the loop
 * newest rowid first, so a common word stops after `limit` hits instead of reading them all
 * (when its prefix is given as its exact terms: `expansions`).
 */
export function searchStatement(db: Kysely<Database>, kind: StoreKind, search: StoreSearch, expansions?: Expansions) {
  const time = (ms: number): unknown => (kind === 'sqlite' ? ms : new Date(ms));
  const filters: RawBuilder<unknown>[] = [
    sql`m.salon_id IN (${sql.join(search.salonIds)})`,
    sql`m.kind = 'message'`,
    sql`m.deleted_at IS NULL`,
  ];
  if (search.authorId !== undefined) filters.push(sql`m.client_id = ${search.authorId}`);
  if (search.after !== undefined) filters.push(sql`m.timestamp >= ${time(search.after)}`);
  if (search.before !== undefined) filters.push(sql`m.timestamp < ${time(search.before)}`);
  if (search.beforeId !== undefined) filters.push(sql`m.message_id < ${search.beforeId}`);
  const where = sql.join(filters, sql` AND `);
  const match = matchExpression(kind, search, expansions);
  const query =
    kind === 'sqlite'
      ? sql`SELECT ${COLUMNS}, c.username, c.role AS author_role FROM message_search JOIN messages m ON m.message_id = message_search.rowid LEFT JOIN clients c ON c.client_id = m.client_id WHERE message_search MATCH ${match} AND ${where} ORDER BY message_search.rowid DESC LIMIT ${search.limit}`
      : sql`SELECT ${COLUMNS}, c.username, c.role AS author_role FROM messages m LEFT JOIN clients c ON c.client_id = m.client_id WHERE MATCH (m.search_words) AGAINST (${match} IN BOOLEAN MODE) AND ${where} ORDER BY m.message_id DESC LIMIT ${search.limit}`;
  return query.compile(db);
}

/**
 * The rows of a search (messageQuery's columns). On SQLite, off the server's thread: first
 * what each prefix stands for in the vocabulary, then the search itself.
 */
export async function findMessages(db: Kysely<Database>, flavor: Flavor, search: StoreSearch): Promise<unknown[]> {
  const reader = flavor.reader;
  if (!reader) return (await db.executeQuery(searchStatement(db, flavor.kind, search))).rows;
  const lists = search.prefixes.length === 0 ? [] : await reader.many(search.prefixes.map(termsStatement));
  const expansions = lists.map((rows) => {
    const terms = (rows as {term: string}[]).map((r) => r.term);
    return terms.length > MAX_EXPANSION ? undefined : terms;
  });
  // A word that starts no indexed word: nothing to look for.
  if (expansions.some((terms) => terms?.length === 0)) return [];
  const statement = searchStatement(db, flavor.kind, search, expansions);
  return reader.all(statement.sql, statement.parameters);
}
