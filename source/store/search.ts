/**
 * Search on the full-text index (see sql/sqlite/010_search_terms.sql, sql/mysql/011_search_terms.sql
 * and source/protocol/search.ts): every word a prefix, phrases as they are, newest first, in
 * the conversations given. On SQLite every part of a query is read in the FTS5 index so
 * that it stops after its page (bench/README.md, "Search latency"): prefixes as their exact
 * terms, the author and the conversations as tokens, dates and the cursor as bounds on the
 * rowid. MySQL/MariaDB reads its term table the same way (search-mysql.ts).
 */
import {type Kysely, type RawBuilder, sql} from 'kysely';
import {SELECT_COLUMNS} from './message-fields.js';
import type {Database} from './schema.js';
import {ID_BOUND_MARGIN_MS, type SearchJob, SLOT, type StoreSearch, idAtStatement, isNumber, termsStatement} from './search-query.js';
import type {Flavor} from './sql-store.js';
import type {MysqlSearchRows} from './search-mysql.js';
import type {StoreKind} from './types.js';

export type {StoreSearch} from './search-query.js';

const COLUMNS = sql.raw(SELECT_COLUMNS.map((column) => `m.${column}`).join(', '));

/**
 * Message ids that bound the dates of a search (SQLite): ids grow with time there (one
 * writer numbers the messages in the order they are sent), so `after:` and `before:` become
 * a range of the index's rowids instead of a test of each match's row (every newer match of
 * a common word read to find older ones). The bounds are widened by ID_BOUND_MARGIN_MS, so
 * that a clock set back by less than that loses nothing; the time filters stay exact.
 */
export interface IdRange {
  from?: number | undefined;
  below?: number | undefined;
}

/**
 * The SQLite search as one statement, newest first: the FTS5 table drives the loop newest
 * rowid first, so a common word stops after `limit` hits instead of reading them all (when
 * its prefix is given as its exact terms: `expansions`).
 */
function searchStatement(db: Kysely<Database>, search: StoreSearch, ids: IdRange, matchSlot: string) {
  const filters: RawBuilder<unknown>[] = [
    sql`m.salon_id IN (${sql.join(search.salonIds)})`,
    sql`m.kind = 'message'`,
    sql`m.deleted_at IS NULL`,
  ];
  if (search.authorId !== undefined) filters.push(sql`m.client_id = ${search.authorId}`);
  if (search.after !== undefined) filters.push(sql`m.timestamp >= ${search.after}`);
  if (search.before !== undefined) filters.push(sql`m.timestamp < ${search.before}`);
  // Bounds on the index's rowid: FTS5 seeks to them rather than walking down to them.
  const id = sql.raw('message_search.rowid');
  if (search.beforeId !== undefined) filters.push(sql`${id} < ${search.beforeId}`);
  if (ids.from !== undefined) filters.push(sql`${id} >= ${ids.from}`);
  if (ids.below !== undefined) filters.push(sql`${id} < ${ids.below}`);
  const where = sql.join(filters, sql` AND `);
  return sql`SELECT ${COLUMNS}, c.username, c.role AS author_role FROM message_search JOIN messages m ON m.message_id = message_search.rowid LEFT JOIN clients c ON c.client_id = m.client_id WHERE message_search MATCH ${matchSlot} AND ${where} ORDER BY message_search.rowid DESC LIMIT ${search.limit}`.compile(db);
}

export function searchJob(db: Kysely<Database>, search: StoreSearch): SearchJob {
  // Numbers are not in the vocabulary (search-terms.ts): a prefix of digits stays a prefix.
  const lookups = search.prefixes.map((p) => (isNumber(p) ? {sql: 'SELECT NULL AS term WHERE 0', parameters: []} : termsStatement(p)));
  if (search.after !== undefined) lookups.push(idAtStatement(search.after - ID_BOUND_MARGIN_MS));
  if (search.before !== undefined) lookups.push(idAtStatement(search.before + ID_BOUND_MARGIN_MS));
  const ids = {from: search.after === undefined ? undefined : SLOT.from, below: search.before === undefined ? undefined : SLOT.below};
  const statement = searchStatement(db, search, ids as unknown as IdRange, SLOT.match);
  return {
    search: {prefixes: search.prefixes, phrases: search.phrases, authorId: search.authorId, salonIds: search.salonIds},
    lookups,
    dates: {after: search.after !== undefined, before: search.before !== undefined},
    statement: {sql: statement.sql, parameters: [...statement.parameters]},
  };
}

/** The rows of a search (messageQuery's columns), newest first, and the next page's cursor (null: none). */
export async function findMessages(db: Kysely<Database>, flavor: Flavor, search: StoreSearch): Promise<{rows: unknown[]; next: number | null}> {
  if (flavor.kind !== 'sqlite') {
    // MySQL searches on its thread (mysql-search-worker.ts): an open MySQL store has one.
    if (!flavor.searchThread) throw new Error('a MySQL store searches on its search thread');
    return flavor.searchThread.post({search}) as Promise<MysqlSearchRows>;
  }
  // SQLite searches on a reader thread (runSearchJob): an open SQLite store always has them.
  if (!flavor.reader) throw new Error('a SQLite store searches on its reader threads');
  const rows = await flavor.reader.search(searchJob(db, search));
  const last = rows.at(-1) as {message_id: number | string} | undefined;
  return {rows, next: rows.length === search.limit && last ? Number(last.message_id) : null};
}
