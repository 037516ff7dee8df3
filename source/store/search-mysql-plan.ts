/**
 * What a search on MySQL/MariaDB's term table looks for (search-mysql.ts): the lists of terms
 * every match has, the lists that may drive it, the conditions checked on the row, and which
 * list is likeliest to drive before the densities are known.
 */
import {MIN_WORD} from '../protocol/search.js';
import {MAX_EXPANSION, type StoreSearch} from './search-query.js';
import {list} from './search-mysql-terms.js';

/**
 * Of the messages that have a phrase's words, the share where they follow each other, as
 * the first step's size assumes: one in seven to one in thirteen on the search scenario's
 * corpus (bonjour in 50 % of its messages, merci in 33 %, `"bonjour merci"` in 2.5 %). Too
 * high, and a phrase took a second step, one more round trip, almost every time; too low
 * costs a larger step (at most search-mysql.ts's MAX_STEP) for phrases whose words go together.
 */
const PHRASE_SHARE = 0.1;

/** A driver's key in what searches remember (search-mysql-memory.ts). */
export const driverKey = (driver: Driver) => (Array.isArray(driver) ? (driver as readonly string[]).join(' ') : `${(driver as PrefixDriver).prefix}*`);

/** The start of more words than MAX_EXPANSION: a range of the key, driving only when its postings are few. */
export interface PrefixDriver {
  readonly prefix: string;
}
/** What lists the candidates of a step: exact terms, or a prefix's range. */
export type Driver = readonly string[] | PrefixDriver;

export interface Plan {
  /** The share of the candidates that have all of a phrase's words whose words also follow each other: PHRASE_SHARE per phrase. */
  phraseShare: number;
  /** Lists of terms one of which each matching message has (each word's terms). */
  required: (readonly string[])[];
  /** What may drive: the required lists, the author's token, the conversations' tokens when few, broad prefixes. */
  drivers: Driver[];
  /** Conditions on the row. */
  where: string[];
  parameters: unknown[];
}

export function plan(search: StoreSearch, expansions: readonly (readonly string[] | undefined)[]): Plan {
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
  const phraseShare = PHRASE_SHARE ** search.phrases.filter((phrase) => phrase.length > 1).length;
  return {phraseShare, required, drivers, where, parameters};
}

/** The conversations' list (words are letters and digits: a term starting with `_` is a token). */
const isConversations = (d: Driver) => Array.isArray(d) && (d[0] as string).startsWith('_s');

/** The list of terms likeliest to drive (step 3 of searchMysql): the sparsest known, or else the first unknown that is not the conversations'. */
export function likeliest(drivers: readonly Driver[], densities: readonly (number | undefined)[]): Driver | undefined {
  let best: Driver | undefined;
  let least = Infinity;
  drivers.forEach((d, i) => {
    if (!Array.isArray(d)) return;
    // Unknown: one in a hundred (a word not searched for a minute is most often a rare one;
    // one person's share of a conversation is most often smaller than a common word's).
    const density = densities[i] ?? (isConversations(d) ? 1 : 0.01);
    if (density < least) [best, least] = [d, density];
  });
  return best;
}
