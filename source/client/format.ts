/**
 * From messages to terminal lines: sanitizing, measuring, wrapping, colouring, mentions and
 * time labels. Plain TypeScript so that the reducer and the Ink components share one measure.
 */
import type {MessageInfo} from '../protocol/frames.js';

// ---- sanitizing ------------------------------------------------------------------------

// Whole escape sequences go, not just their ESC, else "[2J" or an OSC's payload would show.
// Unterminated strings (OSC, DCS, APC…) run to the end of the text, as a terminal would eat them.
const ESCAPE_SEQUENCES = new RegExp(
  [
    String.raw`(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^]*?(?:\u0007|\u001b\\|\u009c|$)`,
    String.raw`(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?`,
    String.raw`\u001b[\u0020-\u002f]*[\u0030-\u007e]?`,
  ].join('|'),
  'gu',
);
// Bidi overrides and isolates can make a message display text in an order that hides its meaning.
const UNSAFE_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** Removes everything that could repaint or confuse a terminal: C0 controls except '\n', DEL, C1 controls, ANSI/OSC escape sequences, and bidi override/isolate controls. Tabs become a space. */
export function sanitize(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, '').replace(/\r\n/gu, '\n').replace(/\t/gu, ' ').replace(UNSAFE_CHARACTERS, '');
}

// ---- measuring -------------------------------------------------------------------------

// East Asian Wide and Fullwidth ranges that are not emoji (emoji are found by property below).
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2329, 0x232a], [0x2e80, 0x303e], [0x3041, 0x4dbf], [0x4e00, 0xa4cf],
  [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f],
  [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4], [0x16ff0, 0x16ff1], [0x17000, 0x18d08],
  [0x1aff0, 0x1b2ff], [0x1f200, 0x1f265], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]*$/u;
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}/u;
const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

function isWide(codePoint: number): boolean {
  return WIDE.some(([low, high]) => codePoint >= low && codePoint <= high);
}

// Measured per grapheme cluster like Ink's string-width, so that a ZWJ family or a flag counts
// once and our wrapping agrees with Ink's layout.
function clusterWidth(cluster: string): number {
  const first = cluster.codePointAt(0) ?? 0;
  if (cluster.length === 1 && first >= 0x20 && first < 0x7f) return 1;
  if (ZERO_WIDTH.test(cluster)) return 0;
  // VS16 asks for emoji presentation; U+20E3 makes a keycap ("1️⃣") even without it.
  if (/[\ufe0f\u20e3]/u.test(cluster) || EMOJI_PRESENTATION.test(cluster)) return 2;
  return isWide(first) ? 2 : 1;
}

/** Display width of a string in terminal columns: East Asian wide/fullwidth and emoji count 2, combining marks 0, others 1. */
export function displayWidth(text: string): number {
  if (/^[\u0020-\u007e]*$/u.test(text)) return text.length;
  let width = 0;
  for (const {segment} of graphemes.segment(text)) width += clusterWidth(segment);
  return width;
}

/** Cuts `text` to at most `width` columns, ending with '…' when something was cut. */
function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let kept = '';
  let used = 0;
  for (const {segment} of graphemes.segment(text)) {
    const w = clusterWidth(segment);
    if (used + w > width - 1) break;
    kept += segment;
    used += w;
  }
  return width >= 1 ? `${kept}…` : '';
}

// ---- wrapping --------------------------------------------------------------------------

// The first line may be narrower than the others: in the message pane it follows the prefix.
function wrapLines(text: string, firstWidth: number, width: number): string[] {
  const out: string[] = [];
  let line = '';
  let used = 0;
  const limit = () => (out.length === 0 ? firstWidth : width);
  const push = () => {
    out.push(line);
    line = '';
    used = 0;
  };
  for (const hard of text.split('\n')) {
    let gap = '';
    for (const token of hard.match(/ +|[^ ]+/gu) ?? []) {
      if (token.startsWith(' ')) {
        gap += token;
        continue;
      }
      const w = displayWidth(token);
      if (used + gap.length + w <= limit()) {
        line += gap + token;
        used += gap.length + w;
      } else if (used === 0 && w <= limit()) {
        line = token;
        used = w;
      } else if (w <= width) {
        push();
        line = token;
        used = w;
      } else {
        // Too long for any line: fill what is left of this one, then break between clusters.
        if (used > 0 && used + gap.length < limit()) {
          line += gap;
          used += gap.length;
        } else if (used > 0) push();
        for (const {segment} of graphemes.segment(token)) {
          const cw = clusterWidth(segment);
          if (used + cw > limit() && (used > 0 || cw <= width)) push();
          line += segment;
          used += cw;
        }
      }
      gap = '';
    }
    push();
  }
  return out;
}

/** Word-wraps text into lines of at most `width` columns; hard line breaks at '\n'; words longer than width are broken between grapheme clusters; blanks at soft breaks are dropped. Never returns an empty array. Expects sanitized text. */
export function wrap(text: string, width: number): string[] {
  const columns = Math.max(1, Math.floor(width) || 1);
  return wrapLines(text, columns, columns);
}

// ---- colours and mentions --------------------------------------------------------------

// Plain blue is unreadable on dark terminals and red reads as an error, so neither is used.
export const aliasPalette: readonly string[] = Object.freeze([
  'cyan', 'green', 'yellow', 'magenta', 'cyanBright', 'greenBright',
  'yellowBright', 'magentaBright', 'blueBright', 'redBright',
]);

/** A stable colour for an alias (FNV-1a of its NFC form), one of `aliasPalette`, for Ink's <Text color>. */
export function aliasColor(alias: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(alias.normalize('NFC'))) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return aliasPalette[hash % aliasPalette.length] ?? 'cyan';
}

// A hyphen joins names ("Jean-Pierre" must not ping "Jean"), other punctuation separates them.
const WORD = String.raw`[\p{L}\p{M}\p{N}_]`;
const patterns = new Map<string, RegExp>();
const foldAccents = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');

function mentionPattern(name: string): RegExp {
  let pattern = patterns.get(name);
  if (!pattern) {
    const body = foldAccents(name.trim()).replace(/[.*+?^${}()|[\]\\/]/gu, String.raw`\$&`).replace(/\s+/gu, String.raw`\s+`);
    pattern = new RegExp(String.raw`(?<!${WORD}|[\p{L}\p{N}]-)${body}(?!${WORD}|-[\p{L}\p{N}])`, 'iu');
    if (patterns.size > 64) patterns.clear();
    patterns.set(name, pattern);
  }
  return pattern;
}

/** True when `text` mentions `alias` or `username` as a whole word ('@' allowed before it), ignoring case and accents. */
export function mentions(text: string, alias: string, username: string): boolean {
  const folded = foldAccents(text);
  return [alias, username].some((name) => name.trim() !== '' && mentionPattern(name).test(folded));
}

// ---- time ------------------------------------------------------------------------------

const pad2 = (n: number) => String(n).padStart(2, '0');

/** "HH:MM" in local time. */
export function timeLabel(ts: number): string {
  const date = new Date(ts);
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

/** Same local calendar day. */
export function sameDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

const longDates = {
  en: new Intl.DateTimeFormat('en-GB', {weekday: 'long', day: 'numeric', month: 'long', year: 'numeric'}),
  fr: new Intl.DateTimeFormat('fr-FR', {weekday: 'long', day: 'numeric', month: 'long', year: 'numeric'}),
};

/** Label of a day separator: Today / Yesterday (in `lang`), else a long date. */
export function dayLabel(ts: number, lang: 'en' | 'fr', now: number): string {
  if (sameDay(ts, now)) return lang === 'fr' ? 'Aujourd\u2019hui' : 'Today';
  // Calendar arithmetic rather than now - 24 h, which misses on daylight-saving days.
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (sameDay(ts, yesterday.getTime())) return lang === 'fr' ? 'Hier' : 'Yesterday';
  return longDates[lang].format(new Date(ts));
}

// ---- message pane ----------------------------------------------------------------------

/** One rendered line of the message pane. */
export interface PaneLine {
  kind: 'message' | 'continuation' | 'day' | 'system' | 'unread';
  text: string;
  time?: string;
  alias?: string;
  color?: string;
  own?: boolean;
  mention?: boolean;
  key: string;
}

/** Shown for a message whose author was banned (alias null); language-neutral on purpose. */
export const DELETED_AUTHOR = '—';
const TIME_WIDTH = 5;
/** Below this many columns after the prefix, continuation lines stop aligning under the text. */
const MIN_ALIGNED_TEXT = 10;
const NARROW_INDENT = 2;
/** Narrower panes are laid out as this width. */
export const MIN_PANE_WIDTH = 12;

/**
 * Renders one message for a pane of `width` columns. Layout of the first line:
 * "HH:MM alias text" = time (5 columns), a space, the alias (unpadded; cut with '…' to leave
 * room for the time), a space, then the text; `time` and `alias` carry the prefix and `text`
 * only the message part, so the prefix is 5 + 1 + width(alias) + 1 columns. Continuation
 * lines hold their indentation in `text`: aligned under the message text when at least 10
 * columns remain after the prefix, else 2 spaces (then the first line may hold little or no
 * text). Text is sanitized first; no line is wider than max(width, 12).
 */
export function messageLines(m: MessageInfo, width: number, me: {username: string; alias: string}): PaneLine[] {
  const columns = Math.max(MIN_PANE_WIDTH, Math.floor(width) || 0);
  const fullAlias = m.alias === null ? DELETED_AUTHOR : sanitize(m.alias).replace(/\n/gu, ' ');
  const alias = truncate(fullAlias, columns - TIME_WIDTH - 2);
  const prefix = TIME_WIDTH + 1 + displayWidth(alias) + 1;
  const indent = columns - prefix >= MIN_ALIGNED_TEXT ? prefix : NARROW_INDENT;
  const text = sanitize(m.text);
  const own = m.author !== null && m.author === me.username;
  const mention = !own && mentions(text, me.alias, me.username);
  const color = m.alias === null ? undefined : aliasColor(fullAlias);
  const key = (index: number) => `${m.salon}:${m.seq}:${index}`;
  return wrapLines(text, columns - prefix, columns - indent).map((chunk, index): PaneLine =>
    index === 0
      ? {kind: 'message', text: chunk, time: timeLabel(m.ts), alias, color, own, mention, key: key(0)}
      : {kind: 'continuation', text: chunk === '' ? '' : ' '.repeat(indent) + chunk, own, mention, key: key(index)},
  );
}
