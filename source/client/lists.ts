/**
 * The order of the two lists the user moves through: conversations (the salon list) and the
 * members of the current one. Defined here once, so that what is drawn, the cursor, Alt+1…9,
 * Ctrl+N / Ctrl+P, Alt+A and the switcher all agree on which row is which.
 */
import type {MemberInfo} from '../protocol/frames.js';
import {foldName} from '../protocol/names.js';
import type {AppState, SalonView} from './state.js';

export const isDirect = (salon: Pick<SalonView, 'kind'>) => salon.kind === 'dm' || salon.kind === 'group';

/** Newest activity first; among conversations never written in, the newest opened first. */
const byActivity = (a: SalonView, b: SalonView) => (b.lastTs ?? 0) - (a.lastTs ?? 0) || b.id - a.id;

// Keyed by the salons array, which the reducer replaces on every change: each state's order
// is computed once however many times a frame and its keys ask for it.
const orders = new WeakMap<readonly SalonView[], readonly SalonView[]>();

/** The conversations as the list shows them: the salons as the server lists them, then direct messages and groups by last activity. */
export function listOrder(state: Pick<AppState, 'salons'>): readonly SalonView[] {
  const cached = orders.get(state.salons);
  if (cached) return cached;
  const salons = state.salons.filter((s) => !isDirect(s));
  const direct = state.salons.filter(isDirect).sort(byActivity);
  const order = [...salons, ...direct];
  orders.set(state.salons, order);
  return order;
}

/** The row of the list the cursor is on: the cursor's conversation, else the current one, else the first. */
export function cursorIndex(state: Pick<AppState, 'salons' | 'cursorId' | 'current'>): number {
  const order = listOrder(state);
  const at = order.findIndex((s) => s.id === state.cursorId);
  return at >= 0 ? at : Math.max(0, order.findIndex((s) => s.id === state.current));
}

/**
 * Conversations matching what is typed in the switcher, best first (prefix before substring):
 * a salon by its name, a direct message or group by its name or any other participant's
 * alias or username.
 */
export function switcherMatches(conversations: readonly SalonView[], query: string, me = ''): SalonView[] {
  const q = foldName(query);
  const terms = (s: SalonView) => [s.name, ...(s.participants ?? []).filter((p) => p.username !== me).flatMap((p) => [p.alias, p.username])].map(foldName);
  const prefix = conversations.filter((s) => terms(s).some((term) => term.startsWith(q)));
  return [...prefix, ...conversations.filter((s) => !prefix.includes(s) && terms(s).some((term) => term.includes(q)))];
}

/** The members as the member list shows them: online first, then by alias. */
export function memberOrder(state: Pick<AppState, 'members'>): MemberInfo[] {
  return [...state.members].sort((a, b) => Number(b.online) - Number(a.online) || a.alias.localeCompare(b.alias));
}

/** The member the member list's cursor is on: the one chosen, else the first. */
export function memberCursorIndex(state: Pick<AppState, 'members' | 'memberCursor'>): number {
  return Math.max(0, memberOrder(state).findIndex((m) => m.username === state.memberCursor));
}
