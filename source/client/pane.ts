/**
 * The message pane as lines. Ink has no scrolling box, so the pane renders only what fits:
 * it walks back from the anchor (or the newest entry) and stops once the pane is full. The
 * cost depends on the pane's height, never on how many messages the salon holds.
 */
import type {MessageInfo, UserInfo} from '../protocol/frames.js';
import type {Lang} from '../i18n/index.js';
import {clientTranslator} from '../i18n/client.js';
import {quoteStart} from './changes.js';
import {type PaneLine, dayLabel, displayWidth, messageIndent, messageLines, sameDay, sanitize, truncate, wrap} from './format.js';
import {composeNotice, typingNotice} from './typing.js';
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
  /** Lines above the input: who is typing, what Enter will do (a reply, an edit). */
  info: number;
}

/**
 * How the pane's rows are shared: the outbox (at most a third of the pane), the "new
 * messages below" and "loading" lines take theirs, the messages the rest. The scrolling
 * and the drawing both use this, so that the lines drawn are the lines that fit: a box
 * given more lines than rows lets Yoga shrink one to nothing and draw it over another.
 */
export function paneRows(state: PaneState, salon: SalonView): PaneRows {
  const {paneHeight} = layout(state);
  // Changes to messages wait in the outbox too, but are not lines of their own.
  const outbox = salon.anchor === null ? state.outbox.filter((o) => o.salonId === salon.id && !o.change) : [];
  const room = Math.max(1, Math.floor(paneHeight / 3));
  const pending = outbox.length > room ? outbox.slice(0, room - 1) : outbox;
  const morePending = outbox.length - pending.length;
  const info = (typingNotice(state, salon.id) ? 1 : 0) + (composeNotice(state, salon.id) ? 1 : 0);
  const taken = pending.length + (morePending > 0 ? 1 : 0) + (salon.newBelow ? 1 : 0) + (salon.loadingOlder ? 1 : 0) + (salon.loadingNewer ? 1 : 0) + info;
  return {messages: Math.max(1, paneHeight - taken), pending, morePending, info};
}

/** What the pane's size depends on. */
export type PaneState = Pick<AppState, 'columns' | 'rows' | 'showMembers' | 'editor' | 'outbox' | 'typing' | 'compose'>;

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
export function viewport(state: PaneState, salon: SalonView): Viewport {
  return {width: layout(state).paneWidth, rows: paneRows(state, salon)};
}

export interface PaneContext {
  width: number;
  /** Rows of the pane; when given, scrolling up stops once the first line is at the top. */
  height?: number;
  me: Pick<UserInfo, 'username' | 'alias'>;
  lang: Lang;
  now: number;
  /** The key of the message on the cursor, drawn highlighted. */
  selected?: number | undefined;
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
    // Nothing older, yet the first message is not the salon's first: retention deleted the rest.
    const key = entry.kind === 'message' && entry.message.seq > 1 ? 'messages.purged' : 'messages.start';
    lines.push({kind: 'start', text: clientTranslator(ctx.lang)(key, {salon: salon.name}), key: 'start'});
  }
  if (!previous || !sameDay(entryTs(previous), entryTs(entry))) {
    lines.push({kind: 'day', text: dayLabel(entryTs(entry), ctx.lang, ctx.now), key: `day:${entry.key}`});
  }
  if (entry.kind === 'message') {
    if (entry.key === mark) {
      lines.push({kind: 'unread', text: clientTranslator(ctx.lang)('messages.unread'), key: `unread:${entry.key}`});
    }
    lines.push(...changedMessageLines(salon, entry.message, ctx));
  } else {
    const text = sanitize(clientTranslator(ctx.lang)(entry.notice.key, entry.notice.params));
    wrap(text, ctx.width).forEach((part, i) => lines.push({kind: 'system', text: part, key: `sys:${entry.key}:${i}`}));
  }
  return lines;
}

/**
 * A message with what changed it: the start of the message it answers above it, a
 * tombstone or an "(edited)" mark, its reactions under it. Every line counts for scrolling.
 */
function changedMessageLines(salon: SalonView, m: MessageInfo, ctx: PaneContext): PaneLine[] {
  const t = clientTranslator(ctx.lang);
  const lines: PaneLine[] = [];
  const base = `${m.salon}:${m.seq}`;
  if (m.replyTo !== undefined) lines.push({kind: 'reply', text: truncate(replyQuote(salon, m, t), Math.max(1, ctx.width)), key: `${base}:reply`});
  lines.push(...messageLines(m, ctx.width, ctx.me, {deleted: t('messages.deleted'), edited: t('messages.edited')}));
  if (m.reactions && m.reactions.length > 0 && m.deletedAt === undefined) {
    const indent = ' '.repeat(messageIndent(m, ctx.width));
    const parts: {text: string; mine: boolean}[] = [];
    let used = indent.length;
    for (const r of m.reactions) {
      const text = `${parts.length > 0 ? '  ' : ''}${sanitize(r.emoji)} ${r.count}`;
      // One line: what does not fit is told with '…', so that the line count stays one.
      if (used + displayWidth(text) > ctx.width - 2) {
        parts.push({text: ' …', mine: false});
        break;
      }
      parts.push({text, mine: r.mine === true});
      used += displayWidth(text);
    }
    lines.push({kind: 'reactions', text: indent, reactions: parts, key: `${base}:reactions`});
  }
  return ctx.selected === m.seq ? lines.map((line) => ({...line, selected: true})) : lines;
}

/** "↳ Alice: start of it…": from the original held (live), else the page's preview. */
function replyQuote(salon: SalonView, m: MessageInfo, t: ReturnType<typeof clientTranslator>): string {
  const original = m.replyTo === undefined ? undefined : salon.entries.message(m.replyTo);
  if (original) {
    const alias = original.alias ?? '—';
    return original.deletedAt !== undefined ? `↳ ${alias}: ${t('messages.deleted')}` : `↳ ${alias}: ${quoteStart(original.text)}`;
  }
  if (m.reply) {
    const alias = m.reply.alias ?? '—';
    return m.reply.deleted ? `↳ ${alias}: ${t('messages.deleted')}` : `↳ ${alias}: ${quoteStart(m.reply.text)}`;
  }
  return `↳ ${t('messages.replyUnknown')}`;
}

/**
 * An anchor that shows the entry with this key, or the anchor as it is when the entry's
 * first line is on screen already: the message cursor moves, the pane follows.
 */
export function revealAnchor(salon: SalonView, key: number, ctx: PaneContext): Anchor | null {
  const view = paneView(salon, ctx.height ?? 1, ctx);
  if (view.lines.some((line) => line.key === `${salon.id}:${key}:0`)) return salon.anchor;
  const last = salon.entries.last();
  if (last?.key === key && !salon.hasNewer) return null;
  return scrollAnchor({...salon, anchor: {key, linesBelow: 0}}, 0, ctx);
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
