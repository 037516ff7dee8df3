/**
 * How names compare where people type them: salon references, the salon switcher, alias
 * completion. Case and accents do not matter ("comptabilite" finds "Comptabilité").
 */
import {CONFUSABLES} from './confusables.js';

export const foldName = (name: string): string => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

/** Combining marks one character may carry: enough for Vietnamese or Devanagari, not for "Zalgo" text. */
export const MAX_MARKS_PER_CHARACTER = 4;

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
// Letters and digits that draw nothing (Hangul fillers are letters; the braille blank a symbol).
const BLANK = /[\u115f\u1160\u3164\uffa0\u2800]/u;
const VISIBLE_BASE = /[\p{L}\p{N}]/u;
const TOO_MANY_MARKS = new RegExp(`\\p{M}{${MAX_MARKS_PER_CHARACTER + 1},}`, 'u');

/**
 * Why an alias cannot be shown safely, or undefined. An alias must draw something (a
 * visible letter or digit, no invisible or blank characters) and start with a character,
 * not a mark stacked on nothing.
 */
export function aliasProblem(alias: string): string | undefined {
  if (IGNORABLE.test(alias) || BLANK.test(alias)) return 'invisible characters are not allowed';
  if (![...alias].some((c) => VISIBLE_BASE.test(c))) return 'at least one visible letter or digit';
  if (/^\p{M}/u.test(alias)) return 'cannot start with a combining mark';
  if (TOO_MANY_MARKS.test(alias.normalize('NFC'))) return `at most ${MAX_MARKS_PER_CHARACTER} combining marks per character`;
  return undefined;
}

function skeleton(text: string): string {
  let out = '';
  for (const char of text) out += CONFUSABLES.get(char) ?? char;
  return out;
}

const stripMarks = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '');

/**
 * The keys under which an alias is taken. Two aliases clash when they share one: when they
 * differ only in case, accents, compatibility forms ("Hélène", "HELENE") or characters that
 * look alike (Unicode's confusables, UTS #39: a Cyrillic "А" for a Latin "A", "rn" for "m").
 * Two keys because lowercasing first and mapping first catch different lookalikes ("I" and
 * "l" look alike; "I" lowercased is "i", which does not).
 */
export function aliasKeys(alias: string): string[] {
  const base = stripMarks(alias.normalize('NFKC')).trim();
  const lowerFirst = stripMarks(skeleton(base.toLowerCase())).toLowerCase();
  const mappedFirst = stripMarks(skeleton(base)).toLowerCase();
  return lowerFirst === mappedFirst ? [lowerFirst] : [lowerFirst, mappedFirst];
}
