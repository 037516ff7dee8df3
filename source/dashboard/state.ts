/**
 * The dashboard's state and its reducer: what is shown and where the operator is. Pure, so
 * keys and layout are tested without a terminal; the controller (controller.ts) fetches the
 * data and feeds it in as actions.
 */
import type {JoinRequestInfo} from '../protocol/frames.js';
import type {Block} from '../server/moderation.js';
import type {SessionList, SessionRow} from '../server/sessions.js';
import type {AuditRecord} from '../store/types.js';

export const PANELS = ['sessions', 'pending', 'blocks', 'audit', 'activity', 'console'] as const;
export type PanelId = (typeof PANELS)[number];

/** One line of the activity panel: a salon, or every direct message and group together. */
export interface ActivityRow {
  name: string;
  /** Null for the row of direct messages and groups. */
  salonId: number | null;
  perMinute: number;
  online: number;
  members: number;
}

export type Confirm =
  | {kind: 'disconnect'; session: SessionRow}
  | {kind: 'unblock'; username: string}
  | {kind: 'stop'};

/** Lines kept in the console panel: the newest, like a terminal's scrollback. */
export const CONSOLE_LINES = 200;

export interface DashboardState {
  focus: PanelId;
  /** The selected row of each list panel. */
  cursor: Record<PanelId, number>;
  sessions: SessionList;
  pending: JoinRequestInfo[];
  blocks: Block[];
  audit: AuditRecord[];
  activity: ActivityRow[];
  console: string[];
  now: number;
  confirm: Confirm | null;
  /** The one-line command prompt, when open: what is typed so far. */
  prompt: string | null;
  /** Earlier commands, newest last, for ↑ in the prompt. */
  history: string[];
  historyAt: number | null;
  /** The last thing that happened, on the status line until the next key. */
  flash: string | null;
  columns: number;
  rows: number;
}

export function initialState(columns = 80, rows = 24, now = Date.now()): DashboardState {
  return {
    focus: 'sessions',
    cursor: {sessions: 0, pending: 0, blocks: 0, audit: 0, activity: 0, console: 0},
    sessions: {rows: [], truncated: []},
    pending: [],
    blocks: [],
    audit: [],
    activity: [],
    console: [],
    now,
    confirm: null,
    prompt: null,
    history: [],
    historyAt: null,
    flash: null,
    columns,
    rows,
  };
}

export type Action =
  | {type: 'data'; data: Partial<Pick<DashboardState, 'sessions' | 'pending' | 'blocks' | 'audit' | 'activity' | 'now'>>}
  | {type: 'focus'; panel: PanelId}
  | {type: 'cycle'; by: 1 | -1}
  | {type: 'move'; by: number}
  | {type: 'print'; lines: string[]}
  | {type: 'flash'; text: string | null}
  | {type: 'confirm'; confirm: Confirm | null}
  | {type: 'prompt'; text: string | null}
  | {type: 'history'; by: 1 | -1}
  | {type: 'remember'; line: string}
  | {type: 'resize'; columns: number; rows: number};

/** How many rows each list panel has, for keeping its cursor inside. */
export function rowCount(state: DashboardState, panel: PanelId): number {
  switch (panel) {
    case 'sessions':
      return state.sessions.rows.length;
    case 'pending':
      return state.pending.length;
    case 'blocks':
      return state.blocks.length;
    case 'audit':
      return state.audit.length;
    case 'activity':
      return state.activity.length;
    case 'console':
      return state.console.length;
  }
}

const clamp = (value: number, count: number) => Math.max(0, Math.min(value, count - 1));

function clampCursors(state: DashboardState): DashboardState {
  let changed = false;
  const cursor = {...state.cursor};
  for (const panel of PANELS) {
    const wanted = clamp(cursor[panel], rowCount(state, panel));
    if (wanted !== cursor[panel]) {
      cursor[panel] = wanted;
      changed = true;
    }
  }
  return changed ? {...state, cursor} : state;
}

export function reducer(state: DashboardState, action: Action): DashboardState {
  switch (action.type) {
    case 'data':
      return clampCursors({...state, ...action.data});
    case 'focus':
      return {...state, focus: action.panel};
    case 'cycle': {
      const at = PANELS.indexOf(state.focus);
      return {...state, focus: PANELS[(at + action.by + PANELS.length) % PANELS.length] as PanelId};
    }
    case 'move': {
      const count = rowCount(state, state.focus);
      return {...state, cursor: {...state.cursor, [state.focus]: clamp(state.cursor[state.focus] + action.by, count)}};
    }
    case 'print': {
      const lines = [...state.console, ...action.lines].slice(-CONSOLE_LINES);
      return {...state, console: lines, cursor: {...state.cursor, console: lines.length - 1}};
    }
    case 'flash':
      return {...state, flash: action.text};
    case 'confirm':
      return {...state, confirm: action.confirm};
    case 'prompt':
      return {...state, prompt: action.text, historyAt: action.text === null ? null : state.historyAt};
    case 'history': {
      if (state.history.length === 0) return state;
      const at = (state.historyAt ?? state.history.length) + action.by;
      if (at >= state.history.length) return {...state, historyAt: null, prompt: ''};
      const index = Math.max(0, at);
      return {...state, historyAt: index, prompt: state.history[index] ?? ''};
    }
    case 'remember':
      return {...state, history: [...state.history.filter((l) => l !== action.line), action.line].slice(-50), historyAt: null};
    case 'resize':
      return {...state, columns: action.columns, rows: action.rows};
  }
}

/** Wide and tall enough for every panel at once; otherwise the focused one alone. */
export const GRID_MIN = {columns: 120, rows: 36} as const;

export function isGrid(state: Pick<DashboardState, 'columns' | 'rows'>): boolean {
  return state.columns >= GRID_MIN.columns && state.rows >= GRID_MIN.rows;
}

/** The panels on screen, whose data is kept fresh (the others are not read at all). */
export function visiblePanels(state: Pick<DashboardState, 'columns' | 'rows' | 'focus'>): PanelId[] {
  return isGrid(state) ? [...PANELS] : [state.focus];
}

/** The rows of the list shown in a panel of `height` rows: a window that keeps the cursor in view. */
export function listWindow(count: number, cursor: number, height: number): {start: number; end: number} {
  if (count <= height) return {start: 0, end: count};
  const start = Math.max(0, Math.min(cursor - Math.floor(height / 2), count - height));
  return {start, end: start + height};
}
