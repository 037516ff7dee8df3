/**
 * What a search is, and the part of it that the reader threads run (sqlite-reader-worker.ts,
 * mysql-search-worker.ts): nothing here loads Kysely, whose import alone took 165 ms of a
 * thread's start (bench/README.md, "The first search after a start").
 */

/** Numbers are not in the vocabulary (search-terms.ts): a word of digits only stays a prefix. */
export const isNumber = (word: string): boolean => /^[0-9]+$/u.test(word);

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

/**
 * Up to this many terms, a prefix is searched as the OR of its terms, each read lazily
 * newest first; past it, as an FTS5 prefix query, which merges the terms' whole doclists
 * first. Measured at 1,000,000 messages (bench/README.md): the OR of 8 terms 0.2 ms, of 64
 * 1.2 ms, of 400 31 ms against 6 ms for the prefix query.
 */
export const MAX_EXPANSION = 16;

/** Query bounds on dates are widened by this (store/search.ts, IdRange). */
export const ID_BOUND_MARGIN_MS = 3_600_000;

/** The terms of the SQLite vocabulary that start with `prefix` (one more than MAX_EXPANSION tells "too many"). */
export function termsStatement(prefix: string): {sql: string; parameters: unknown[]} {
  // Terms compare as bytes: every term starting with the prefix sorts below prefix + U+10FFFF.
  return {sql: 'SELECT term FROM search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?', parameters: [prefix, `${prefix}\u{10FFFF}`, MAX_EXPANSION + 1]};
}

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

/** Stand-ins compiled into the statement for what only the reader thread knows. */
export const SLOT = {match: '\u0000match', from: '\u0000from', below: '\u0000below'} as const;

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
