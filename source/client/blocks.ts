/**
 * Kicks and bans as the client tells them, without a terminal or a socket: the words of
 * `/kick` and `/ban`, when a kick ends and how long is left, the notices a kicked or banned
 * user reads, and the rows of the moderators' blocks window. The actions are in moderation.ts.
 */
import {type ClientKey, type ClientTranslate, clientTranslator} from '../i18n/client.js';
import type {Lang} from '../i18n/index.js';
import {parseDuration} from '../protocol/duration.js';
import type {BlockInfo} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {foldName} from '../protocol/names.js';
import {sameDay, sanitizeLine, timeLabel} from './format.js';
import type {AppState, BlocksWindow, Notice} from './state.js';

// ---- time --------------------------------------------------------------------------------

/**
 * When a block ends, in local time: "14:30" today, "Tue 6 Jan 14:30" another day. The date
 * format is made for each call: it takes the time zone when made, and TZ may change.
 */
export function untilLabel(until: number, now: number, lang: Lang): string {
  if (sameDay(until, now)) return timeLabel(until);
  const day = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {weekday: 'short', day: 'numeric', month: 'short'});
  return `${day.format(new Date(until))} ${timeLabel(until)}`;
}

const unitText = (t: ClientTranslate, unit: 'second' | 'minute' | 'hour' | 'day', n: number) => t(`duration.${unit}${n === 1 ? '' : 's'}` as ClientKey, {n});

/**
 * Time left in words, in the largest unit that stays honest: seconds under a minute,
 * minutes (rounded up: nobody comes back early) under two hours, then hours, then days.
 */
export function durationText(ms: number, t: ClientTranslate): string {
  const left = Math.max(0, ms);
  if (left < 60_000) return unitText(t, 'second', Math.max(1, Math.ceil(left / 1000)));
  if (left < 120 * 60_000) return unitText(t, 'minute', Math.ceil(left / 60_000));
  if (left < 48 * 3600_000) return unitText(t, 'hour', Math.round(left / 3600_000));
  return unitText(t, 'day', Math.round(left / 86_400_000));
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A countdown that moves every second: "4:59", "1:04:59", "3 d 01:04:59". */
export function countdown(ms: number, t: ClientTranslate): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return t('blocks.days', {days, clock: `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`});
  return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(seconds)}` : `${minutes}:${pad2(seconds)}`;
}

// ---- what the blocked user reads -------------------------------------------------------

const withReason = (key: ClientKey, why: ClientKey, params: Record<string, string | number>, reason: string | null | undefined): Notice =>
  reason ? {key: why, params: {...params, reason}} : {key, params};

/** The end of a session by a kick: until when, how long, and why when the moderator said. */
export function kickedNotice(lang: Lang, until: number, now: number, reason: string | null | undefined): Notice {
  const t = clientTranslator(lang);
  return withReason('ended.kicked', 'ended.kickedWhy', {time: untilLabel(until, now, lang), left: durationText(until - now, t)}, reason);
}

/**
 * The `kicked` event's notice. Its `until` is by the server's clock; when this one disagrees
 * by more than the rounding of `minutes`, the kick is taken to start now, for `minutes`.
 */
export function kickedEventNotice(lang: Lang, event: {minutes: number; until: number; reason?: string | undefined}, now: number): Notice {
  const left = event.until - now;
  const plausible = left > 0 && left <= event.minutes * 60_000 + 5000;
  return kickedNotice(lang, plausible ? event.until : now + event.minutes * 60_000, now, event.reason);
}

export const bannedNotice = (reason: string | null | undefined): Notice => withReason('ended.banned', 'ended.bannedWhy', {}, reason);

/**
 * The KICKED refusal of a sign-in, from its details; undefined when they are missing (an
 * older server): the plain message then says the minutes. The end is this clock's now plus
 * the seconds left, which holds even when the two clocks disagree.
 */
export function kickedRefusal(lang: Lang, now: number, details: unknown): Notice | undefined {
  const {retryAfter, reason} = (details ?? {}) as {retryAfter?: unknown; reason?: unknown};
  if (typeof retryAfter !== 'number') return undefined;
  const t = clientTranslator(lang);
  const left = retryAfter * 1000;
  const why = typeof reason === 'string' && reason.trim() !== '' ? sanitizeLine(reason) : null;
  return withReason('kicked.signIn', 'kicked.signInWhy', {time: untilLabel(now + left, now, lang), left: durationText(left, t)}, why);
}

// ---- /kick and /ban ------------------------------------------------------------------------

/** Usernames by folded username and alias, from what the client has seen of people. */
function knownPeople(state: AppState): Map<string, string> {
  const byName = new Map<string, string>();
  const add = (username: string | null | undefined, alias: string | null | undefined) => {
    if (!username) return;
    // A username wins over someone else's identical alias: it names one account for sure.
    byName.set(foldName(username), username);
    if (alias && !byName.has(foldName(alias))) byName.set(foldName(alias), username);
  };
  for (const m of state.members) add(m.username, m.alias);
  for (const r of state.pending) add(r.username, r.alias);
  for (const salon of state.salons) {
    for (let i = salon.entries.length - 1; i >= 0; i--) {
      const e = salon.entries.at(i);
      if (e?.kind === 'message') add(e.message.author, e.message.alias);
    }
  }
  return byName;
}

/** Aliases have single spaces, so a name can be several words: at most this many are tried. */
const MAX_NAME_WORDS = 4;

/**
 * The person the first words name, and the words after: the longest run of words that is
 * someone's alias or username the client knows of (`known`), else the first word as a
 * username, for the server to judge.
 */
export function resolveName(state: AppState, words: readonly string[]): {username: string; rest: string[]; known: boolean} {
  const people = knownPeople(state);
  for (let n = Math.min(MAX_NAME_WORDS, words.length); n >= 1; n--) {
    const username = people.get(foldName(words.slice(0, n).join(' ')));
    if (username) return {username, rest: words.slice(n), known: true};
  }
  return {username: words[0] ?? '', rest: words.slice(1), known: false};
}

/** True when the start of `arg` names someone the client knows of. */
export const namesKnownPerson = (state: AppState, arg: string) => resolveName(state, arg.trim().split(/\s+/u)).known;

export type KickArgs = {ok: true; username: string; durationMs?: number; reason?: string} | {ok: false; error: Notice};

const reasonOf = (words: readonly string[]): string | undefined => words.join(' ').trim() || undefined;
const reasonTooLong = (reason: string | undefined): Notice | undefined =>
  reason && [...reason].length > limits.maxReasonLength ? {key: 'kick.reasonLong', params: {max: limits.maxReasonLength}} : undefined;

/**
 * `/kick NAME [DURATION] [REASON…]`. A word after the name that reads as a duration is
 * one; a number with a unit that is not valid (`2y`, `0m`) is refused rather than taken
 * for the start of the reason, which would kick for the default time by surprise.
 */
export function parseKick(state: AppState, arg: string): KickArgs {
  const {username, rest} = resolveName(state, arg.trim().split(/\s+/u));
  const [first = '', ...after] = rest;
  const durationMs = parseDuration(first);
  if (durationMs === undefined && /^\d+[a-z]*$/iu.test(first)) return {ok: false, error: {key: 'kick.badDuration', params: {text: first}}};
  const reason = reasonOf(durationMs === undefined ? rest : after);
  const tooLong = reasonTooLong(reason);
  if (tooLong) return {ok: false, error: tooLong};
  return {ok: true, username, ...(durationMs === undefined ? {} : {durationMs}), ...(reason ? {reason} : {})};
}

/** `/ban NAME [REASON…]`. */
export function parseBan(state: AppState, arg: string): KickArgs {
  const {username, rest} = resolveName(state, arg.trim().split(/\s+/u));
  const reason = reasonOf(rest);
  const tooLong = reasonTooLong(reason);
  return tooLong ? {ok: false, error: tooLong} : {ok: true, username, ...(reason ? {reason} : {})};
}

// ---- the blocks window ---------------------------------------------------------------------

/** The server's time as the window knows it. */
export const serverNow = (modal: BlocksWindow) => modal.now + modal.skew;

/** The blocks still in force by the window's clock: a kick that ran out leaves the list. */
export const shownBlocks = (modal: BlocksWindow): BlockInfo[] => (modal.blocks ?? []).filter((b) => b.kind === 'ban' || (b.until ?? 0) > serverNow(modal));

export interface BlockRow {
  username: string;
  /** "kick" or "ban", in the user's language. */
  kind: string;
  /** Time left of a kick, or "—" for a ban (it does not end). */
  left: string;
  /** Until when, for a kick. */
  until: string;
  reason: string;
}

export function blockRows(modal: BlocksWindow, lang: Lang): BlockRow[] {
  const t = clientTranslator(lang);
  const now = serverNow(modal);
  return shownBlocks(modal).map((b) => ({
    username: b.username,
    kind: t(b.kind === 'kick' ? 'blocks.kick' : 'blocks.ban'),
    left: b.until === null ? '—' : countdown(b.until - now, t),
    // Shown in local time: the end as this clock will read it.
    until: b.until === null ? '' : untilLabel(b.until - modal.skew, modal.now, lang),
    reason: b.reason ?? '',
  }));
}
