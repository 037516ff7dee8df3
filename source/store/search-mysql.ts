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
 *    token, the conversations' tokens when few; a broad prefix's range of the key when its
 *    postings are few), the one with the fewest postings in the newest buckets of the id
 *    range drives: its message ids are read newest first, in steps of one round trip.
 * 3. Each step's ids are checked in one statement: the row (conversation, author, dates,
 *    kind, not deleted, phrases as runs of the row's words, long prefixes) and, for every
 *    other word, that one of its terms has a row for that message (primary-key lookups).
 *
 * A search examines at most BUDGET candidate ids per request; when the words are common
 * and rarely together, it returns what it found and where to go on (`next`), so that no
 * request costs the database more than a few milliseconds whatever the size of the data.
 */
import {CompiledQuery, type Kysely} from 'kysely';
import {MIN_WORD} from '../protocol/search.js';
import {SELECT_COLUMNS} from './message-fields.js';
import {type Database, type TimeValue, toMs} from './schema.js';
import {ID_BOUND_MARGIN_MS, MAX_EXPANSION, type StoreSearch} from './search.js';
import {isNumber} from './search-terms.js';

/** At most this many postings are counted per list when choosing the one that drives. */
const COUNT_CAP = 2_000;
/**
 * A broad prefix's postings are counted up to this many, and it drives only below it: its
 * candidates are each bucket's range of its terms, sorted, so they cost what they count.
 */
const PREFIX_CAP = 20_000;
/** Candidate ids a request examines at most (a few ms of MariaDB's time, bench/README.md). */
export const BUDGET = 8_000;
/** The first step reads a page's worth of candidates; the next ones what the share kept so far asks for, up to MAX_STEP. */
const MAX_STEP = 2_000;
/** Message ids per bucket of message_terms' key (sql/mysql/011_search_terms.sql). */
const BUCKET = 65_536;
/** Buckets read by one statement, newest first: 4,194,304 messages. */
const WINDOW = 64;

const COLUMNS = SELECT_COLUMNS.map((column) => `m.${column}`).join(', ');

const list = (values: readonly unknown[]) => values.map(() => '?').join(', ');
const bucketOf = (id: number) => Math.floor(id / BUCKET);

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

/** Rows of a search and where its next page starts (null: there is none). */
export interface MysqlSearchRows {
  rows: unknown[];
  next: number | null;
}

interface Query {
  sql: string;
  parameters: unknown[];
}

/** The terms of the vocabulary each prefix stands for, in one statement. */
function expansionStatement(prefixes: readonly string[]): Query {
  // Words are letters and digits (protocol/search.ts): no LIKE wildcard or escape in them.
  const parts = prefixes.map((_, i) => `(SELECT ${i} AS i, term FROM search_terms WHERE term LIKE ? ORDER BY term LIMIT ${MAX_EXPANSION + 1})`);
  return {sql: parts.join(' UNION ALL '), parameters: prefixes.map((p) => `${p}%`)};
}

/**
 * Points probed when looking for the id at a time, in one round trip: each trip waits for
 * the server's busy event loop, and each point is a read of a row anywhere in the table (256
 * points made `after:` three times slower under the search scenario's load than two trips
 * of 64). A million messages narrow to ~16,000 ids, which the row's time then decides.
 */
const PROBES = 64;
const PROBE_TRIPS = 1;

/**
 * Bounds [lo, hi] on the smallest id from which every message was sent at or after `ms`
 * (ids grow with time, store/search.ts IdRange): the first message at or after each of
 * PROBES points of the range, read in one statement, narrows it; the search takes the safe
 * side (lo for `after:`, hi for `before:`), the row's time deciding the rest.
 */
async function idAt(trip: Trip, ms: number, lo: number, hi: number): Promise<{lo: number; hi: number}> {
  for (let round = 0; round < PROBE_TRIPS && lo < hi; round++) {
    const points = [...new Set(Array.from({length: PROBES}, (_, k) => lo + Math.floor(((hi - lo) * k) / PROBES)))];
    const parts = points.map((_, k) => `(SELECT ${k} AS k, message_id, timestamp FROM messages WHERE message_id >= ? ORDER BY message_id LIMIT 1)`);
    const [rows] = (await trip([{sql: parts.join(' UNION ALL '), parameters: points}])) as {k: number | string; message_id: number | string; timestamp: TimeValue}[][];
    const first = new Map((rows ?? []).map((r) => [Number(r.k), r]));
    // Before the first point whose next message is at or after `ms` (or has none), after the last one's before it.
    for (const [k, point] of points.entries()) {
      const row = first.get(k);
      if (!row || (toMs(row.timestamp) ?? ms) >= ms) {
        hi = Math.min(hi, point);
        break;
      }
      lo = Math.max(lo, Number(row.message_id) + 1);
    }
  }
  return {lo, hi: Math.max(lo, hi)};
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
    // sorted (chosen only when they are few, countStatement).
    const parts = buckets.map((bucket) => {
      parameters.push(bucket, `${(terms as PrefixDriver).prefix}%`, below, from);
      return `(SELECT message_id FROM message_terms WHERE bucket = ? AND term LIKE ? AND message_id < ? AND message_id >= ? ORDER BY message_id DESC LIMIT ${size})`;
    });
    return {sql: `SELECT message_id FROM (${parts.join(' UNION ALL ')}) u ORDER BY message_id DESC LIMIT ${size}`, parameters};
  }
  const parts = (terms as readonly string[]).map((term) => {
    parameters.push(...buckets, term, below, from);
    return `(SELECT message_id FROM message_terms WHERE bucket IN (${list(buckets)}) AND term = ? AND message_id < ? AND message_id >= ? ORDER BY bucket DESC, message_id DESC LIMIT ${size})`;
  });
  return {sql: `SELECT message_id FROM (${parts.join(' UNION ALL ')}) u ORDER BY message_id DESC LIMIT ${size}`, parameters};
}

/** How many postings each driver has in the newest buckets of the range, counting up to COUNT_CAP. */
function countStatement(drivers: readonly Driver[], buckets: readonly number[], from: number, below: number): Query {
  const parameters: unknown[] = [];
  const parts = drivers.map((d, i) => {
    const terms = Array.isArray(d) ? (d as readonly string[]) : undefined;
    parameters.push(...buckets, ...(terms ?? [`${(d as PrefixDriver).prefix}%`]), below, from);
    const term = terms ? `term IN (${list(terms)})` : 'term LIKE ?';
    return `(SELECT COUNT(*) FROM (SELECT 1 FROM message_terms WHERE bucket IN (${list(buckets)}) AND ${term} AND message_id < ? AND message_id >= ? LIMIT ${terms ? COUNT_CAP : PREFIX_CAP}) c${i}) AS n${i}`;
  });
  return {sql: `SELECT ${parts.join(', ')}`, parameters};
}

/** The start of more words than MAX_EXPANSION: a range of the key, driving only when its postings are few. */
interface PrefixDriver {
  readonly prefix: string;
}
/** What lists the candidates of a step: exact terms, or a prefix's range. */
type Driver = readonly string[] | PrefixDriver;

interface Plan {
  /** Lists of terms one of which each matching message has (each word's terms). */
  required: (readonly string[])[];
  /** What may drive: the required lists, the author's token, the conversations' tokens when few, broad prefixes. */
  drivers: Driver[];
  /** Conditions on the row. */
  where: string[];
  parameters: unknown[];
}

function plan(search: StoreSearch, expansions: readonly (readonly string[] | undefined)[]): Plan {
  const where = ['m.salon_id IN (' + list(search.salonIds) + ')', "m.kind = 'message'", 'm.deleted_at IS NULL'];
  const parameters: unknown[] = [...search.salonIds];
  const required: (readonly string[])[] = [];
  const broad: PrefixDriver[] = [];
  search.prefixes.forEach((prefix, i) => {
    const terms = expansions[i];
    if (terms !== undefined) required.push(terms);
    else {
      // A number, or a start of too many words to look each up: the row's words are read
      // instead, and the range of its terms may drive when few messages have them.
      where.push("CONCAT(' ', m.search_words) LIKE ?");
      parameters.push(`% ${prefix}%`);
      broad.push({prefix: prefix.slice(0, 64)});
    }
  });
  for (const phrase of search.phrases) {
    // Words shorter than MIN_WORD are not in the table: the row's check finds them.
    for (const word of new Set(phrase)) if (word.length >= MIN_WORD) required.push([word.slice(0, 64)]);
    // The words are stored separated by single spaces: a phrase is a run of them, whole words.
    where.push("CONCAT(' ', m.search_words, ' ') LIKE ?");
    parameters.push(`% ${phrase.join(' ')} %`);
  }
  const drivers: Driver[] = [...required];
  if (search.authorId !== undefined) {
    where.push('m.client_id = ?');
    parameters.push(search.authorId);
    drivers.push([`_f${Math.trunc(search.authorId)}`]);
  }
  if (search.salonIds.length <= MAX_EXPANSION) drivers.push(search.salonIds.map((id) => `_s${Math.trunc(id)}`));
  drivers.push(...broad);
  if (search.after !== undefined) where.push('m.timestamp >= ?') && parameters.push(new Date(search.after));
  if (search.before !== undefined) where.push('m.timestamp < ?') && parameters.push(new Date(search.before));
  return {required, drivers, where, parameters};
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
  return [
    {
      sql: `SELECT ${COLUMNS}, c.username, c.role AS author_role FROM (SELECT DISTINCT message_id FROM (${candidates.sql}) d0${having}) d JOIN messages m ON m.message_id = d.message_id LEFT JOIN clients c ON c.client_id = m.client_id WHERE ${p.where.join(' AND ')} ORDER BY m.message_id DESC LIMIT ${limit}`,
      parameters: [...candidates.parameters, ...wordParameters, ...p.parameters],
    },
    {sql: `SELECT COUNT(*) AS n, MIN(message_id) AS low FROM (${candidates.sql}) d`, parameters: candidates.parameters},
  ];
}

type Trip = (statements: readonly Query[]) => Promise<unknown[][]>;

/** A search on MySQL/MariaDB: its rows (messageQuery's columns), newest first, and the next page's cursor. */
export async function searchMysql(db: Kysely<Database>, search: StoreSearch): Promise<MysqlSearchRows> {
  // Statements sent together, one round trip (each costs a turn of the server's busy event loop).
  const trip: Trip = async (statements) => {
    const {rows} = await db.executeQuery(CompiledQuery.raw(statements.map((q) => q.sql).join(';\n'), statements.flatMap((q) => q.parameters)));
    return (statements.length === 1 ? [rows] : rows) as unknown[][];
  };
  const none: MysqlSearchRows = {rows: [], next: null};

  // 1. Each prefix's terms (undefined: checked on the row: a number, not in the vocabulary, or
  // the start of too many words) and the ids stored.
  const looked = search.prefixes.flatMap((p, i) => (isNumber(p) ? [] : [i]));
  const stored = {sql: 'SELECT MIN(message_id) AS lo, MAX(message_id) AS hi FROM messages', parameters: []};
  const first = await trip(looked.length > 0 ? [stored, expansionStatement(looked.map((i) => search.prefixes[i] as string))] : [stored]);
  const expansions: (string[] | undefined)[] = search.prefixes.map(() => []);
  for (const row of (first[1] ?? []) as {i: number | string; term: string}[]) expansions[looked[Number(row.i)] ?? -1]?.push(row.term);
  search.prefixes.forEach((p, i) => {
    if (isNumber(p) || (expansions[i]?.length ?? 0) > MAX_EXPANSION) expansions[i] = undefined;
  });
  // A word that starts no indexed word: nothing can match.
  if (expansions.some((terms) => terms?.length === 0)) return none;

  // 2. The ids searched, [from, below): the cursor and the dates (widened by an hour).
  const ids = (first[0]?.[0] ?? {}) as {lo?: number | string | null; hi?: number | string | null};
  const lowest = Number(ids.lo ?? 0);
  const highest = Number(ids.hi ?? 0) + 1;
  let from = lowest;
  let below = Math.min(highest, search.beforeId ?? highest);
  if (search.after !== undefined) from = Math.max(from, (await idAt(trip, search.after - ID_BOUND_MARGIN_MS, lowest, highest)).lo);
  if (search.before !== undefined) below = Math.min(below, (await idAt(trip, search.before + ID_BOUND_MARGIN_MS, lowest, highest)).hi);
  if (from >= below) return none;
  const p = plan(search, expansions);

  // 3. What has the fewest postings in the newest buckets drives (a broad prefix only when
  // they are few); with nothing, the messages themselves. The count goes with the first step
  // of the likeliest driver, the first word's terms, which is kept when the count agrees.
  const guess: Driver | undefined = p.drivers.find((d) => Array.isArray(d));
  let driver: Driver | undefined = guess;
  const step = (d: Driver | undefined, size: number, found: number) => {
    const buckets = windowOf(from, below);
    return {buckets, size, statements: stepStatements(p, d, candidatesQuery(d, buckets, from, below, size), search.limit - found)};
  };
  let firstStep = step(guess, search.limit, 0);
  let prefetched: unknown[][] | undefined;
  if (p.drivers.length > 1 || (p.drivers.length === 1 && guess === undefined)) {
    const [counts, ...rest] = await trip([countStatement(p.drivers, windowOf(from, below), from, below), ...firstStep.statements]);
    // A list counted to its cap may have any number more; a prefix counted below its cap has
    // exactly that many: when every list reached its cap, such a prefix drives.
    const counted = Object.values((counts?.[0] ?? {}) as Record<string, number | string>).map(Number);
    const lists = counted.map((v, i) => (Array.isArray(p.drivers[i]) ? v : Infinity));
    const prefixes = counted.map((v, i) => (!Array.isArray(p.drivers[i]) && v < PREFIX_CAP ? v : Infinity));
    const fewest = Math.min(...lists);
    const pick = fewest < COUNT_CAP || Math.min(...prefixes) === Infinity ? lists : prefixes;
    driver = Math.min(...pick) === Infinity ? guess : p.drivers[pick.indexOf(Math.min(...pick))];
    if (driver === guess || (pick === lists && guess !== undefined && lists[p.drivers.indexOf(guess)] === fewest)) {
      driver = guess;
      prefetched = rest;
    } else firstStep = step(driver, search.limit, 0);
  }

  // 4. Steps newest first, each sized from the share of candidates the last ones kept.
  const found: unknown[] = [];
  let size = search.limit;
  let examined = 0;
  for (let next = firstStep; ; next = step(driver, Math.max(1, Math.min(size, BUDGET - examined)), found.length)) {
    const {buckets} = next;
    const stepSize = next.size;
    const [hits, seen] = prefetched ?? (await trip(next.statements));
    prefetched = undefined;
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
    const kept = found.length / examined;
    size = Math.min(MAX_STEP, kept > 0 ? Math.ceil(((search.limit - found.length) / kept) * 1.25) : stepSize * 4);
  }
}
