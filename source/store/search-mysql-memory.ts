/**
 * What MySQL's search remembers from one request to the next, on its thread
 * (mysql-search-worker.ts), so that a search usually starts with the statement that reads
 * candidates: each round trip it saves is a wait on MariaDB and on a thread's turn
 * (bench/README.md, "Search on MariaDB off the server's thread").
 *
 * - The ids stored: read again with the vocabulary, or checked by the first statement of the
 *   search that does not look terms up; a search that finds ids above
 *   what it assumed runs again with them (it never misses a message just sent).
 * - The vocabulary's terms for a prefix: for EXPANSION_TTL_MS at most. This node's new words
 *   forget the prefixes they start at once (`learned`); another node's new word reaches
 *   this node's prefix searches within that time, its exact word at once (a word that starts
 *   nothing is never remembered).
 * - How dense a list's newest postings are (search-mysql.ts: which list drives, how many
 *   candidates to read): for DENSITY_TTL_MS; a wrong one costs a step, never a result.
 * - The ids at a time in the past: exact bounds forever, as ids grow with time and later
 *   messages come later.
 */

/** How long a prefix's terms are trusted without this node having seen a new word they miss. */
const EXPANSION_TTL_MS = 30_000;
/** How long a list's density is trusted: it only guides the plan, and moves slowly. */
const DENSITY_TTL_MS = 60_000;
/** Entries kept per kind: beyond, the oldest goes (bounded memory whatever people search). */
const MAX_ENTRIES = 4_096;
/** Times at least this far in the past have no message to come (a node's clock may lag a little). */
const SETTLED_MS = 10 * 60_000;

function put<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

export interface IdBounds {
  lo: number;
  hi: number;
}

export class SearchMemory {
  /** The smallest and largest message ids last read, or none yet. */
  range: IdBounds | undefined;
  private readonly expansions = new Map<string, {terms: string[]; at: number}>();
  private readonly dates = new Map<number, IdBounds>();
  private readonly densities = new Map<string, {density: number; at: number}>();

  /** The terms `prefix` stood for not long ago, if known. */
  expansion(prefix: string, now: number): string[] | undefined {
    const known = this.expansions.get(prefix);
    if (!known) return undefined;
    if (now - known.at > EXPANSION_TTL_MS) {
      this.expansions.delete(prefix);
      return undefined;
    }
    return known.terms;
  }

  rememberExpansion(prefix: string, terms: string[], now: number): void {
    if (terms.length > 0) put(this.expansions, prefix, {terms, at: now});
  }

  /** Words this node just added to the vocabulary: the prefixes they start must be read again. */
  learned(words: readonly string[]): void {
    if (this.expansions.size === 0) return;
    for (const word of words) for (let end = 1; end <= word.length; end++) this.expansions.delete(word.slice(0, end));
  }

  /** How dense a list's newest postings were not long ago (search-mysql.ts: which list drives, how many candidates a step reads). */
  density(key: string, now: number): number | undefined {
    const known = this.densities.get(key);
    if (!known || now - known.at > DENSITY_TTL_MS) return undefined;
    return known.density;
  }

  rememberDensity(key: string, density: number, now: number): void {
    put(this.densities, key, {density, at: now});
  }

  dateBounds(ms: number): IdBounds | undefined {
    return this.dates.get(ms);
  }

  rememberDate(ms: number, bounds: IdBounds, now: number): void {
    if (ms < now - SETTLED_MS) put(this.dates, ms, bounds);
  }
}
