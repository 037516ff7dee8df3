/**
 * Search on MySQL/MariaDB, on the term table of sql/mysql/011_search_terms.sql: one row
 * per (word, message), plus the author's `_f<client_id>` and the conversation's
 * `_s<salon_id>`, kept in the same transaction as every write of a message (a batch of
 * sends by termsStatement below, edits, deletions and retention by triggers).
 *
 * InnoDB's FULLTEXT builds every match of every word before ORDER BY ... LIMIT can stop
 * (a common word 366 ms at 200,000 messages, a phrase over a second: bench/README.md,
 * "Search"); the term table is read newest first and stops after the page:
 *
 * 1. Each query word becomes the exact terms it starts (`budg` -> budget, budgetaire), when
 *    they are at most MAX_EXPANSION; past that it is checked on the row's words instead.
 * 2. Of the lists of terms that could drive the search (each word's terms, the author's
 *    token, the conversations' tokens when few; a broad prefix's range of the key when a
 *    bucket holds few of its postings), the one whose newest postings are sparsest drives:
 *    its message ids are read newest first, in steps of one round trip, the first sized
 *    from the other lists' densities.
 * 3. Each step's ids are checked in one statement: the row (conversation, author, dates,
 *    kind, not deleted, phrases as runs of the row's words, long prefixes) and, for every
 *    other word, that one of its terms has a row for that message (primary-key lookups).
 *
 * A search examines at most BUDGET candidate ids per request; when the words are common
 * and rarely together, it returns what it found and where to go on (`next`), so that no
 * request costs the database more than a few milliseconds whatever the size of the data.
 * It runs on a thread of its own (mysql-search-worker.ts), which remembers what spares
 * round trips from one search to the next (search-mysql-memory.ts).
 */
import {SELECT_COLUMNS} from './message-fields.js';
import {ID_BOUND_MARGIN_MS, MAX_EXPANSION, type StoreSearch, isNumber} from './search-query.js';
import {type IdBounds, SearchMemory} from './search-mysql-memory.js';
import {type Driver, type Plan, type PrefixDriver, driverKey, likeliest, plan} from './search-mysql-plan.js';
import {BUCKET, type Query, type Trip, idAt, list} from './search-mysql-terms.js';

/** A list's newest postings read to tell how dense it is (which drives, how large the first step). */
const SAMPLE = 256;
/** A broad prefix's postings are counted in the newest buckets, up to this many. */
const PREFIX_CAP = 20_000;
/** Buckets in which a broad prefix's postings are counted. */
const PREFIX_SAMPLE = 2;
/**
 * A broad prefix drives only when a bucket holds at most this many of its postings: its
 * candidates are each bucket's range of its terms, sorted, so a step costs every posting of
 * the buckets it reads.
 */
const PREFIX_PER_BUCKET = 6_000;
/** Candidate ids a request examines at most (a few ms of MariaDB's time, bench/README.md). */
export const BUDGET = 8_000;
/** The first step reads a page's worth of candidates; the next ones what the share kept so far asks for, up to MAX_STEP. */
const MAX_STEP = 2_000;

/** Buckets read by one statement, newest first: 4,194,304 messages. */
const WINDOW = 64;

const COLUMNS = SELECT_COLUMNS.map((column) => `m.${column}`).join(', ');

const bucketOf = (id: number) => Math.floor(id / BUCKET);

/** Rows of a search and where its next page starts (null: there is none). */
export interface MysqlSearchRows {
  rows: unknown[];
  next: number | null;
}

/** The terms of the vocabulary each prefix stands for, in one statement. */
function expansionStatement(prefixes: readonly string[]): Query {
  // Words are letters and digits (protocol/search.ts): no LIKE wildcard or escape in them.
  const parts = prefixes.map((_, i) => `(SELECT ${i} AS i, term FROM search_terms WHERE term LIKE ? ORDER BY term LIMIT ${MAX_EXPANSION + 1})`);
  return {sql: parts.join(' UNION ALL '), parameters: prefixes.map((p) => `${p}%`)};
}

/** The newest buckets holding ids in [from, below), at most WINDOW of them. */
function windowOf(from: number, below: number): number[] {
  const top = bucketOf(below - 1);
  const bottom = Math.max(bucketOf(from), top - WINDOW + 1);
  return Array.from({length: top - bottom + 1}, (_, i) => top - i);
}

/**
 * The newest `size` ids below `below` of messages with any of `terms` (a message with two
 * of them comes twice), in the buckets given: each term read newest first, bucket after
 * bucket, on the primary key; without terms, the messages themselves.
 */
function candidatesQuery(terms: Driver | undefined, buckets: readonly number[], from: number, below: number, size: number): Query {
  if (terms === undefined) {
    return {sql: `SELECT message_id FROM messages WHERE message_id < ? AND message_id >= ? ORDER BY message_id DESC LIMIT ${size}`, parameters: [below, from]};
  }
  const parameters: unknown[] = [];
  if (!Array.isArray(terms)) {
    // A prefix's terms are a range of each bucket's key, in term order: each bucket's ids are
    // sorted (chosen only when a bucket holds few, PREFIX_PER_BUCKET; the step reads only the
    // buckets it needs).
    const parts = buckets.map((bucket) => {
      parameters.push(bucket, `${(terms as PrefixDriver).prefix}%`, below, from);
      return `(SELECT message_id FROM message_terms WHERE bucket = ? AND term LIKE ? AND message_id < ? AND message_id >= ? ORDER BY message_id DESC LIMIT ${size})`;
    });
    return {sql: `SELECT message_id FROM (${parts.join(' UNION ALL ')}) u ORDER BY message_id DESC LIMIT ${size}`, parameters};
  }
  const parts = (terms as readonly string[]).map((term) => {
    parameters.push(...buckets, term, below, from);
    return `SELECT message_id FROM message_terms WHERE bucket IN (${list(buckets)}) AND term = ? AND message_id < ? AND message_id >= ? ORDER BY bucket DESC, message_id DESC LIMIT ${size}`;
  });
  // One term is read in id order already (the key's): no union to sort again.
  if (parts.length === 1) return {sql: parts[0] as string, parameters};
  return {sql: `SELECT message_id FROM (${parts.map((part) => `(${part})`).join(' UNION ALL ')}) u ORDER BY message_id DESC LIMIT ${size}`, parameters};
}

/**
 * What tells how dense a driver's postings are, one statement per driver: a list of terms
 * by its newest SAMPLE postings (their count and the oldest's id: SAMPLE over the ids they
 * span; fewer: all there are in the range), a broad prefix by its postings in the newest
 * buckets, counted up to PREFIX_CAP (its postings are in term order, not id order).
 */
function densityStatement(driver: Driver, buckets: readonly number[], from: number, below: number): Query {
  if (Array.isArray(driver)) {
    const candidates = candidatesQuery(driver, buckets, from, below, SAMPLE);
    return {sql: `SELECT COUNT(*) AS n, MIN(message_id) AS low FROM (${candidates.sql}) s`, parameters: candidates.parameters};
  }
  const sample = buckets.slice(0, PREFIX_SAMPLE);
  return {
    sql: `SELECT COUNT(*) AS n, NULL AS low FROM (SELECT 1 FROM message_terms WHERE bucket IN (${list(sample)}) AND term LIKE ? AND message_id < ? AND message_id >= ? LIMIT ${PREFIX_CAP}) c`,
    parameters: [...sample, `${(driver as PrefixDriver).prefix}%`, below, from],
  };
}

/** A driver's postings per message id, from densityStatement's row; `full`: the sample was (a density to remember). */
function densityOf(driver: Driver, row: {n?: number | string; low?: number | string | null} | undefined, buckets: readonly number[], from: number, below: number): {density: number; full: boolean} {
  const n = Number(row?.n ?? 0);
  const oldest = Math.max(from, (buckets.at(-1) ?? 0) * BUCKET);
  if (Array.isArray(driver)) {
    if (n >= SAMPLE) return {density: n / Math.max(1, below - Number(row?.low ?? oldest)), full: true};
    return {density: n / Math.max(1, below - oldest), full: false};
  }
  const sampled = Math.max(from, (buckets[Math.min(PREFIX_SAMPLE, buckets.length) - 1] ?? 0) * BUCKET);
  return {density: n / Math.max(1, below - sampled), full: below - sampled >= BUCKET};
}

/**
 * One step, one round trip: the candidates that match, newest first, at most `limit`; then
 * how many candidates there were and the oldest (where the next step starts).
 */
function stepStatements(p: Plan, driver: Driver | undefined, candidates: Query, limit: number): Query[] {
  // The other words first, in the index: a candidate's row is read only once they are all
  // there (two common words rarely together read a row per candidate otherwise, anywhere
  // in a table larger than the buffer pool). Each term a lookup of the primary key (a
  // message's terms are in its id's bucket).
  const words: string[] = [];
  const wordParameters: unknown[] = [];
  for (const terms of p.required) {
    if (terms === driver) continue;
    words.push(`EXISTS (SELECT 1 FROM message_terms t WHERE t.bucket = d0.message_id DIV ${BUCKET} AND t.term IN (${list(terms)}) AND t.message_id = d0.message_id)`);
    wordParameters.push(...terms);
  }
  const having = words.length > 0 ? ` WHERE ${words.join(' AND ')}` : '';
  // A message comes once from one term, or from the messages themselves; twice from two of a list's terms.
  const unique = driver === undefined || (Array.isArray(driver) && driver.length === 1);
  return [
    {
      sql: `SELECT ${COLUMNS}, c.username, c.role AS author_role FROM (SELECT ${unique ? '' : 'DISTINCT '}message_id FROM (${candidates.sql}) d0${having}) d JOIN messages m ON m.message_id = d.message_id LEFT JOIN clients c ON c.client_id = m.client_id WHERE ${p.where.join(' AND ')} ORDER BY m.message_id DESC LIMIT ${limit}`,
      parameters: [...candidates.parameters, ...wordParameters, ...p.parameters],
    },
    {sql: `SELECT COUNT(*) AS n, MIN(message_id) AS low FROM (${candidates.sql}) d`, parameters: candidates.parameters},
  ];
}


/** The ids stored: each search reads them (or checks those it remembers) in its first trip. */
const stored: Query = {sql: 'SELECT MIN(message_id) AS lo, MAX(message_id) AS hi FROM messages', parameters: []};
const rangeOf = (rows: unknown[] | undefined): IdBounds => {
  const ids = (rows?.[0] ?? {}) as {lo?: number | string | null; hi?: number | string | null};
  return {lo: Number(ids.lo ?? 0), hi: Number(ids.hi ?? 0)};
};

/**
 * Runs one statement, or several joined by `;\n` (a connection with multipleStatements): the
 * statement's rows, or each one's.
 */
export type Run = (sql: string, parameters: unknown[]) => Promise<unknown[]>;

/** Opens a connection and reads the ids stored, as a thread starts: its first search checks them in its first trip. */
export async function prepareSearch(run: Run, memory: SearchMemory): Promise<void> {
  memory.range ??= rangeOf((await run(stored.sql, stored.parameters)) as unknown[]);
}

/**
 * Ids above the largest one last read that a search still reads (two buckets: 131,072
 * messages since then), so that a remembered range serves; the search's first trip reads
 * the real one, and it runs again in the rare case that there were more.
 */
const SLACK = 2 * BUCKET;

/**
 * A search on MySQL/MariaDB: its rows (messageQuery's columns), newest first, and the next
 * page's cursor. `memory` (search-mysql-memory.ts) spares the lookups it remembers.
 */
export async function searchMysql(run: Run, search: StoreSearch, memory = new SearchMemory()): Promise<MysqlSearchRows> {
  // Statements sent together, one round trip (each a wait on MariaDB and on this thread's turn).
  const trip: Trip = async (statements) => {
    const rows = await run(statements.map((q) => q.sql).join(';\n'), statements.flatMap((q) => q.parameters));
    return (statements.length === 1 ? [rows] : rows) as unknown[][];
  };
  const none: MysqlSearchRows = {rows: [], next: null};
  const now = Date.now();

  // 1. Each prefix's terms (undefined: checked on the row: a number, not in the vocabulary, or
  // the start of too many words) and the ids stored, those not remembered.
  const expansions: (string[] | undefined)[] = search.prefixes.map((p) => (isNumber(p) ? undefined : memory.expansion(p, now)));
  const looked = search.prefixes.flatMap((p, i) => (isNumber(p) || expansions[i] !== undefined ? [] : [i]));
  const readRange = (rows: unknown[] | undefined) => (memory.range = rangeOf(rows));
  // A range remembered is checked by the next trip (`verify`); one read with the terms is exact.
  let verify = true;
  if (looked.length > 0 || memory.range === undefined) {
    const first = await trip([stored, ...(looked.length > 0 ? [expansionStatement(looked.map((i) => search.prefixes[i] as string))] : [])]);
    readRange(first.shift());
    verify = false;
    for (const i of looked) expansions[i] = [];
    for (const row of (first[0] ?? []) as {i: number | string; term: string}[]) expansions[looked[Number(row.i)] ?? -1]?.push(row.term);
    for (const i of looked) memory.rememberExpansion(search.prefixes[i] as string, expansions[i] as string[], now);
  }
  search.prefixes.forEach((p, i) => {
    if ((expansions[i]?.length ?? 0) > MAX_EXPANSION) expansions[i] = undefined;
  });
  // A word that starts no indexed word: nothing can match.
  if (expansions.some((terms) => terms?.length === 0)) return none;

  // 2. The ids searched, [from, below): the cursor and the dates (widened by an hour).
  const range = memory.range as IdBounds;
  const lowest = range.lo;
  const highest = range.hi + 1 + (verify ? SLACK : 0);
  /** The trip's last result is the range when it is to be checked: true when it held more ids than searched. */
  const outgrown = (results: unknown[][]): boolean => {
    if (!verify) return false;
    verify = false;
    return readRange(results.pop()).hi >= highest;
  };
  const withRange = (statements: Query[]) => (verify ? [...statements, stored] : statements);
  const dateId = async (ms: number) => {
    const known = memory.dateBounds(ms);
    if (known) return known;
    const bounds = await idAt(trip, ms, lowest, highest);
    memory.rememberDate(ms, bounds, now);
    return bounds;
  };
  let from = lowest;
  let below = Math.min(highest, search.beforeId ?? highest);
  if (search.after !== undefined) from = Math.max(from, (await dateId(search.after - ID_BOUND_MARGIN_MS)).lo);
  if (search.before !== undefined) below = Math.min(below, (await dateId(search.before + ID_BOUND_MARGIN_MS)).hi);
  // Below the newest ids (a cursor, `before:`), what arrived since the range was read does not matter.
  if (below < highest) verify = false;
  if (from >= below) {
    // Nothing in the range assumed: the one read says whether there is more.
    if (verify && outgrown(await trip([stored]))) return searchMysql(run, search, memory);
    return none;
  }
  const p = plan(search, expansions);

  // 3. What drives: of the lists that could, the one whose postings are sparsest (a broad
  // prefix only when a bucket holds few of them); with none, the messages themselves. The
  // densities, remembered a while, also tell how many candidates the first step reads.
  const window = windowOf(from, below);
  const densities = p.drivers.map((d) => memory.density(driverKey(d), now));
  const unknown = p.drivers.length === 1 && Array.isArray(p.drivers[0]) ? [] : p.drivers.flatMap((d, i) => (densities[i] === undefined ? [i] : []));
  let driver: Driver | undefined;
  let sparsest = Infinity;
  const step = (d: Driver | undefined, size: number, found: number) => {
    let buckets = windowOf(from, below);
    if (d !== undefined && !Array.isArray(d)) {
      // A prefix's step reads all its postings of each bucket: only as many buckets as hold about 1.5 x size.
      const ids = (size * 1.5) / Math.max(sparsest, 1 / BUCKET) - (below - (buckets[0] ?? 0) * BUCKET);
      buckets = buckets.slice(0, 1 + Math.max(0, Math.ceil(ids / BUCKET)));
    }
    return {buckets, size, statements: stepStatements(p, d, candidatesQuery(d, buckets, from, below, size), search.limit - found)};
  };
  // Every condition is one of the drivers: the others' densities, as if independent, are the
  // share of a driver's candidates likely to match (a phrase's words, besides, follow each other).
  const keptBy = (d: Driver | undefined) => p.drivers.reduce((share, other, i) => (other === d ? share : share * Math.min(1, densities[i] ?? 1)), p.phraseShare);
  const firstSize = (kept: number) => (kept > 0 ? Math.min(MAX_STEP, Math.max(search.limit, Math.ceil((search.limit / kept) * 1.25))) : MAX_STEP);
  // The densities' trip also takes the first step of the likeliest driver (likeliest), kept
  // when it is the one.
  const guess = likeliest(p.drivers, densities);
  let prefetched: {step: ReturnType<typeof step>; results: unknown[][]} | undefined;
  if (unknown.length > 0) {
    const guessed = guess === undefined ? undefined : step(guess, firstSize(keptBy(guess)), 0);
    const results = await trip(withRange([...unknown.map((i) => densityStatement(p.drivers[i] as Driver, window, from, below)), ...(guessed?.statements ?? [])]));
    if (outgrown(results)) return searchMysql(run, search, memory);
    unknown.forEach((i, k) => {
      const d = p.drivers[i] as Driver;
      const {density, full} = densityOf(d, results[k]?.[0] as {n?: number | string; low?: number | string | null} | undefined, window, from, below);
      densities[i] = density;
      if (full) memory.rememberDensity(driverKey(d), density, now);
    });
    if (guessed) prefetched = {step: guessed, results: results.slice(unknown.length)};
  }
  p.drivers.forEach((d, i) => {
    const density = densities[i] ?? 1;
    if (!Array.isArray(d) && density * BUCKET > PREFIX_PER_BUCKET) return;
    if (density < sparsest) [driver, sparsest] = [d, density];
  });
  if (driver !== guess) prefetched = undefined;

  // 4. Steps newest first, each sized from the share of candidates the last ones kept.
  const found: unknown[] = [];
  let size = firstSize(keptBy(driver));
  let examined = 0;
  for (;;) {
    const {buckets, size: stepSize, statements} = prefetched?.step ?? step(driver, Math.max(1, Math.min(size, BUDGET - examined)), found.length);
    const results = prefetched?.results ?? (await trip(withRange(statements)));
    prefetched = undefined;
    if (outgrown(results)) return searchMysql(run, search, memory);
    const [hits, seen] = results;
    const {n, low} = (seen?.[0] ?? {}) as {n?: number | string; low?: number | string | null};
    const count = Number(n ?? 0);
    found.push(...(hits ?? []));
    examined += Math.max(count, 1);
    if (found.length >= search.limit) return {rows: found, next: Number((found.at(-1) as {message_id: number | string}).message_id)};
    if (count < stepSize) {
      // This window has no more: on to the older buckets, if any.
      const bottom = (buckets.at(-1) ?? 0) * BUCKET;
      if (driver === undefined || bottom <= from) return {rows: found, next: null};
      below = bottom;
    } else below = Number(low);
    if (examined >= BUDGET) return {rows: found, next: below};
    const share = found.length / examined;
    size = Math.min(MAX_STEP, share > 0 ? Math.ceil(((search.limit - found.length) / share) * 1.25) : stepSize * 4);
  }
}
