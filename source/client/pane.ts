/**
 * The message pane as lines. Ink has no scrolling box, so the pane renders only what fits:
 * it walks back from the anchor (or the newest entry) and stops once the pane is full. The
 * cost depends on the pane's height, never on how many messages the salon holds.
 */
import type {UserInfo} from '../protocol/frames.js';
import type {Lang} from '../i18n/index.js';
import {clientTranslator} from '../i18n/client.js';
import {type PaneLine, dayLabel, messageLines, sameDay, sanitize, wrap} from './format.js';
import {inputHeight} from './input-view.js';
import type {Anchor, AppState, Entry, Outgoing, SalonView} from './state.js';

export interface Layout {
  listWidth: number;
  membersWidth: number;
  paneWidth: number;
  paneHeight: number;
}

/** Column widths for the three panes; narrow terminals (60 columns) shrink the side panes. */
export function layout(state: Pick<AppState, 'columns' | 'rows' | 'showMembers' | 'editor'>): Layout {
  const listWidth = state.columns >= 80 ? 22 : 18;
  const membersWidth = state.showMembers ? (state.columns >= 100 ? 22 : 16) : 0;
  // Borders take 2 columns per box; 2 more are kept free so a wide character at a line's
  // end never makes the terminal wrap. Rows: the input box, the status bar, the borders.
  const paneWidth = Math.max(20, state.columns - listWidth - membersWidth - 2 - (membersWidth ? 2 : 0) - 2);
  const paneHeight = Math.max(3, state.rows - inputHeight(state.editor.text, state.columns) - 1 - 2);
  return {listWidth, membersWidth, paneWidth, paneHeight};
}

export interface PaneRows {
  /** Rows for the messages themselves. */
  messages: number;
  /** Messages of the outbox drawn under them, oldest first. */
  pending: readonly Outgoing[];
  /** Messages of the outbox left out for room, told in one line. */
  morePending: number;
}

/**
 * How the pane's rows are shared: the outbox (at most a third of the pane), the "new
 * messages below" and "loading" lines take theirs, the messages the rest. The scrolling
 * and the drawing both use this, so that the lines drawn are the lines that fit: a box
 * given more lines than rows lets Yoga shrink one to nothing and draw it over another.
 */
export function paneRows(state: Pick<AppState, 'columns' | 'rows' | 'showMembers' | 'editor' | 'outbox'>, salon: SalonView): PaneRows {
  const {paneHeight} = layout(state);
  const outbox = salon.anchor === null ? state.outbox.filter((o) => o.salonId === salon.id) : [];
  const room = Math.max(1, Math.floor(paneHeight / 3));
  const pending = outbox.length > room ? outbox.slice(0, room - 1) : outbox;
  const morePending = outbox.length - pending.length;
  const taken = pending.length + (morePending > 0 ? 1 : 0) + (salon.newBelow ? 1 : 0) + (salon.loadingOlder ? 1 : 0) + (salon.loadingNewer ? 1 : 0);
  return {messages: Math.max(1, paneHeight - taken), pending, morePending};
}

/** What the message pane of a conversation can show: its columns, its rows and how they are shared. */
export interface Viewport {
  /** Columns a line may take. */
  width: number;
  rows: PaneRows;
}

/**
 * The one definition of the message pane's size: the pane draws with it, and scrolling (the
 * controller, which hands it to the reducer's 'scroll') clamps against it, so that the lines
 * scrolled over are the lines drawn.
 */
export function viewport(state: Pick<AppState, 'columns' | 'rows' | 'showMembers' | 'editor' | 'outbox'>, salon: SalonView): Viewport {
  return {width: layout(state).paneWidth, rows: paneRows(state, salon)};
}

export interface PaneContext {
  width: number;
  /** Rows of the pane; when given, scrolling up stops once the first line is at the top. */
  height?: number;
  me: Pick<UserInfo, 'username' | 'alias'>;
  lang: Lang;
  now: number;
}

const entryTs = (e: Entry) => (e.kind === 'message' ? e.message.ts : e.ts);

/**
 * The key of the first unread message written by someone else: the unread mark goes above
 * it. Found from the read marker by binary search, then a short walk over own messages.
 */
function unreadMarkKey(salon: SalonView, me: PaneContext['me']): number | undefined {
  if (salon.readSeq >= salon.lastSeq) return undefined;
  const from = salon.entries.indexAfter(salon.readSeq);
  // The first unread message was dropped from the window: it is not on screen either.
  const first = salon.entries.firstMessage();
  if (from === 0 && salon.hasOlder && first && first.seq > salon.readSeq + 1) return undefined;
  for (let i = from; i < salon.entries.length; i++) {
    const e = salon.entries.at(i) as Entry;
    if (e.kind === 'message' && e.message.author !== me.username) return e.key;
  }
  return undefined;
}

/** The lines one entry takes, with the day separator and unread mark that precede it. */
function entryLines(salon: SalonView, index: number, ctx: PaneContext, mark: number | undefined): PaneLine[] {
  const entry = salon.entries.at(index) as Entry;
  const previous = salon.entries.at(index - 1);
  const lines: PaneLine[] = [];
  // The salon's first line is part of the pane like any other, so that scrolling counts it.
  if (index === 0 && salon.loaded && !salon.hasOlder) {
    lines.push({kind: 'start', text: clientTranslator(ctx.lang)('messages.start', {salon: salon.name}), key: 'start'});
  }
  if (!previous || !sameDay(entryTs(previous), entryTs(entry))) {
    lines.push({kind: 'day', text: dayLabel(entryTs(entry), ctx.lang, ctx.now), key: `day:${entry.key}`});
  }
  if (entry.kind === 'message') {
    if (entry.key === mark) {
      lines.push({kind: 'unread', text: clientTranslator(ctx.lang)('messages.unread'), key: `unread:${entry.key}`});
    }
    lines.push(...messageLines(entry.message, ctx.width, ctx.me));
  } else {
    const text = sanitize(clientTranslator(ctx.lang)(entry.notice.key, entry.notice.params));
    wrap(text, ctx.width).forEach((part, i) => lines.push({kind: 'system', text: part, key: `sys:${entry.key}:${i}`}));
  }
  return lines;
}

// Entries are sorted by key: binary search keeps scrolling cheap in long salons.
const indexOfKey = (salon: SalonView, key: number): number => salon.entries.indexOfKey(key);

export interface PaneView {
  lines: PaneLine[];
  /** The first loaded entry is on screen: time to fetch older messages. */
  atTop: boolean;
  /** The newest held entry is on screen: time to fetch newer ones if the window lacks them. */
  atBottom: boolean;
}

export function paneView(salon: SalonView, height: number, ctx: PaneContext): PaneView {
  if (salon.entries.length === 0) return {lines: [], atTop: true, atBottom: true};
  const mark = unreadMarkKey(salon, ctx.me);
  let index = salon.anchor ? indexOfKey(salon, salon.anchor.key) : salon.entries.length - 1;
  let skip = salon.anchor?.linesBelow ?? 0;
  const atBottom = index === salon.entries.length - 1 && skip === 0;
  const collected: PaneLine[][] = [];
  let count = 0;
  for (; index >= 0 && count < height; index--) {
    let lines = entryLines(salon, index, ctx, mark);
    if (skip > 0) {
      lines = lines.slice(0, Math.max(0, lines.length - skip));
      skip = 0;
    }
    collected.push(lines);
    count += lines.length;
  }
  const lines = collected.reverse().flat();
  return {lines: lines.slice(Math.max(0, lines.length - height)), atTop: index < 0 && count <= height, atBottom};
}

/** The highest anchor that still fills the pane: the salon's first line at the top. */
function clampToTop(salon: SalonView, wanted: {index: number; linesBelow: number}, ctx: PaneContext): Anchor | null {
  const anchor = (index: number, linesBelow: number): Anchor => ({key: (salon.entries.at(index) as Entry).key, linesBelow});
  if (ctx.height === undefined) return anchor(wanted.index, wanted.linesBelow);
  const mark = unreadMarkKey(salon, ctx.me);
  let total = 0;
  // Every entry takes a line at least, so this walks one screenful of entries at most.
  for (let i = 0; i < salon.entries.length; i++) {
    const lines = entryLines(salon, i, ctx, mark).length;
    total += lines;
    if (total >= ctx.height) {
      const highest = {index: i, linesBelow: total - ctx.height};
      const higher = wanted.index < highest.index || (wanted.index === highest.index && wanted.linesBelow > highest.linesBelow);
      return higher ? anchor(highest.index, highest.linesBelow) : anchor(wanted.index, wanted.linesBelow);
    }
  }
  // Everything fits on one screen: there is nothing to scroll.
  return total < ctx.height ? null : anchor(wanted.index, wanted.linesBelow);
}

/** Moves the anchor by `delta` lines (positive: towards older). null means pinned to the bottom. */
export function scrollAnchor(salon: SalonView, delta: number, ctx: PaneContext): Anchor | null {
  if (salon.entries.length === 0) return null;
  const mark = unreadMarkKey(salon, ctx.me);
  let index = salon.anchor ? indexOfKey(salon, salon.anchor.key) : salon.entries.length - 1;
  let below = (salon.anchor?.linesBelow ?? 0) + delta;
  if (delta >= 0) {
    for (;;) {
      const height = entryLines(salon, index, ctx, mark).length;
      if (below < height || index === 0) return clampToTop(salon, {index, linesBelow: Math.min(below, height - 1)}, ctx);
      below -= height;
      index--;
    }
  }
  // Towards newer: hand lines back to the entries below until the bottom is reached.
  while (below < 0) {
    if (index === salon.entries.length - 1) return null;
    index++;
    below += entryLines(salon, index, ctx, mark).length;
  }
  if (index === salon.entries.length - 1 && below === 0) return null;
  return {key: (salon.entries.at(index) as Entry).key, linesBelow: below};
}
