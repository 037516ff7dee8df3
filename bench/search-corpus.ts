/**
 * The search scenario's messages and queries, made up but shaped like chat: word
 * frequencies follow Zipf's law over a vocabulary of 160,020 words (20 common French ones,
 * some accented, then made-up words of syllables), and one message in a thousand carries
 * one of 1,000 rare words. Deterministic: the seeding (coordinator) and the queries (load
 * process) agree on the words without exchanging them.
 */

/** Ranks 1..20: the most frequent words (accents included: the index removes them). */
const COMMON = ['bonjour', 'merci', 'projet', 'réunion', 'demain', 'budget', 'équipe', 'client', 'rapport', 'semaine', 'après', 'café', 'problème', 'version', 'serveur', 'réponse', 'question', 'idée', 'travail', 'message'];
const SYLLABLES = ['ba', 'ce', 'di', 'fo', 'gu', 'ja', 'ke', 'li', 'mo', 'nu', 'pa', 'qe', 'ri', 'so', 'tu', 'va', 'we', 'xi', 'yo', 'za'];
/** Made-up words: four syllables each, 20^4 of them. */
const MADE_UP = SYLLABLES.length ** 4;
export const VOCABULARY = COMMON.length + MADE_UP;
export const RARE_WORDS = 1000;
/** One message in RARE_EVERY carries a rare word. */
const RARE_EVERY = 1000;
export const SEEDED_DAYS = 365;

const syllables = (k: number, count: number) => {
  let word = '';
  for (let i = 0; i < count; i++, k = Math.floor(k / SYLLABLES.length)) word += SYLLABLES[k % SYLLABLES.length];
  return word;
};

/** The word of Zipf rank r (0-based). */
export const wordOf = (r: number): string => (r < COMMON.length ? (COMMON[r] as string) : syllables(r - COMMON.length, 4));
/** Rare word k: its own first letters, so that it never is a made-up word. */
export const rareWordOf = (k: number): string => `zy${syllables(k, 3)}`;

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Zipf (s = 1) by inverting its cumulative weights: a binary search per word.
let cumulative: Float64Array | undefined;
function zipfRank(u: number): number {
  if (!cumulative) {
    cumulative = new Float64Array(VOCABULARY);
    let sum = 0;
    for (let r = 0; r < VOCABULARY; r++) cumulative[r] = sum += 1 / (r + 1);
    for (let r = 0; r < VOCABULARY; r++) (cumulative as Float64Array)[r]! /= sum;
  }
  const c = cumulative;
  let low = 0;
  let high = VOCABULARY - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((c[mid] as number) < u) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Seeded message i: 4-14 words, with a capital and a full stop, sometimes a rare word. */
export function messageTextOf(i: number): string {
  const rnd = random(i * 2654435761);
  const count = 4 + Math.floor(rnd() * 11);
  const words: string[] = [];
  for (let k = 0; k < count; k++) words.push(wordOf(zipfRank(rnd())));
  if (i % RARE_EVERY === RARE_EVERY - 1) words.splice(Math.floor(rnd() * words.length), 0, rareWordOf(Math.floor(i / RARE_EVERY) % RARE_WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** What a query is meant to exercise (reported per kind). */
export type QueryKind = 'rare' | 'common' | 'two-common' | 'mid' | 'prefix' | 'broad-prefix' | 'phrase' | 'rare+common' | 'from' | 'from+rare' | 'in' | 'after';
export const QUERY_KINDS: readonly QueryKind[] = ['rare', 'common', 'two-common', 'mid', 'prefix', 'broad-prefix', 'phrase', 'rare+common', 'from', 'from+rare', 'in', 'after'];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The k-th query of a searcher: the kinds in turn, the words drawn at random. `authors`:
 * accounts that wrote the seeded messages (bench0..); `now`: the newest seeded time.
 */
export function queryOf(kind: QueryKind, rnd: () => number, authors: number, now: number): string {
  const common = () => wordOf(Math.floor(rnd() * 5));
  const rare = () => rareWordOf(Math.floor(rnd() * RARE_WORDS));
  switch (kind) {
    case 'rare':
      return rare();
    case 'common':
      return common();
    case 'two-common':
      return `${wordOf(Math.floor(rnd() * 10))} ${wordOf(10 + Math.floor(rnd() * 10))}`;
    case 'mid':
      // Ranks 200-2,000: a few hundred to a few thousand messages in a million.
      return wordOf(200 + Math.floor(rnd() * 1800));
    case 'prefix':
      // The start of a common word, as someone types it: `reu` finds `Réunion`.
      return wordOf(Math.floor(rnd() * COMMON.length)).normalize('NFKD').replace(/\p{M}/gu, '').slice(0, 3 + Math.floor(rnd() * 2));
    case 'broad-prefix':
      // Three letters of a made-up word: hundreds of different words start with them.
      return wordOf(COMMON.length + Math.floor(rnd() * MADE_UP)).slice(0, 3);
    case 'phrase':
      return `"${wordOf(0)} ${wordOf(1 + Math.floor(rnd() * 3))}"`;
    case 'rare+common':
      return `${rare()} ${common()}`;
    case 'from':
      return `from:bench${Math.floor(rnd() * authors)} ${common()}`;
    case 'from+rare':
      return `from:bench${Math.floor(rnd() * authors)} ${rare()}`;
    case 'in':
      return `in:Général ${wordOf(200 + Math.floor(rnd() * 1800))}`;
    case 'after':
      // The last 30 days of the seeded year.
      return `after:${day(now - 30 * 86_400_000)} ${common()}`;
  }
}
