/**
 * What the client draws of text it did not write: messages, aliases, salon names, the
 * server's error messages. Anything that could repaint the terminal, hide itself, reorder
 * the line or pile up on one column goes; emoji sequences are kept, written the way this
 * terminal draws at the width Ink expects (width.ts).
 */
import type {Event, JoinRequestInfo, MemberInfo, MessageInfo, SalonInfo, UserInfo} from '../protocol/frames.js';
import {fitToTerminal} from './width.js';

// Whole escape sequences go, not just their ESC, else "[2J" or an OSC's payload would show.
// Unterminated strings (OSC, DCS, APC…) run to the end of the text, as a terminal would eat them.
export const ESCAPE_SEQUENCES = new RegExp(
  [
    String.raw`(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^]*?(?:\u0007|\u001b\\|\u009c|$)`,
    String.raw`(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?`,
    String.raw`\u001b[\u0020-\u002f]*[\u0030-\u007e]?`,
  ].join('|'),
  'gu',
);
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/gu;
/** NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: line breaks that terminals do not break on. */
const LINE_BREAKS = /[\u0085\u2028\u2029]/gu;
/**
 * Format characters (zero-width spaces, LRM/RLM/ALM, bidi embeddings and isolates, the BOM,
 * tags) and the other default-ignorable code points (Hangul fillers, which some terminals draw
 * 2 columns wide and string-width 0) draw nothing on purpose: they hide text, reorder it or
 * make two aliases look alike. Variation selectors stay (emoji need VS16), and so does a ZWJ,
 * judged apart below.
 */
export const INVISIBLE = new RegExp(String.raw`[[\p{Cf}\p{Default_Ignorable_Code_Point}]--[\p{Variation_Selector}\u200D]]`, 'gv');
/** A ZWJ joins the pictographs of one emoji ("👩‍👩‍👧"); anywhere else it only hides something. */
export const STRAY_ZWJ = /(?<!\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
/** More marks than any script puts on one letter: the rest would climb over other lines. */
export const MAX_MARKS = 4;
export const MARK_PILE = new RegExp(String.raw`(\p{M}{${MAX_MARKS}})\p{M}+`, 'gu');

/**
 * Text made safe to draw: escape sequences, C0 (but '\n') and C1 controls, format and other
 * invisible characters removed; tabs become a space, CR LF and Unicode line separators '\n';
 * at most MAX_MARKS combining marks per character; emoji spelled as the terminal draws them.
 * Idempotent.
 */
export function sanitize(text: string): string {
  const clean = text
    .replace(ESCAPE_SEQUENCES, '')
    .replace(/\r\n/gu, '\n')
    .replace(/\t/gu, ' ')
    .replace(LINE_BREAKS, '\n')
    .replace(CONTROLS, '')
    .replace(INVISIBLE, '')
    .replace(STRAY_ZWJ, '')
    .replace(MARK_PILE, '$1');
  return fitToTerminal(clean);
}

/** sanitize() for a one-line field (alias, salon name, error message): line breaks become spaces. */
export function sanitizeLine(text: string): string {
  return sanitize(text).replace(/\n/gu, ' ');
}

// ---- at the edge: what the server sends, cleaned once as it enters the client's state ----
// Usernames are identifiers the server checks (ASCII) and the client sends back: kept as they
// are, and cleaned where shown, with every other parameter of a notice (ui/theme.tsx).

export const cleanMessage = <M extends MessageInfo>(m: M): M => ({
  ...m,
  text: sanitize(m.text),
  alias: m.alias === null ? null : sanitizeLine(m.alias),
  ...(m.reply ? {reply: {...m.reply, text: sanitizeLine(m.reply.text), alias: m.reply.alias === null ? null : sanitizeLine(m.reply.alias)}} : {}),
  ...(m.reactions ? {reactions: m.reactions.map((r) => ({...r, emoji: sanitizeLine(r.emoji)}))} : {}),
});
export const cleanSalon = (s: SalonInfo): SalonInfo => ({
  ...s,
  name: sanitizeLine(s.name),
  ...(s.participants ? {participants: s.participants.map((p) => ({...p, alias: sanitizeLine(p.alias)}))} : {}),
});
export const cleanUser = (u: UserInfo): UserInfo => ({...u, alias: sanitizeLine(u.alias)});
export const cleanMember = (m: MemberInfo): MemberInfo => ({...m, alias: sanitizeLine(m.alias)});
export const cleanRequest = <R extends JoinRequestInfo>(r: R): R => ({...r, alias: sanitizeLine(r.alias), salonName: sanitizeLine(r.salonName)});

export function cleanEvent(event: Event): Event {
  switch (event.event) {
    case 'message':
      return cleanMessage(event);
    case 'join_request':
      return cleanRequest(event);
    case 'membership':
      return {...event, alias: sanitizeLine(event.alias), salonName: sanitizeLine(event.salonName)};
    case 'presence':
      return {...event, alias: sanitizeLine(event.alias)};
    case 'kicked':
    case 'banned':
      // A moderator's words, shown on the sign-in screen.
      return event.reason === undefined ? event : {...event, reason: sanitizeLine(event.reason)};
    default:
      return event;
  }
}

/** Notice parameters as they are shown: any of them may come from the network. */
export function cleanParams(params: Record<string, string | number> | undefined): Record<string, string | number> | undefined {
  if (!params) return params;
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) out[name] = typeof value === 'string' ? sanitizeLine(value) : value;
  return out;
}
