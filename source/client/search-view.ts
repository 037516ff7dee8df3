/**
 * The search results window as lines: each result a head line (conversation, author, time)
 * and up to RESULT_TEXT_LINES of its text with the matched words marked. Shared by the key
 * router, which keeps the cursor's result in view, and the Ink view, which draws the lines,
 * so both agree on what fits. No Ink here.
 */
import type {Lang} from '../i18n/index.js';
import {clientTranslator} from '../i18n/client.js';
import type {MessageInfo} from '../protocol/frames.js';
import {type SearchQuery, matchRanges, parseSearch} from '../protocol/search.js';
import {DELETED_AUTHOR, aliasColor, displayWidth, sameDay, sanitizeLine, timeLabel, truncate, wrap} from './format.js';
import type {AppState, SearchWindow} from './state.js';
import {bodyRows, windowWidth} from './windows.js';

/** Lines of text shown of a result at most: enough to read the match in its sentence. */
export const RESULT_TEXT_LINES = 3;
/** Columns before a result's text (under the cursor's mark). */
const INDENT = 2;
/** Characters kept before the first match when a long text is cut to show it. */
const LEAD = 24;

export interface Segment {
  text: string;
  /** A word the query matched: drawn bold and underlined (and in colour, when there is colour). */
  match: boolean;
}

export interface ResultLine {
  key: string;
  /** The result (its index in the window's results) this line belongs to. */
  result: number;
  kind: 'head' | 'text';
  /** head: where, who and when, already cut to fit. */
  conversation?: string;
  alias?: string;
  color?: string | undefined;
  time?: string;
  /** text: the line, in parts. */
  segments?: Segment[];
}

const dates = {
  en: {day: new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'short'}), year: new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'short', year: 'numeric'})},
  fr: {day: new Intl.DateTimeFormat('fr-FR', {day: 'numeric', month: 'short'}), year: new Intl.DateTimeFormat('fr-FR', {day: 'numeric', month: 'short', year: 'numeric'})},
};

/** "14:32" today; "3 Mar 14:32" this year; "3 Mar 2025 14:32" before (in local time). */
export function resultTime(ts: number, lang: Lang, now: number): string {
  if (sameDay(ts, now)) return timeLabel(ts);
  const format = new Date(ts).getFullYear() === new Date(now).getFullYear() ? dates[lang].day : dates[lang].year;
  return `${format.format(new Date(ts))} ${timeLabel(ts)}`;
}

/** What the query asks for, as the server reads it; nothing to mark when it does not parse. */
export function searchTerms(query: string): Pick<SearchQuery, 'prefixes' | 'phrases'> {
  const parsed = parseSearch(query);
  return 'problem' in parsed ? {prefixes: [], phrases: []} : parsed;
}

/**
 * A long text whose first match would not be among the lines shown starts a little before
 * that match instead, after an ellipsis.
 */
function snippet(text: string, ranges: [number, number][], budget: number): {text: string; ranges: [number, number][]} {
  const first = ranges[0];
  if (!first || first[1] <= budget - 8) return {text, ranges};
  let cut = Math.max(0, first[0] - LEAD);
  // Start on a word: after the last space before the cut, when there is one near.
  const space = text.lastIndexOf(' ', cut);
  if (space >= 0 && cut - space < LEAD) cut = space + 1;
  if (cut === 0) return {text, ranges};
  const shift = 1 - cut;
  return {text: `…${text.slice(cut)}`, ranges: ranges.filter(([, end]) => end > cut).map(([s, e]) => [Math.max(1, s + shift), e + shift])};
}

/** The parts of text[start, end) with the matched ranges marked. */
function segmentsOf(text: string, start: number, end: number, ranges: readonly [number, number][]): Segment[] {
  const out: Segment[] = [];
  let at = start;
  for (const [s, e] of ranges) {
    if (e <= at || s >= end) continue;
    const from = Math.max(s, at);
    if (from > at) out.push({text: text.slice(at, from), match: false});
    const to = Math.min(e, end);
    out.push({text: text.slice(from, to), match: true});
    at = to;
  }
  if (at < end) out.push({text: text.slice(at, end), match: false});
  return out;
}

/** A result's text as lines of at most `width` columns, matches marked. */
export function textLines(raw: string, terms: Pick<SearchQuery, 'prefixes' | 'phrases'>, width: number): Segment[][] {
  const clean = sanitizeLine(raw);
  const shown = snippet(clean, matchRanges(clean, terms), width * RESULT_TEXT_LINES);
  const wrapped = wrap(shown.text, width);
  const lines: Segment[][] = [];
  let cursor = 0;
  for (const [i, line] of wrapped.slice(0, RESULT_TEXT_LINES).entries()) {
    // Wrapping only drops the blanks where it breaks: each line is found in order in the text.
    const start = Math.max(cursor, shown.text.indexOf(line, cursor));
    cursor = start + line.length;
    const cutHere = i === RESULT_TEXT_LINES - 1 && wrapped.length > RESULT_TEXT_LINES;
    if (!cutHere) {
      lines.push(segmentsOf(shown.text, start, cursor, shown.ranges));
      continue;
    }
    const ended = truncate(`${line} …`, width);
    const kept = ended.endsWith(' …') && ended.length === line.length + 2 ? line.length : ended.length - 1;
    lines.push([...segmentsOf(shown.text, start, start + kept, shown.ranges), {text: ended.slice(kept), match: false}]);
  }
  return lines;
}

/** Columns inside the window (its border and padding off). */
export const searchWidth = (state: AppState) => Math.max(10, windowWidth(state) - 4);

const cache = new WeakMap<readonly MessageInfo[], {width: number; lang: Lang; day: number; salons: AppState['salons']; lines: ResultLine[]}>();

/** Every result's lines, in order (newest first, as the server answers). */
export function resultLines(state: AppState, modal: SearchWindow, now: number): ResultLine[] {
  const results = modal.results ?? [];
  const width = searchWidth(state);
  const day = new Date(now).setHours(0, 0, 0, 0);
  const cached = cache.get(results);
  if (cached && cached.width === width && cached.lang === state.lang && cached.day === day && cached.salons === state.salons) return cached.lines;
  const terms = searchTerms(modal.query);
  const names = new Map(state.salons.map((s) => [s.id, s.name]));
  const lines: ResultLine[] = [];
  results.forEach((m, result) => {
    const time = resultTime(m.ts, state.lang, now);
    const fullAlias = m.alias === null ? DELETED_AUTHOR : sanitizeLine(m.alias);
    // The mark, two " · " and the time take their columns; the name and the alias share the rest.
    const room = Math.max(8, width - INDENT - 6 - displayWidth(time));
    const name = names.get(m.salon) ?? `#${m.salon}`;
    const conversation = truncate(name, Math.max(4, room - Math.min(displayWidth(fullAlias), Math.floor(room / 2))));
    const alias = truncate(fullAlias, Math.max(4, room - displayWidth(conversation)));
    lines.push({key: `${m.id}:head`, result, kind: 'head', conversation, alias, color: m.alias === null ? undefined : aliasColor(fullAlias), time});
    textLines(m.text, terms, width - INDENT).forEach((segments, i) => lines.push({key: `${m.id}:${i}`, result, kind: 'text', segments}));
  });
  cache.set(results, {width, lang: state.lang, day, salons: state.salons, lines});
  return lines;
}

export function searchTitle(state: AppState, modal: SearchWindow): string {
  return clientTranslator(state.lang)('search.title', {query: truncate(sanitizeLine(modal.query), 40)});
}

export interface SearchView {
  lines: ResultLine[];
  /** The first line shown. */
  first: number;
  /** Lines of results the window shows. */
  rows: number;
  /** The result on the cursor (clamped). */
  index: number;
}

/**
 * The lines shown: from `modal.offset`, moved as little as needed to show the whole of the
 * cursor's result (its head at least, when it is taller than the window).
 */
export function searchView(state: AppState, modal: SearchWindow, now: number): SearchView {
  const lines = resultLines(state, modal, now);
  // One row says where the cursor stands and whether more results follow; one more for an error.
  const rows = Math.max(1, bodyRows(state, searchTitle(state, modal)) - 1 - (modal.error ? 1 : 0));
  const count = modal.results?.length ?? 0;
  const index = Math.max(0, Math.min(count - 1, modal.index ?? 0));
  let first = Math.max(0, Math.min(modal.offset ?? 0, lines.length - rows));
  const top = lines.findIndex((line) => line.result === index);
  if (top >= 0) {
    let bottom = top;
    while (bottom + 1 < lines.length && lines[bottom + 1]?.result === index) bottom++;
    if (bottom >= first + rows) first = bottom - rows + 1;
    if (top < first) first = top;
  }
  return {lines, first, rows, index};
}
