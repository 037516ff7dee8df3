/**
 * The client's whole state, as plain data. The reducer (reducer.ts) is the only thing that
 * changes it; the Ink components only read it.
 */
import type {Lang} from '../i18n/index.js';
import type {ClientKey} from '../i18n/client.js';
import type {BlockInfo, JoinRequestInfo, MemberInfo, MessageInfo, SalonInfo, UserInfo} from '../protocol/frames.js';
import {type EditorState, emptyEditor} from './editor.js';
import type {Entries} from './entries.js';

export type Screen = 'connecting' | 'login' | 'register' | 'main';
/** The link to the server, as the status bar tells it. */
export type Link = 'connecting' | 'online' | 'reconnecting';
/** 'members': the member list, while it is shown. */
export type Focus = 'salons' | 'messages' | 'members' | 'input';

/** A user-facing text: a catalog key and its parameters, translated when rendered. */
export interface Notice {
  key: ClientKey;
  params?: Record<string, string | number>;
}

export type Entry =
  | {kind: 'message'; key: number; message: MessageInfo}
  | {kind: 'system'; key: number; notice: Notice; ts: number};

/** Where the message pane is scrolled to: the bottom entry shown and lines of it hidden below. */
export interface Anchor {
  key: number;
  linesBelow: number;
}

/** A salon as the server lists it, plus what the client keeps of it. */
export interface SalonView extends SalonInfo {
  mentions: number;
  /**
   * Messages and system lines, sorted by key (a message's key is its seq): a window of the
   * conversation, not all of it (retention.ts).
   */
  entries: Entries;
  /** True once the newest page was fetched; until then the pane asks for it. */
  loaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Newer messages than the window holds exist (dropped while the user read further up). */
  hasNewer: boolean;
  loadingNewer: boolean;
  /** null: pinned to the newest line. */
  anchor: Anchor | null;
  /** A message arrived while the user was scrolled up. */
  newBelow: boolean;
  /**
   * The newest change row applied while the window held the newest rows: with the newest
   * message held, where the stream is known up to (controller.ts knownSeq).
   */
  changeSeq: number;
}

export interface LoginForm {
  username: string;
  password: string;
  field: 0 | 1;
  error?: Notice | undefined;
  info?: Notice | undefined;
  busy: boolean;
}

export interface RegisterForm {
  username: string;
  alias: string;
  password: string;
  confirm: string;
  field: 0 | 1 | 2 | 3;
  error?: Notice | undefined;
  busy: boolean;
}

/** What a y/n window asks before doing. */
export type ConfirmAction =
  | {type: 'send'; salonId: number; text: string; lines: number; chars: number}
  | {type: 'ban'; username: string; reason?: string}
  | {type: 'delete'; salonId: number; seq: number};

export type Modal =
  | {kind: 'join'; salonId: number}
  | {kind: 'confirm'; action: ConfirmAction}
  | {kind: 'switcher'; query: string; index: number}
  | {kind: 'pending'; index: number}
  | {kind: 'help'; offset?: number}
  /** The reaction picker for the message at `seq`: `query` filters the shortcodes. */
  | {kind: 'react'; salonId: number; seq: number; query: string; index: number}
  | SearchWindow
  | BlocksWindow;

/**
 * The moderators' blocks window (moderation.ts): current kicks, counting down, and bans.
 * Its clock is in the state, moved on every second while it is open, so that drawing it
 * stays a function of the state.
 */
export interface BlocksWindow {
  kind: 'blocks';
  /** null: the list is on its way. */
  blocks: BlockInfo[] | null;
  /** The server's clock less this one's when the list came: kicks end by the server's clock. */
  skew: number;
  /** This client's clock at the last tick. */
  now: number;
  /** The block on the cursor. */
  index: number;
  /** The block whose lifting waits for y/n. */
  confirm?: string | undefined;
  error?: Notice | undefined;
}

/**
 * The search results window (search.ts): results newest first, from every conversation the
 * user reads, a cursor on one of them, paged by the last result's id.
 */
export interface SearchWindow {
  kind: 'search';
  query: string;
  /** null: the first page is on its way. */
  results: MessageInfo[] | null;
  error?: Notice | undefined;
  /** The result on the cursor. */
  index?: number;
  /** The first line of the window shown (search-view.ts keeps the cursor's result in view). */
  offset?: number;
  /** Older matches may follow. */
  hasMore?: boolean;
  /** Where the next page starts (the server's `next`): past the last result, or further. */
  next?: number | undefined;
  loadingMore?: boolean;
}

/** A change to a message, as the outbox sends it (edit, delete, react with on:false to take it back). */
export type ChangeRequest =
  | {type: 'edit'; seq: number; text: string}
  | {type: 'delete'; seq: number}
  | {type: 'react'; seq: number; emoji: string; on: boolean};

export interface Outgoing {
  clientMsgId: string;
  salonId: number;
  /** A message's text; '' for a change. */
  text: string;
  /** A message answering the one at this seq. */
  replyTo?: number | undefined;
  /** Set for a change to a message rather than a new message. */
  change?: ChangeRequest | undefined;
  error?: Notice | undefined;
}

/** The message the cursor is on (Alt+↑/↓): a seq of the current conversation. */
export interface Selection {
  salonId: number;
  key: number;
}

/** What Enter does with the input instead of sending a new message. */
export type Compose =
  | {kind: 'edit'; salonId: number; seq: number; draft: string}
  | {kind: 'reply'; salonId: number; seq: number; alias: string | null; text: string; deleted: boolean};

/** Someone typing in a conversation, until `until` (ms). */
export interface Typist {
  salonId: number;
  username: string;
  alias: string;
  until: number;
}

export interface AppState {
  lang: Lang;
  server: string;
  screen: Screen;
  link: Link;
  /** Seconds until the next reconnection attempt, while reconnecting. */
  retryIn: number | null;
  linkError: Notice | null;
  /** Why the session ended for good (banned) or for a while (kicked). */
  ended: Notice | null;
  columns: number;
  rows: number;
  user: UserInfo | null;
  login: LoginForm;
  register: RegisterForm;
  salons: SalonView[];
  current: number | null;
  /**
   * The conversation highlighted in the salon list: an id, not a row, so that it stays on
   * the same conversation when direct messages reorder by activity under it.
   */
  cursorId: number | null;
  focus: Focus;
  editor: EditorState;
  modal: Modal | null;
  showMembers: boolean;
  members: MemberInfo[];
  /** The salon `members` lists; null until a list was fetched for the current salon. */
  membersOf: number | null;
  /** The member highlighted in the member list (a username). */
  memberCursor: string | null;
  /** Users online, by username (from presence events and member lists). */
  online: Record<string, boolean>;
  pending: JoinRequestInfo[];
  outbox: Outgoing[];
  /** The latest thing to tell the user, in the status line. */
  flash: Notice | null;
  /** Increments when the terminal bell should ring (a mention in another salon). */
  bell: number;
  /** The message cursor; null when it is not active. */
  selected: Selection | null;
  compose: Compose | null;
  /** Typing notices received, at most TYPING_MAX (reducer.ts), expired ones pruned. */
  typing: Typist[];
  /** The search results last shown, kept when their window closes: `/search` alone reopens them. */
  lastSearch: SearchWindow | null;
  /** The message cursor is on a result opened from the search window: Esc goes back to it. */
  searchBack: boolean;
}

export function initialState(lang: Lang, server: string, username = '', columns = 80, rows = 24): AppState {
  return {
    lang,
    server,
    screen: 'connecting',
    link: 'connecting',
    retryIn: null,
    linkError: null,
    ended: null,
    columns,
    rows,
    user: null,
    login: {username, password: '', field: username ? 1 : 0, busy: false},
    register: {username: '', alias: '', password: '', confirm: '', field: 0, busy: false},
    salons: [],
    current: null,
    cursorId: null,
    focus: 'input',
    editor: emptyEditor,
    modal: null,
    showMembers: false,
    members: [],
    membersOf: null,
    memberCursor: null,
    online: {},
    pending: [],
    outbox: [],
    flash: null,
    bell: 0,
    selected: null,
    compose: null,
    typing: [],
    lastSearch: null,
    searchBack: false,
  };
}

/**
 * Unread messages: a difference of message counts (n), since changes to messages take seqs
 * too; seqs only from a server that does not send the counts.
 */
export const unread = (s: SalonView) => {
  if (s.state !== 'member' || s.readSeq >= s.lastSeq) return 0;
  return Math.max(0, s.lastN !== undefined && s.readN !== undefined ? s.lastN - s.readN : s.lastSeq - s.readSeq);
};
export const currentSalon = (state: AppState) => state.salons.find((s) => s.id === state.current);
