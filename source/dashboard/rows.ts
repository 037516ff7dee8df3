/**
 * Each panel's content as lines of segments: a header and one line per row, laid out in
 * columns that fit the panel's width. Plain functions of the state, so the view stays a
 * thin shell and a row's text is tested without a terminal.
 */
import {timeLeft} from '../console/commands.js';
import {displayWidth, sanitizeLine, truncate} from '../client/format.js';
import type {Translate} from '../i18n/index.js';
import {MAX_SESSIONS_PER_NODE} from '../server/sessions.js';
import type {Segment} from '../ui/StyledLine.js';
import type {DashboardState, PanelId} from './state.js';

export type Line = readonly Segment[];

export interface PanelContent {
  header: Line | null;
  rows: Line[];
  /** Said instead of rows when there are none. */
  empty: string;
  /** A line under the rows (sessions not listed). */
  footer?: string | undefined;
}

interface Column {
  /** Columns it needs; the last column of a table takes what is left. */
  width: number;
  grow?: boolean;
}

/** Widths for `columns` in `total` columns, a space between each: growing ones share the rest. */
export function columnWidths(total: number, columns: readonly Column[]): number[] {
  const fixed = columns.reduce((sum, c) => sum + c.width, 0) + columns.length - 1;
  const growing = columns.filter((c) => c.grow).length || 1;
  const spare = Math.max(0, total - fixed);
  let given = 0;
  return columns.map((c, i) => {
    if (!c.grow && i !== columns.length - 1) return c.width;
    const share = c.grow ? Math.floor(spare / growing) : 0;
    given += share;
    return c.width + share + (i === columns.length - 1 ? spare - given : 0);
  });
}

/** The cells side by side, each cut or padded to its width. */
function cells(widths: readonly number[], values: readonly Segment[]): Segment[] {
  return values.map((v, i) => {
    const w = widths[i] ?? 0;
    const text = truncate(sanitizeLine(v.text), w);
    const padded = i === values.length - 1 ? text : text + ' '.repeat(Math.max(0, w - displayWidth(text)) + 1);
    return {...v, text: padded};
  });
}

const two = (n: number) => String(n).padStart(2, '0');

/** The time of day, or the date when it is not today: when a session began, an act was done. */
export function when(ms: number, now: number): string {
  const d = new Date(ms);
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return now - ms < 20 * 3600_000 ? time : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

function sessions(s: DashboardState, t: Translate, width: number): PanelContent {
  const w = columnWidths(width, [{width: 14, grow: true}, {width: 15, grow: true}, {width: 12, grow: true}, {width: 20}]);
  const header = [t('dashboard.col.account'), t('dashboard.col.address'), t('dashboard.col.node'), t('dashboard.col.since')];
  const rows = s.sessions.rows.map((r) =>
    cells(w, [{text: r.username, bold: true}, {text: r.address}, {text: r.nodeName, dim: r.local}, {text: `${when(r.since, s.now)} (${timeLeft(s.now - r.since)})`}]),
  );
  const footer = s.sessions.truncated.map((n) => t('dashboard.truncated', {node: n.nodeName, total: n.total, shown: MAX_SESSIONS_PER_NODE})).join(' ');
  return {header: cells(w, header.map((text) => ({text, dim: true}))), rows, empty: t('dashboard.empty.sessions'), footer: footer || undefined};
}

function pending(s: DashboardState, t: Translate, width: number): PanelContent {
  const w = columnWidths(width, [{width: 14, grow: true}, {width: 14, grow: true}, {width: 16, grow: true}, {width: 10}]);
  const header = [t('dashboard.col.account'), t('dashboard.col.alias'), t('dashboard.col.salon'), t('dashboard.col.asked')];
  const rows = s.pending.map((r) => cells(w, [{text: r.username, bold: true}, {text: r.alias}, {text: r.salonName, color: 'cyan'}, {text: when(r.ts, s.now)}]));
  return {header: cells(w, header.map((text) => ({text, dim: true}))), rows, empty: t('dashboard.empty.pending')};
}

function blocks(s: DashboardState, t: Translate, width: number): PanelContent {
  const w = columnWidths(width, [{width: 14, grow: true}, {width: 12}, {width: 15}, {width: 20, grow: true}]);
  const header = [t('dashboard.col.account'), t('dashboard.col.block'), t('dashboard.col.left'), t('dashboard.col.reason')];
  const rows = s.blocks.map((b) =>
    cells(w, [
      {text: b.username, bold: true},
      {text: t(b.kind === 'kick' ? 'dashboard.kick' : 'dashboard.ban'), color: b.kind === 'kick' ? 'yellow' : 'red'},
      {text: b.until === null ? t('dashboard.forever') : timeLeft(b.until - s.now)},
      {text: b.reason ?? '', italic: true},
    ]),
  );
  return {header: cells(w, header.map((text) => ({text, dim: true}))), rows, empty: t('dashboard.empty.blocks')};
}

function audit(s: DashboardState, t: Translate, width: number): PanelContent {
  const w = columnWidths(width, [{width: 8}, {width: 12, grow: true}, {width: 12}, {width: 18, grow: true}, {width: 10}]);
  const header = [t('dashboard.col.time'), t('dashboard.col.actor'), t('dashboard.col.action'), t('dashboard.col.target'), t('dashboard.col.outcome')];
  // Newest first, as the store gives them: the top of the panel is what just happened.
  const rows = s.audit.map((r) => {
    const target = [r.targetUser, r.targetSalon && `#${r.targetSalon}`, r.reason && `"${r.reason}"`].filter(Boolean).join(' ');
    return cells(w, [
      {text: when(r.at, s.now), dim: true},
      {text: r.via === 'client' ? r.actor : `${r.actor}@${r.via === 'console' ? r.node : r.via}`},
      {text: r.action, bold: true},
      {text: target},
      {text: r.outcome, color: r.outcome === 'ok' ? 'green' : r.outcome === 'forwarded' ? 'yellow' : 'red'},
    ]);
  });
  return {header: cells(w, header.map((text) => ({text, dim: true}))), rows, empty: t('dashboard.empty.audit')};
}

function activity(s: DashboardState, t: Translate, width: number): PanelContent {
  const w = columnWidths(width, [{width: 20, grow: true}, {width: 9}, {width: 8}, {width: 8}]);
  const header = [t('dashboard.col.salon'), t('dashboard.col.perMinute'), t('dashboard.col.online'), t('dashboard.col.members')];
  const rows = s.activity.map((r) =>
    cells(w, [
      {text: r.name, bold: r.salonId !== null, dim: r.salonId === null},
      {text: String(r.perMinute).padStart(8), color: r.perMinute > 0 ? 'green' : undefined},
      {text: r.salonId === null ? '' : String(r.online).padStart(7)},
      {text: r.salonId === null ? '' : String(r.members).padStart(7)},
    ]),
  );
  return {header: cells(w, header.map((text) => ({text, dim: true}))), rows, empty: t('dashboard.empty.activity')};
}

function consoleLines(s: DashboardState, t: Translate): PanelContent {
  return {header: null, rows: s.console.map((text) => [{text: sanitizeLine(text)}]), empty: t('dashboard.empty.console')};
}

export function panelContent(panel: PanelId, s: DashboardState, t: Translate, width: number): PanelContent {
  switch (panel) {
    case 'sessions':
      return sessions(s, t, width);
    case 'pending':
      return pending(s, t, width);
    case 'blocks':
      return blocks(s, t, width);
    case 'audit':
      return audit(s, t, width);
    case 'activity':
      return activity(s, t, width);
    case 'console':
      return consoleLines(s, t);
  }
}
