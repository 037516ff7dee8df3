/**
 * The client's reducer: network events and user intents in, state out. Pure: no sockets,
 * no timers, no terminal. Side effects (requests, the bell) live in the controller.
 */
import type {Event, JoinRequestInfo, MemberInfo, MessageInfo, SalonInfo, UserInfo} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {bannedNotice, kickedEventNotice} from './blocks.js';
import {type EditorAction, type EditorState, editorReducer} from './editor.js';
import {cleanEvent, cleanMember, cleanMessage, cleanRequest, cleanSalon, cleanUser} from './sanitize.js';
import {Entries} from './entries.js';
import {listOrder, memberOrder} from './lists.js';
import {type Viewport, revealAnchor, scrollAnchor} from './pane.js';
import {trimToWindow} from './retention.js';
import {applyMessage, applyPage, withSalon} from './conversation-window.js';
import type {AppState, Compose, Focus, Link, Modal, Notice, Outgoing, SalonView} from './state.js';

export type Action =
  | {type: 'resize'; columns: number; rows: number}
  | {type: 'link'; link: Link; retryIn?: number | null; error?: Notice | null}
  | {type: 'showLogin'; info?: Notice; error?: Notice}
  | {type: 'showRegister'}
  | {type: 'formInput'; form: 'login' | 'register'; value: string}
  | {type: 'formNext'; form: 'login' | 'register'; delta: 1 | -1}
  | {type: 'formField'; form: 'login' | 'register'; field: number}
  /** Enter on an empty field: say what is missing, change nothing else. */
  | {type: 'formRequired'; form: 'login' | 'register'}
  | {type: 'formBusy'; form: 'login' | 'register'}
  | {type: 'formError'; form: 'login' | 'register'; error: Notice; field?: number}
  | {type: 'registered'; username: string}
  | {type: 'loggedIn'; user: UserInfo; salons: SalonInfo[]}
  | {type: 'salons'; salons: SalonInfo[]}
  /**
   * latest: the newest page; older: scrolled back; after: catching up after a reconnect or
   * a gap; newer: scrolling down towards messages the window had dropped; around: a page
   * that replaces the window, to show a message found by search (`newer`: rows newer than
   * the page exist).
   */
  | {type: 'page'; salonId: number; messages: MessageInfo[]; mode: 'latest' | 'older' | 'after' | 'newer' | 'around'; hasMore: boolean; newer?: boolean}
  | {type: 'loadingOlder'; salonId: number; loading: boolean}
  | {type: 'loadingNewer'; salonId: number; loading: boolean}
  | {type: 'event'; event: Event; now: number}
  /** A conversation the user opened (the server's answer to `dm`); `now` counts as its activity. */
  | {type: 'conversation'; conversation: SalonInfo; now?: number}
  | {type: 'outgoing'; item: Outgoing}
  | {type: 'outgoingFailed'; clientMsgId: string; error: Notice}
  | {type: 'outgoingDropped'; clientMsgId: string}
  | {type: 'sent'; clientMsgId: string; message: MessageInfo}
  /** The server's answer to a change from the outbox: the change row, or null when it changed nothing. */
  | {type: 'changed'; clientMsgId: string; change: MessageInfo | null}
  /** The message cursor to the message with this key (null: off), shown in the current viewport. */
  | {type: 'select'; key: number | null; now?: number; viewport?: Viewport}
  | {type: 'compose'; compose: Compose | null}
  /** Forgets the typing notices that expired by `now`. */
  | {type: 'typingExpire'; now: number}
  | {type: 'members'; salonId: number; members: MemberInfo[]}
  | {type: 'pendingList'; requests: JoinRequestInfo[]}
  | {type: 'ended'; notice: Notice}
  | {type: 'editor'; action: EditorAction}
  | {type: 'editorState'; editor: EditorState}
  | {type: 'focus'; focus: Focus}
  | {type: 'open'; salonId: number}
  /** The salon list's cursor to a row of the list as displayed (lists.ts). */
  | {type: 'cursor'; index: number}
  /** The member list's cursor to a row of the list as displayed (lists.ts). */
  | {type: 'memberCursor'; index: number}
  /** By lines (positive: back in time), within the current conversation's viewport (pane.ts). */
  | {type: 'scroll'; lines: number; now: number; viewport: Viewport}
  | {type: 'scrollBottom'}
  | {type: 'modal'; modal: Modal | null}
  /** A further page of the search window's results, for the query it was asked with. */
  | {type: 'searchPage'; query: string; messages: MessageInfo[]; hasMore: boolean; next?: number | undefined}
  /** The search window's cursor and first line shown. */
  | {type: 'searchCursor'; index: number; offset: number}
  | {type: 'searchBack'; on: boolean}
  | {type: 'toggleMembers'}
  | {type: 'flash'; notice: Notice | null}
  | {type: 'readLocal'; salonId: number; seq: number};

/**
 * Adds the conversation at the end of the list, or refreshes it in place. Being opened is
 * activity: a new direct message goes to the top of its section until messages say otherwise.
 */
function upsertSalon(state: AppState, info: SalonInfo, now: number): AppState {
  const previous = state.salons.find((s) => s.id === info.id);
  const view = salonFrom(previous ? info : {...info, lastTs: Math.max(info.lastTs ?? 0, now)}, previous);
  return {...state, salons: previous ? state.salons.map((s) => (s.id === info.id ? view : s)) : [...state.salons, view]};
}

function salonFrom(info: SalonInfo, previous?: SalonView): SalonView {
  const keep = previous && info.state === 'member' && previous.state === 'member';
  return {
    ...info,
    // A list asked for before a message arrived must not undo the activity that message showed.
    lastTs: Math.max(info.lastTs ?? 0, keep ? (previous.lastTs ?? 0) : 0),
    mentions: keep ? previous.mentions : 0,
    entries: keep ? previous.entries : Entries.empty,
    loaded: keep ? previous.loaded : false,
    hasOlder: keep ? previous.hasOlder : true,
    loadingOlder: false,
    hasNewer: keep ? previous.hasNewer : false,
    loadingNewer: false,
    anchor: keep ? previous.anchor : null,
    newBelow: keep ? previous.newBelow : false,
    changeSeq: keep ? previous.changeSeq : 0,
  };
}

/** A system line after everything held: its key sits between two seqs, so messages sort around it. */
function addSystem(salon: SalonView, notice: Notice, now: number): SalonView {
  const last = salon.entries.last()?.key ?? 0;
  const key = Math.max(last, salon.lastSeq) + 0.001;
  return trimToWindow({...salon, entries: salon.entries.append({kind: 'system', key, notice, ts: now})});
}

/** Typing notices kept at most (all conversations): a screen shows a few names at most. */
export const TYPING_MAX = 16;

/** The message cursor moves; the pane follows it when it left the screen. */
function select(state: AppState, action: Extract<Action, {type: 'select'}>): AppState {
  if (action.key === null) return state.selected === null && !state.searchBack ? state : {...state, selected: null, searchBack: false};
  const salon = state.salons.find((s) => s.id === state.current);
  if (!salon || !state.user || !salon.entries.message(action.key)) return state;
  const selected = {salonId: salon.id, key: action.key};
  // The status bar shows the cursor's keys in place of the last event.
  if (!action.viewport) return {...state, selected, flash: state.selected ? state.flash : null};
  const {width, rows} = action.viewport;
  const ctx = {width, height: rows.messages, me: state.user, lang: state.lang, now: action.now ?? 0};
  const revealed = revealAnchor(salon, action.key, ctx);
  // Pinned to the bottom means the newest line: not while the window lacks newer rows.
  const last = salon.entries.last();
  const anchor = revealed === null && salon.hasNewer && last ? {key: last.key, linesBelow: 0} : revealed;
  return withSalon({...state, selected, flash: state.selected ? state.flash : null}, salon.id, (s) => (anchor === s.anchor ? s : {...s, anchor, newBelow: anchor === null ? false : s.newBelow}));
}

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'resize':
      return {...state, columns: action.columns, rows: action.rows};
    case 'link':
      return {...state, link: action.link, retryIn: action.retryIn ?? null, linkError: action.error ?? null};
    case 'showLogin':
      return {...state, screen: 'login', login: {...state.login, busy: false, info: action.info, error: action.error}};
    case 'showRegister':
      return {...state, screen: 'register', register: {...state.register, busy: false, error: undefined}};
    case 'formInput':
      return action.form === 'login'
        ? {...state, login: {...state.login, [state.login.field === 0 ? 'username' : 'password']: action.value, error: undefined}}
        : {...state, register: {...state.register, [(['username', 'alias', 'password', 'confirm'] as const)[state.register.field]]: action.value, error: undefined}};
    case 'formNext':
      return action.form === 'login'
        ? {...state, login: {...state.login, field: ((state.login.field + 2 + action.delta) % 2) as 0 | 1}}
        : {...state, register: {...state.register, field: ((state.register.field + 4 + action.delta) % 4) as 0 | 1 | 2 | 3}};
    case 'formField':
      return action.form === 'login'
        ? {...state, login: {...state.login, field: (action.field === 0 ? 0 : 1) as 0 | 1}}
        : {...state, register: {...state.register, field: Math.max(0, Math.min(3, action.field)) as 0 | 1 | 2 | 3}};
    case 'formRequired':
      return action.form === 'login'
        ? {...state, login: {...state.login, error: {key: 'form.required'}, info: undefined}}
        : {...state, register: {...state.register, error: {key: 'form.required'}}};
    case 'formBusy':
      return action.form === 'login'
        ? {...state, login: {...state.login, busy: true, error: undefined, info: undefined}}
        : {...state, register: {...state.register, busy: true, error: undefined}};
    case 'formError':
      return action.form === 'login'
        ? {...state, ended: null, login: {...state.login, password: '', busy: false, error: action.error, field: action.field === 0 ? 0 : 1}}
        : {...state, register: {...state.register, busy: false, error: action.error, field: ((action.field ?? state.register.field) as 0 | 1 | 2 | 3)}};
    case 'registered':
      return {
        ...state,
        screen: 'login',
        login: {username: action.username, password: '', field: 1, busy: true, info: {key: 'register.done', params: {username: action.username}}},
        register: {username: '', alias: '', password: '', confirm: '', field: 0, busy: false},
      };
    case 'loggedIn': {
      const salons = action.salons.map(cleanSalon).map((info) => salonFrom(info, state.salons.find((s) => s.id === info.id)));
      const current = state.current ?? salons.find((s) => s.state === 'member')?.id ?? null;
      return {
        ...state,
        screen: 'main',
        user: cleanUser(action.user),
        ended: null,
        login: {...state.login, password: '', busy: false, error: undefined, info: undefined},
        salons,
        current,
        cursorId: current,
      };
    }
    case 'salons':
      return {...state, salons: action.salons.map(cleanSalon).map((info) => salonFrom(info, state.salons.find((s) => s.id === info.id)))};
    case 'page':
      return withSalon(state, action.salonId, (s) => applyPage(s, action, state.user?.username));
    case 'loadingOlder':
      return withSalon(state, action.salonId, (s) => ({...s, loadingOlder: action.loading}));
    case 'conversation':
      return applyEvent(state, {event: 'conversation', conversation: action.conversation}, action.now ?? 0);
    case 'loadingNewer':
      return withSalon(state, action.salonId, (s) => ({...s, loadingNewer: action.loading}));
    case 'event':
      return applyEvent(state, cleanEvent(action.event), action.now);
    case 'outgoing':
      return {...state, outbox: [...state.outbox.filter((o) => o.clientMsgId !== action.item.clientMsgId), action.item]};
    case 'outgoingFailed':
      return {...state, outbox: state.outbox.map((o) => (o.clientMsgId === action.clientMsgId ? {...o, error: action.error} : o))};
    case 'outgoingDropped':
      return {...state, outbox: state.outbox.filter((o) => o.clientMsgId !== action.clientMsgId)};
    case 'sent': {
      const next = {...state, outbox: state.outbox.filter((o) => o.clientMsgId !== action.clientMsgId)};
      return applyMessage(next, cleanMessage(action.message), 0);
    }
    case 'changed': {
      const next = {...state, outbox: state.outbox.filter((o) => o.clientMsgId !== action.clientMsgId)};
      // Its event came first on this connection: applied already, and changedSeq says so.
      return action.change ? applyMessage(next, cleanMessage(action.change), 0) : next;
    }
    case 'select':
      return select(state, action);
    case 'compose':
      return {...state, compose: action.compose};
    case 'typingExpire': {
      const typing = state.typing.filter((x) => x.until > action.now);
      return typing.length === state.typing.length ? state : {...state, typing};
    }
    case 'members':
      return action.salonId === state.current ? {...state, members: action.members.map(cleanMember), membersOf: action.salonId} : state;
    case 'pendingList': {
      // A request announced live while the list was on its way is kept: the answer may have
      // been read on the server before it (seen at sign-in).
      const listed = action.requests.map(cleanRequest);
      const live = state.pending.filter((r) => !listed.some((l) => l.username === r.username && l.salon === r.salon));
      return {...state, pending: [...listed, ...live]};
    }
    case 'ended':
      return {...state, ended: action.notice, screen: 'login', user: null, modal: null, outbox: [], pending: [], selected: null, compose: null, typing: [], lastSearch: null, searchBack: false};
    case 'editor':
      return {...state, editor: editorReducer(state.editor, action.action)};
    case 'editorState':
      return {...state, editor: action.editor};
    case 'focus':
      return {...state, focus: action.focus};
    case 'open': {
      if (!state.salons.some((s) => s.id === action.salonId)) return state;
      if (action.salonId === state.current) return {...state, cursorId: action.salonId};
      // A reply or an edit belongs to the conversation it was started in.
      const compose = state.compose?.salonId === action.salonId ? state.compose : null;
      return {...state, current: action.salonId, cursorId: action.salonId, members: [], membersOf: null, memberCursor: null, selected: null, compose, searchBack: false};
    }
    case 'cursor': {
      const order = listOrder(state);
      const chosen = order[Math.max(0, Math.min(order.length - 1, action.index))];
      return chosen ? {...state, cursorId: chosen.id} : state;
    }
    case 'memberCursor': {
      const order = memberOrder(state);
      const chosen = order[Math.max(0, Math.min(order.length - 1, action.index))];
      return chosen ? {...state, memberCursor: chosen.username} : state;
    }
    case 'scroll': {
      if (state.current === null || !state.user) return state;
      const user = state.user;
      const {width, rows} = action.viewport;
      return withSalon(state, state.current, (s) => {
        const ctx = {width, height: rows.messages, me: user, lang: state.lang, now: action.now};
        const found = scrollAnchor(s, action.lines, ctx);
        // The newest held line is not the newest line while the window lacks newer ones.
        const last = s.entries.last();
        const anchor = found === null && s.hasNewer && last ? {key: last.key, linesBelow: 0} : found;
        return {...s, anchor, newBelow: anchor === null ? false : s.newBelow};
      });
    }
    case 'scrollBottom':
      // A window scrolled far back is dropped: the newest page is fetched again (controller).
      return state.current === null
        ? state
        : withSalon(state, state.current, (s) =>
            s.hasNewer
              ? {...s, anchor: null, newBelow: false, entries: Entries.empty, loaded: false, hasOlder: true, loadingOlder: false, hasNewer: false, loadingNewer: false, changeSeq: 0}
              : {...s, anchor: null, newBelow: false},
          );
    case 'modal': {
      const modal = action.modal;
      const open = modal?.kind === 'search' && modal.results ? {...modal, results: modal.results.map(cleanMessage)} : modal;
      // Results closed (Esc, or Enter on one) are kept to go back to.
      const closing = state.modal?.kind === 'search' && state.modal.results && open?.kind !== 'search' ? {...state.modal, loadingMore: false} : null;
      return {...state, modal: open, lastSearch: closing ?? (open?.kind === 'search' ? null : state.lastSearch)};
    }
    case 'searchPage': {
      const modal = state.modal;
      // An answer for a window since closed or replaced by another search is not kept.
      if (modal?.kind !== 'search' || modal.query !== action.query || !modal.results || !modal.loadingMore) return state;
      return {...state, modal: {...modal, results: [...modal.results, ...action.messages.map(cleanMessage)], hasMore: action.hasMore, next: action.next, loadingMore: false, error: undefined}};
    }
    case 'searchCursor':
      return state.modal?.kind === 'search' ? {...state, modal: {...state.modal, index: action.index, offset: action.offset}} : state;
    case 'searchBack':
      return state.searchBack === action.on ? state : {...state, searchBack: action.on};
    case 'toggleMembers':
      // A hidden list cannot keep the keyboard.
      return {...state, showMembers: !state.showMembers, focus: state.focus === 'members' ? 'input' : state.focus};
    case 'flash':
      return {...state, flash: action.notice};
    case 'readLocal':
      // The server's read event brings the count (n) for a marker below the newest row.
      return withSalon(state, action.salonId, (s) =>
        action.seq > s.readSeq ? {...s, readSeq: action.seq, mentions: 0, ...(action.seq >= s.lastSeq && s.lastN !== undefined ? {readN: s.lastN} : {})} : s,
      );
  }
}

function applyEvent(state: AppState, event: Event, now: number): AppState {
  const me = state.user;
  switch (event.event) {
    case 'message': {
      const next = {...state, outbox: state.outbox.filter((o) => o.clientMsgId !== event.clientMsgId || event.author !== me?.username)};
      // Whoever sent a message has stopped typing it.
      const typing = event.kind === undefined ? next.typing.filter((x) => !(x.salonId === event.salon && x.username === event.author)) : next.typing;
      return applyMessage(typing.length === next.typing.length ? next : {...next, typing}, event, 1);
    }
    case 'conversation':
      return upsertSalon(state, cleanSalon(event.conversation), now);
    case 'salon': {
      // After the other salons: the list puts direct messages after every salon (lists.ts).
      if (!event.salon.archived) return upsertSalon(state, cleanSalon(event.salon), now);
      const salons = state.salons.filter((s) => s.id !== event.salon.id);
      return {...state, salons, current: state.current === event.salon.id ? (salons[0]?.id ?? null) : state.current};
    }
    case 'membership': {
      const mine = me !== null && event.username === me.username;
      const joinedNotice: Notice = {key: 'system.joined', params: {name: event.alias, salon: event.salonName}};
      let next = state;
      if (mine) {
        next = withSalon(next, event.salon, (s) => ({...s, state: event.state, entries: event.state === 'member' ? s.entries : Entries.empty, loaded: event.state === 'member' && s.loaded}));
        if (event.reason === 'accepted' || event.reason === 'joined') next = {...withSalon(next, event.salon, (s) => addSystem(s, joinedNotice, now)), flash: joinedNotice};
        if (event.reason === 'rejected') next = {...next, flash: {key: 'system.rejected', params: {salon: event.salonName}}};
        if (event.reason === 'requested') next = {...next, flash: {key: 'join.requested', params: {salon: event.salonName}}};
        return next;
      }
      if (event.reason === 'joined' || event.reason === 'accepted') next = withSalon(next, event.salon, (s) => (s.state === 'member' ? addSystem(s, joinedNotice, now) : s));
      if (event.reason === 'banned') next = withSalon(next, event.salon, (s) => (s.state === 'member' ? addSystem(s, {key: 'system.banned', params: {name: event.alias}}, now) : s));
      if (event.salon === state.current && state.membersOf === event.salon) {
        const others = next.members.filter((m) => m.username !== event.username);
        const members = event.state === 'member' ? [...others, {username: event.username, alias: event.alias, online: true}] : others;
        next = {...next, members: members.sort((a, b) => a.alias.localeCompare(b.alias))};
      }
      return next;
    }
    case 'join_request': {
      const {event: _, ...request} = event;
      const pending = [...state.pending.filter((r) => !(r.username === request.username && r.salon === request.salon)), request];
      return {...state, pending, flash: {key: 'flash.joinRequest', params: {username: request.username, salon: request.salonName}}};
    }
    case 'join_request_closed':
      return {...state, pending: state.pending.filter((r) => !(r.username === event.username && r.salon === event.salon))};
    case 'presence':
      return {
        ...state,
        online: {...state.online, [event.username]: event.online},
        members: state.members.map((m) => (m.username === event.username ? {...m, online: event.online} : m)),
      };
    case 'read':
      return withSalon(state, event.salon, (s) =>
        event.seq > s.readSeq || (event.n !== undefined && event.seq === s.readSeq && event.n !== s.readN)
          ? {...s, readSeq: event.seq, readN: event.n ?? s.readN, mentions: event.seq >= s.lastSeq ? 0 : s.mentions}
          : s,
      );
    case 'kicked':
      return reducer(state, {type: 'ended', notice: kickedEventNotice(state.lang, event, now)});
    case 'banned':
      return reducer(state, {type: 'ended', notice: bannedNotice(event.reason)});
    case 'disconnected':
      return reducer(state, {type: 'ended', notice: {key: 'ended.disconnected'}});
    case 'disabled':
      return reducer(state, {type: 'ended', notice: {key: 'ended.disabled'}});
    case 'shutdown':
      return {...state, flash: {key: 'ended.shutdown'}};
    case 'typing': {
      if (event.username === me?.username) return state;
      // Bounded: expired notices go with every new one, and at most TYPING_MAX are kept.
      const others = state.typing.filter((x) => x.until > now && !(x.salonId === event.salon && x.username === event.username));
      if (!event.active) return others.length === state.typing.length ? state : {...state, typing: others};
      const typist = {salonId: event.salon, username: event.username, alias: event.alias, until: now + limits.typingExpiryMs};
      return {...state, typing: [...others, typist].slice(-TYPING_MAX)};
    }
  }
}
