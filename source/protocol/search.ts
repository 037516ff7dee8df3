/**
 * What search matches, defined once for both backends and the client's highlighting.
 *
 * A message is indexed as its words: letters and digits (Unicode), lower-cased, accents
 * removed (NFKD, then combining marks dropped), everything else a separator, so `l'été`
 * is `l ete` and `Réunion` is `reunion`. Both databases index these words exactly as
 * given (SQLite FTS5, MariaDB/MySQL a term table with a binary collation): the words, not
 * each backend's own tokenizer and collation, decide what matches, so both answer the same.
 * The MySQL term table leaves out words shorter than 3 characters (most of them, and the
 * commonest), so neither backend searches for them: a query's short words are ignored.
 */

/** Shortest word searched for (the term table of sql/mysql/011_search_terms.sql keeps no shorter one). */
export const MIN_WORD = 3;
/** Longest word kept in a query; longer ones are cut (they still match as a prefix). */
const MAX_WORD = 64;
/** Most words and phrases in one query: each is a term of the index lookup. */
export const MAX_TERMS = 8;

const MARKS = /\p{M}+/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/u;

/** The words of a text as they are indexed and searched. */
export function searchWords(text: string): string[] {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().split(SEPARATORS).filter((w) => w.length > 0);
}

/** What the index keeps of a message's text: its words, separated by single spaces. */
export const indexedText = (text: string): string => searchWords(text).join(' ');

export interface SearchQuery {
  /** Each must start a word of the message (a prefix: `budg` finds `budget`). */
  prefixes: string[];
  /** Each must appear as these words, in this order, next to each other. */
  phrases: string[][];
  /** `from:ALIAS` (alias or username, as typed). */
  from?: string;
  /** `in:SALON` (a salon's name, or a direct message's other participant). */
  in?: string;
  /** `after:YYYY-MM-DD` (from that day's start) and `before:YYYY-MM-DD` (before that day's start), UTC ms. */
  after?: number;
  before?: number;
}

export type SearchProblem = 'NO_WORDS' | 'BAD_DATE' | 'TOO_MANY_TERMS';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;

function day(value: string): number | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // 2026-02-31 would roll over into March: refused.
  return new Date(ms).toISOString().startsWith(value) ? ms : undefined;
}

/**
 * A query as people type it: words (all required, each a prefix), "quoted phrases", and
 * the filters from:, in:, before:, after:. Words shorter than MIN_WORD are dropped; a query
 * left with no word and no phrase is refused (NO_WORDS), since it would read everything.
 */
export function parseSearch(input: string): SearchQuery | {problem: SearchProblem} {
  const query: SearchQuery = {prefixes: [], phrases: []};
  // Quoted phrases first; what is left splits on spaces.
  const rest = input.replace(/"([^"]*)"?/gu, (_, phrase: string) => {
    const words = searchWords(phrase).filter((w) => w.length >= MIN_WORD);
    if (words.length === 1) query.prefixes.push(words[0] as string);
    else if (words.length > 1) query.phrases.push(words.map((w) => w.slice(0, MAX_WORD)));
    return ' ';
  });
  for (const token of rest.split(/\s+/u).filter(Boolean)) {
    const filter = /^(from|in|before|after):(.+)$/iu.exec(token);
    if (filter) {
      const [, key, value] = filter as unknown as [string, string, string];
      const name = key.toLowerCase() as 'from' | 'in' | 'before' | 'after';
      if (name === 'before' || name === 'after') {
        const ms = day(value);
        if (ms === undefined) return {problem: 'BAD_DATE'};
        query[name] = ms;
      } else query[name] = value.replace(/_/gu, ' ');
      continue;
    }
    for (const word of searchWords(token)) if (word.length >= MIN_WORD) query.prefixes.push(word.slice(0, MAX_WORD));
  }
  query.prefixes = [...new Set(query.prefixes)];
  if (query.prefixes.length + query.phrases.length === 0) return {problem: 'NO_WORDS'};
  if (query.prefixes.length + query.phrases.length > MAX_TERMS) return {problem: 'TOO_MANY_TERMS'};
  return query;
}

/**
 * Where a text's words match a query, as [start, end) ranges of the text, for highlighting:
 * a word of the text matches when its indexed form starts with one of the query's prefixes
 * or is a word of one of its phrases.
 */
export function matchRanges(text: string, query: Pick<SearchQuery, 'prefixes' | 'phrases'>): [number, number][] {
  const phraseWords = new Set(query.phrases.flat());
  const ranges: [number, number][] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const words = searchWords(m[0]);
    if (words.some((w) => phraseWords.has(w) || query.prefixes.some((p) => w.startsWith(p)))) ranges.push([m.index, m.index + m[0].length]);
  }
  return ranges;
}
