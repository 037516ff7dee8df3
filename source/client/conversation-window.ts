/**
 * What comes into a conversation's window (reducer.ts): pages (older, newer, the newest, a
 * catch-up, the page around a search result) and live messages and changes to messages,
 * each merged once, in seq order, with the unread and mention counts they bring.
 */
import type {MessageInfo} from '../protocol/frames.js';
import {applyChange, editMentions} from './changes.js';
import {Entries} from './entries.js';
import {mentions} from './format.js';
import type {Action} from './reducer.js';
import {trimToWindow} from './retention.js';
import {cleanMessage} from './sanitize.js';
import type {AppState, SalonView} from './state.js';

/** The state with one conversation's view changed. */
export const withSalon = (state: AppState, salonId: number, change: (s: SalonView) => SalonView): AppState => ({
  ...state,
  salons: state.salons.map((s) => (s.id === salonId ? change(s) : s)),
});

/** Adds messages to a salon's entries, once each, in seq order (a live one: O(log n), no copy). */
function mergeMessages(entries: Entries, messages: readonly MessageInfo[]): Entries {
  return entries.merge(messages);
}

/** The held message a change is for, changed; the same list when it is not held. */
function changeEntry(entries: Entries, change: MessageInfo, me: string | undefined): Entries {
  const target = change.target === undefined ? undefined : entries.message(change.target);
  if (!target) return entries;
  const changed = applyChange(target, change, me);
  return changed === target ? entries : entries.replace({kind: 'message', key: target.seq, message: changed});
}

/** A page the server answered, into the conversation's window (or not, when it would leave a hole). */
export function applyPage(s: SalonView, action: Extract<Action, {type: 'page'}>, me: string | undefined): SalonView {
  const lastSeq = action.messages.reduce((max, m) => Math.max(max, m.seq), s.lastSeq);
  // A page that no longer joins the window would leave a hole: not kept. A catch-up page
  // while the window lacks newer messages; an older or newer page asked for before End
  // emptied the window to fetch the newest page again.
  if (action.mode === 'after' && s.hasNewer) return {...s, lastSeq};
  if (action.mode === 'older' && !s.loaded) return {...s, lastSeq, loadingOlder: false};
  if (action.mode === 'newer' && !s.hasNewer) return {...s, lastSeq, loadingNewer: false};
  // The newest page asked for before a search result replaced the window with an older one.
  if (action.mode === 'latest' && s.hasNewer) return {...s, lastSeq, loadingOlder: false};
  if (action.mode === 'around') return aroundPage(s, action, lastSeq, me);
  const changes = action.messages.filter((m) => m.kind !== undefined);
  // Messages come as they stand; the change rows among them bring what was changed since
  // the messages held were read (catching up), each applied once (changedSeq).
  let entries = mergeMessages(s.entries, action.messages.filter((m) => m.kind === undefined).map(cleanMessage));
  for (const change of changes) entries = changeEntry(entries, cleanMessage(change), me);
  const changeSeq = action.mode === 'older' ? s.changeSeq : changes.reduce((max, m) => Math.max(max, m.seq), s.changeSeq);
  return trimToWindow({
    ...s,
    entries,
    changeSeq,
    lastN: Math.max(s.lastN ?? 0, ...action.messages.map((m) => m.n ?? 0)) || s.lastN,
    lastSeq,
    loaded: s.loaded || action.mode === 'latest',
    hasOlder: action.mode === 'older' || action.mode === 'latest' ? action.hasMore : s.hasOlder,
    loadingOlder: action.mode === 'older' || action.mode === 'latest' ? false : s.loadingOlder,
    hasNewer: action.mode === 'newer' ? action.hasMore : s.hasNewer,
    loadingNewer: action.mode === 'newer' ? false : s.loadingNewer,
  });
}

/** A page that replaces the window (search.ts opens a result with it), held up to its newest row. */
function aroundPage(s: SalonView, action: Extract<Action, {type: 'page'}>, lastSeq: number, me: string | undefined): SalonView {
  const changes = action.messages.filter((m) => m.kind !== undefined);
  let entries = Entries.empty.merge(action.messages.filter((m) => m.kind === undefined).map(cleanMessage));
  for (const change of changes) entries = changeEntry(entries, cleanMessage(change), me);
  const hasNewer = action.newer === true;
  const last = entries.last();
  return {
    ...s,
    entries,
    changeSeq: changes.reduce((max, m) => Math.max(max, m.seq), 0),
    lastN: Math.max(s.lastN ?? 0, ...action.messages.map((m) => m.n ?? 0)) || s.lastN,
    lastSeq,
    loaded: true,
    hasOlder: action.hasMore,
    loadingOlder: false,
    hasNewer,
    loadingNewer: false,
    // Not pinned to the bottom while newer rows exist: that would read as the newest line.
    anchor: hasNewer && last ? {key: last.key, linesBelow: 0} : null,
    newBelow: false,
  };
}

/**
 * A change to a message (edit, deletion, reaction): it takes a seq of the stream but is not
 * a line of the conversation, nor unread, nor a mention, except an edit that newly
 * mentions the user (changes.ts editMentions).
 */
function applyChangeRow(state: AppState, m: MessageInfo, bell: number): AppState {
  const me = state.user;
  const salon = state.salons.find((s) => s.id === m.salon);
  if (!salon) return state;
  const viewing = state.current === m.salon;
  const target = m.target === undefined ? undefined : salon.entries.message(m.target);
  const mentioned = me !== null && salon.state === 'member' && editMentions(target, m, me);
  return withSalon({...state, bell: state.bell + (mentioned && !viewing ? bell : 0)}, m.salon, (s) => ({
    ...s,
    entries: changeEntry(s.entries, m, me?.username),
    lastSeq: Math.max(s.lastSeq, m.seq),
    lastN: m.n !== undefined ? Math.max(s.lastN ?? 0, m.n) : s.lastN,
    // Not while the window lacks newer rows: the messages between would be skipped.
    changeSeq: s.hasNewer ? s.changeSeq : Math.max(s.changeSeq, m.seq),
    mentions: s.mentions + (mentioned && !(viewing && s.anchor === null) ? 1 : 0),
  }));
}

export function applyMessage(state: AppState, m: MessageInfo, bell: number): AppState {
  if (m.kind !== undefined) return applyChangeRow(state, m, bell);
  const me = state.user;
  const viewing = state.current === m.salon;
  const own = me !== null && m.author === me.username;
  // In a direct message or group, every message is addressed to the user.
  const kind = state.salons.find((s) => s.id === m.salon)?.kind;
  const mentioned = !own && me !== null && (kind === 'dm' || kind === 'group' || mentions(m.text, me.alias, me.username));
  return withSalon({...state, bell: state.bell + (mentioned && !viewing ? bell : 0)}, m.salon, (s) => {
    if (s.state !== 'member' || s.entries.has(m.seq)) return {...s, lastSeq: Math.max(s.lastSeq, m.seq)};
    return trimToWindow({
      ...s,
      // Kept even before the salon's first page arrives: that page may have been read from
      // the database before this message was stored, and the merge drops duplicates. Not
      // kept while the window lacks newer messages: it would leave a hole; scrolling down
      // fetches it with them.
      entries: s.hasNewer ? s.entries : mergeMessages(s.entries, [m]),
      lastSeq: Math.max(s.lastSeq, m.seq),
      // Without n (an older server), unread counts fall back on seqs (state.ts unread).
      lastN: m.n !== undefined ? Math.max(s.lastN ?? 0, m.n) : undefined,
      lastTs: Math.max(s.lastTs ?? 0, m.ts),
      mentions: s.mentions + (mentioned && !(viewing && s.anchor === null) ? 1 : 0),
      newBelow: s.newBelow || (viewing && s.anchor !== null),
    });
  });
}
