/**
 * The vocabulary of the search index (sql/sqlite/010_search_terms.sql, sql/mysql/011_search_terms.sql): every word
 * ever indexed, so that a query's prefix can be read as the exact terms it stands for.
 *
 * Written with each batch of messages, in its transaction. Most of a message's words were
 * seen before, so the words already written are remembered here and skipped: the batch
 * writes only words new to this process (a handful per batch once the server has run a
 * while). A word remembered but not committed would be missing from the vocabulary for
 * good, so the memory is only trusted for batches that committed: the store forgets it
 * all when an append fails.
 *
 * Numbers are left out: a chat's numbers (times, amounts, ids) are mostly new words, which
 * cost an INSERT each (the throughput bench's messages carry two in three words), so a
 * query word made of digits only is searched as a prefix (store/search.ts).
 */
import {CompiledQuery} from 'kysely';
import {isNumber} from './search-query.js';

/** Past this many, the memory starts again (it is a cache: forgetting costs a few lookups). */
const MAX_KNOWN = 500_000;
/** Words per INSERT statement: well under SQLite's limit on parameters. */
const CHUNK = 500;
/** MySQL's terms are cut at 64 characters (sql/mysql/011_search_terms.sql), as query words are. */
const MAX_TERM = 64;


export class SearchTerms {
  private known = new Set<string>();
  private pending: string[] = [];

  /** `kind`: whose SQL the statements speak (the table: sql/sqlite/010 and sql/mysql/011, search_terms). */
  constructor(private readonly kind: 'sqlite' | 'mysql' = 'sqlite') {}

  /**
   * The words of these indexed texts that this process has not written yet, each once, in
   * order: two MySQL nodes adding the same new words lock them in the same order, never
   * each waiting for the other.
   */
  unknown(indexedTexts: readonly string[]): string[] {
    const fresh = new Set<string>();
    for (const text of indexedTexts) {
      if (text === '') continue;
      for (const word of text.split(' ')) if (!this.known.has(word) && !isNumber(word)) fresh.add(this.kind === 'mysql' ? word.slice(0, MAX_TERM) : word);
    }
    return [...fresh].sort();
  }

  /** The statements that add the words (ignoring those there: another process may have added some). */
  statements(words: readonly string[]): CompiledQuery[] {
    const out: CompiledQuery[] = [];
    const insert = this.kind === 'sqlite' ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
    for (let start = 0; start < words.length; start += CHUNK) {
      const part = words.slice(start, start + CHUNK);
      out.push(CompiledQuery.raw(`${insert} INTO search_terms (term) VALUES ${part.map(() => '(?)').join(', ')}`, part));
    }
    return out;
  }

  /** Written in the transaction under way. */
  written(words: readonly string[]): void {
    this.pending.push(...words);
  }

  /** That transaction committed: its words are in the vocabulary (returned: search may have remembered the prefixes they start). */
  committed(): string[] {
    if (this.known.size + this.pending.length > MAX_KNOWN) this.known = new Set();
    for (const word of this.pending) this.known.add(word);
    const words = this.pending;
    this.pending = [];
    return words;
  }

  /** An append failed: what it wrote may not be there. */
  forget(): void {
    this.known = new Set();
    this.pending = [];
  }
}
