/**
 * Messages that change (edit, delete, react, unreact), on the client's side: a change row
 * of the stream applied to the message the window holds, what the user may do to a message,
 * and the reaction picker's choices. Pure: the reducer and the key router share it.
 */
import {type MessageInfo, type ReactionCount, SHORTCODE} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {mentions} from './format.js';
import type {SalonView} from './state.js';

/**
 * The message as it stands after `change`, or the same object when the change is not newer
 * than what it shows (changedSeq: a page read after the change already has it; the change
 * came twice, live and in a catch-up page).
 */
export function applyChange(message: MessageInfo, change: MessageInfo, me: string | undefined): MessageInfo {
  if (change.seq <= (message.changedSeq ?? 0)) return message;
  const changed = {...message, changedSeq: change.seq};
  switch (change.kind) {
    case 'edit':
      // A deleted message stays deleted: an edit stored before the deletion carries no text.
      return message.deletedAt !== undefined ? changed : {...changed, text: change.text, editedAt: change.ts};
    case 'delete': {
      const {reactions: _, ...rest} = changed;
      return {...rest, text: '', deletedAt: change.ts, deletedBy: change.author ?? ''};
    }
    case 'react':
    case 'unreact':
      return message.deletedAt !== undefined ? changed : {...changed, reactions: react(message.reactions ?? [], change.text, change.kind === 'react', change.author === me)};
    default:
      return message;
  }
}

/** Counts with one more or one less of `emoji`; the user's own marked. Most given first, as pages order them. */
function react(reactions: readonly ReactionCount[], emoji: string, on: boolean, mine: boolean): ReactionCount[] | undefined {
  const found = reactions.find((r) => r.emoji === emoji);
  let next: ReactionCount[];
  if (on) {
    const count = (found?.count ?? 0) + 1;
    const entry: ReactionCount = mine || found?.mine ? {emoji, count, mine: true} : {emoji, count};
    next = found ? reactions.map((r) => (r === found ? entry : r)) : [...reactions, entry];
  } else {
    if (!found) return reactions.length > 0 ? [...reactions] : undefined;
    const count = found.count - 1;
    const entry: ReactionCount = !mine && found.mine ? {emoji, count, mine: true} : {emoji, count};
    next = count <= 0 ? reactions.filter((r) => r !== found) : reactions.map((r) => (r === found ? entry : r));
  }
  // A stable sort keeps the order of equal counts: a reaction does not jump past its equals.
  next.sort((a, b) => b.count - a.count);
  return next.length > 0 ? next.slice(0, limits.maxReactionsPerMessage) : undefined;
}

/**
 * True when an edit by someone else makes the message mention the user where the text held
 * before did not. When the original is not held (older than the window), an edit that
 * mentions the user counts: a second notice is better than a missed mention.
 */
export function editMentions(previous: MessageInfo | undefined, change: MessageInfo, me: {username: string; alias: string}): boolean {
  if (change.kind !== 'edit' || change.author === me.username) return false;
  if (!mentions(change.text, me.alias, me.username)) return false;
  return previous === undefined || (previous.deletedAt === undefined && !mentions(previous.text, me.alias, me.username));
}

export interface Allowed {
  edit: boolean;
  delete: boolean;
  reply: boolean;
  react: boolean;
  /** Enter jumps to the message it answers. */
  original: boolean;
}

/**
 * What the user may do to a message: edit and delete their own, a moderator deletes in a
 * salon (the server may still refuse: its edit window, authors' deletions turned off).
 */
export function allowed(m: MessageInfo, salon: Pick<SalonView, 'kind'>, me: {username: string; role: string}): Allowed {
  const live = m.deletedAt === undefined;
  const own = m.author !== null && m.author === me.username;
  const moderator = me.role === 'moderator' && (salon.kind ?? 'salon') === 'salon';
  return {edit: live && own, delete: live && (own || moderator), reply: true, react: live, original: m.replyTo !== undefined};
}

/** The picker's choices: common reactions with the shortcode that finds them. */
export const COMMON_REACTIONS: readonly {emoji: string; code: string}[] = [
  {emoji: '👍', code: '+1'},
  {emoji: '👎', code: '-1'},
  {emoji: '😄', code: 'smile'},
  {emoji: '😂', code: 'joy'},
  {emoji: '🎉', code: 'tada'},
  {emoji: '🔥', code: 'fire'},
  {emoji: '👀', code: 'eyes'},
  {emoji: '🙏', code: 'pray'},
  {emoji: '👏', code: 'clap'},
  {emoji: '😮', code: 'open_mouth'},
  {emoji: '😢', code: 'cry'},
  {emoji: '🚀', code: 'rocket'},
  {emoji: '✅', code: 'white_check_mark'},
  {emoji: '💯', code: '100'},
];

/**
 * What the picker offers for what was typed (colons optional): the common reactions whose
 * shortcode contains it, and the typed `:shortcode:` itself when it is one and none is
 * exactly it (servers take any shortcode).
 */
export function reactionChoices(query: string): {emoji: string; code: string}[] {
  const wanted = query.trim().toLowerCase().replace(/^:|:$/gu, '');
  if (wanted === '') return [...COMMON_REACTIONS];
  const found = COMMON_REACTIONS.filter((r) => r.code.includes(wanted));
  const typed = `:${wanted}:`;
  if (SHORTCODE.test(typed) && !found.some((r) => r.code === wanted)) found.push({emoji: typed, code: wanted});
  return found;
}

/** The start of a text on one line, as a reply quotes it. */
export function quoteStart(text: string, max = 40): string {
  const line = text.replace(/\s+/gu, ' ').trim();
  const chars = [...line];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line;
}
