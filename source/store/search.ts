/**
 * Search on the full-text index (see sql/sqlite/004_search.sql, sql/mysql/005_search.sql and source/protocol/search.ts):
 * every word a prefix, phrases as they are, newest first, in the conversations given.
 */
import {type Kysely, type RawBuilder, sql} from 'kysely';
import {SELECT_COLUMNS} from './message-fields.js';
import type {Database} from './schema.js';
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

/** The index query for each backend, in its own syntax; the words hold only letters and digits. */
function matchExpression(kind: StoreKind, search: StoreSearch): string {
  if (kind === 'sqlite') return [...search.prefixes.map((w) => `"${w}"*`), ...search.phrases.map((p) => `"${p.join(' ')}"`)].join(' AND ');
  return [...search.prefixes.map((w) => `+${w}*`), ...search.phrases.map((p) => `+"${p.join(' ')}"`)].join(' ');
}

/**
 * The search as one statement, newest first. On SQLite the FTS5 table drives the loop
 * newest rowid first, so a common word stops after `limit` hits instead of reading them all.
 */
export function searchStatement(db: Kysely<Database>, kind: StoreKind, search: StoreSearch) {
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
  const match = matchExpression(kind, search);
  const query =
    kind === 'sqlite'
      ? sql`SELECT ${COLUMNS}, c.username, c.role AS author_role FROM message_search JOIN messages m ON m.message_id = message_search.rowid LEFT JOIN clients c ON c.client_id = m.client_id WHERE message_search MATCH ${match} AND ${where} ORDER BY message_search.rowid DESC LIMIT ${search.limit}`
      : sql`SELECT ${COLUMNS}, c.username, c.role AS author_role FROM messages m LEFT JOIN clients c ON c.client_id = m.client_id WHERE MATCH (m.search_words) AGAINST (${match} IN BOOLEAN MODE) AND ${where} ORDER BY m.message_id DESC LIMIT ${search.limit}`;
  return query.compile(db);
}
