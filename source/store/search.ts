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
import {isNumber} from './search-terms.js';
import type {Flavor} from './sql-store.js';
import type {MysqlSearchRows} from './search-mysql.js';
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

/**
 * Up to this many conversations, the conversations searched are matched in the index (an
 * OR of their tokens, each step of which costs every token); past it, each match's row is read.
 */
const MAX_SALON_TOKENS = 100;

const anyOf = (terms: readonly string[]) => (terms.length === 1 ? `"${terms[0]}"` : `(${terms.map((t) => `"${t}"`).join(' OR ')})`);

/** The FTS5 query; the words hold only letters and digits. */
function matchExpression(search: Pick<StoreSearch, 'prefixes' | 'phrases' | 'authorId' | 'salonIds'>, expansions?: Expansions): string {
  const prefix = (w: string, i: number) => {
    const terms = expansions?.[i];
    if (!terms || terms.length === 0) return `"${w}"*`;
    return anyOf(terms);
  };
  // The author and the conversations are tokens of the index (sql/sqlite/010_search_terms.sql):
  // the index skips the other conversations' matches instead of the rows being read to
  // find out (1.5 s for a common word none of whose matches the reader may see).
  const tokens: string[] = [];
  if (search.authorId !== undefined) tokens.push(`"_f${Math.trunc(search.authorId)}"`);
  if (search.salonIds.length <= MAX_SALON_TOKENS) tokens.push(anyOf(search.salonIds.map((id) => `_s${Math.trunc(id)}`)));
  return [...search.prefixes.map(prefix), ...search.phrases.map((p) => `"${p.join(' ')}"`), ...tokens].join(' AND ');
}

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

export const ID_BOUND_MARGIN_MS = 3_600_000;

/**
 * The smallest message id whose message, and every later one, was sent at or after `ms`,
 * by halving the id range: ~20 primary-key lookups for a million messages.
 */
export function idAtStatement(ms: number): {sql: string; parameters: unknown[]} {
  const timeAt = '(SELECT timestamp FROM messages WHERE message_id >= (lo + hi) / 2 ORDER BY message_id LIMIT 1)';
  return {
    sql: `WITH RECURSIVE probe(lo, hi) AS (SELECT coalesce((SELECT min(message_id) FROM messages), 0), coalesce((SELECT max(message_id) FROM messages), 0) + 1 UNION ALL SELECT CASE WHEN ${timeAt} < ? THEN (lo + hi) / 2 + 1 ELSE lo END, CASE WHEN ${timeAt} < ? THEN hi ELSE (lo + hi) / 2 END FROM probe WHERE lo < hi) SELECT max(lo) AS id FROM probe`,
    parameters: [ms, ms],
  };
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

/** Stand-ins compiled into the statement for what only the reader thread knows. */
const SLOT = {match: '\u0000match', from: '\u0000from', below: '\u0000below'} as const;

/**
 * A SQLite search as the reader thread runs it in one round trip (every trip waits for the
 * server's event loop to hear the answer, tens of ms under load): the vocabulary and date
 * lookups, then the statement, whose MATCH expression and rowid bounds come from them.
 */
export interface SearchJob {
  search: Pick<StoreSearch, 'prefixes' | 'phrases' | 'authorId' | 'salonIds'>;
  lookups: {sql: string; parameters: unknown[]}[];
  dates: {after: boolean; before: boolean};
  statement: {sql: string; parameters: unknown[]};
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

/** On the reader thread: the job's lookups, then its statement with what they found. */
export function runSearchJob(job: SearchJob, all: (sql: string, parameters: readonly unknown[]) => unknown[]): unknown[] {
  const {search} = job;
  const answers = job.lookups.map((q) => all(q.sql, q.parameters));
  const expansions = answers.slice(0, search.prefixes.length).map((rows, i) => {
    const terms = (rows as {term: string}[]).map((r) => r.term);
    return terms.length > MAX_EXPANSION || isNumber(search.prefixes[i] as string) ? undefined : terms;
  });
  // A word that starts no indexed word: nothing to look for.
  if (expansions.some((terms) => terms?.length === 0)) return [];
  const bounds = answers.slice(search.prefixes.length).map((rows) => Number((rows[0] as {id: number} | undefined)?.id ?? 0));
  const value = {
    [SLOT.match]: matchExpression(search, expansions),
    [SLOT.from]: job.dates.after ? bounds[0] : undefined,
    [SLOT.below]: job.dates.before ? bounds.at(-1) : undefined,
  } as Record<string, unknown>;
  return all(job.statement.sql, job.statement.parameters.map((p) => (typeof p === 'string' && p in value ? value[p] : p)));
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
