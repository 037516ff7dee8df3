/**
 * From messages to terminal lines: sanitizing, measuring, wrapping, colouring, mentions and
 * time labels. Plain TypeScript so that the reducer and the Ink components share one measure.
 */
import type {MessageInfo} from '../protocol/frames.js';
import {sanitize, sanitizeLine} from './sanitize.js';
import {clusters, displayWidth} from './width.js';

export {displayWidth, sanitize, sanitizeLine};

// ---- measuring -------------------------------------------------------------------------

/** Cuts `text` to at most `width` columns, ending with '…' when something was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let kept = '';
  let used = 0;
  for (const cluster of clusters(text)) {
    const w = displayWidth(cluster);
    if (used + w > width - 1) break;
    kept += cluster;
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
        for (const cluster of clusters(token)) {
          const cw = displayWidth(cluster);
          if (used + cw > limit() && (used > 0 || cw <= width)) push();
          line += cluster;
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
  kind: 'message' | 'continuation' | 'day' | 'system' | 'unread' | 'start' | 'reply' | 'reactions';
  text: string;
  /** On the message cursor. */
  selected?: boolean;
  /** A tombstone: `text` says the message was deleted. */
  deleted?: boolean;
  /** The "(edited)" mark ending the message's last line (not in `text`). */
  edited?: string;
  /** A reactions line: each count, the user's own marked. */
  reactions?: {text: string; mine: boolean}[];
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
export interface MessageMarks {
  /** Shown instead of a deleted message's text. */
  deleted: string;
  /** Ends an edited message. */
  edited: string;
}

export function messageLines(m: MessageInfo, width: number, me: {username: string; alias: string}, marks?: MessageMarks): PaneLine[] {
  const columns = Math.max(MIN_PANE_WIDTH, Math.floor(width) || 0);
  const fullAlias = m.alias === null ? DELETED_AUTHOR : sanitizeLine(m.alias);
  const alias = truncate(fullAlias, columns - TIME_WIDTH - 2);
  const prefix = TIME_WIDTH + 1 + displayWidth(alias) + 1;
  const indent = columns - prefix >= MIN_ALIGNED_TEXT ? prefix : NARROW_INDENT;
  const deleted = marks !== undefined && m.deletedAt !== undefined;
  const edited = marks !== undefined && !deleted && m.editedAt !== undefined ? marks.edited : undefined;
  const text = deleted ? marks.deleted : sanitize(m.text);
  const own = m.author !== null && m.author === me.username;
  const mention = !own && !deleted && mentions(text, me.alias, me.username);
  const color = m.alias === null ? undefined : aliasColor(fullAlias);
  const key = (index: number) => `${m.salon}:${m.seq}:${index}`;
  // The mark is wrapped with the text (one word: it stays whole), then kept apart to be drawn dim.
  const chunks = wrapLines(edited ? `${text} ${edited}` : text, columns - prefix, columns - indent);
  const last = chunks.length - 1;
  return chunks.map((whole, index): PaneLine => {
    const marked = edited !== undefined && index === last && whole.endsWith(edited);
    const chunk = marked ? whole.slice(0, whole.length - edited.length).trimEnd() : whole;
    const extra = {...(deleted ? {deleted} : {}), ...(marked ? {edited: chunk === '' ? edited : ` ${edited}`} : {})};
    return index === 0
      ? {kind: 'message', text: chunk, time: timeLabel(m.ts), alias, color, own, mention, key: key(0), ...extra}
      : {kind: 'continuation', text: chunk === '' && !marked ? '' : ' '.repeat(indent) + chunk, own, mention, key: key(index), ...extra};
  });
}

/** Where a message's text starts after its prefix, for lines drawn under it (reactions). */
export function messageIndent(m: MessageInfo, width: number): number {
  const columns = Math.max(MIN_PANE_WIDTH, Math.floor(width) || 0);
  const alias = truncate(m.alias === null ? DELETED_AUTHOR : sanitizeLine(m.alias), columns - TIME_WIDTH - 2);
  const prefix = TIME_WIDTH + 1 + displayWidth(alias) + 1;
  return columns - prefix >= MIN_ALIGNED_TEXT ? prefix : NARROW_INDENT;
}
