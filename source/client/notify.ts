/**
 * Desktop notifications through the terminal: a mention, a direct message or (moderators) a
 * join request, in a conversation the user is not looking at, becomes an OSC sequence the
 * terminal turns into a desktop notification, or the bell where no such sequence is known to
 * work. Everything put in a sequence comes from other people: it is flattened to plain text
 * first (notificationText), so that a message can never write a sequence of its own.
 */
import type {Event} from '../protocol/frames.js';
import type {ClientTranslate} from '../i18n/client.js';
import {ESCAPE_SEQUENCES, INVISIBLE, MARK_PILE, STRAY_ZWJ} from './sanitize.js';
import type {AppState} from './state.js';

const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;

/** What `--notify` / CHAT_NOTIFY accept: osc picks the sequence from the terminal; osc9… force one. */
export const NOTIFY_CHOICES = ['auto', 'osc', 'osc9', 'osc99', 'osc777', 'bell', 'off'] as const;
export type NotifyChoice = (typeof NOTIFY_CHOICES)[number];
export type OscKind = 'osc9' | 'osc99' | 'osc777';
/** The multiplexer between the client and the terminal, which must be asked to pass a sequence on. */
export type Multiplexer = 'tmux' | 'screen' | null;

export interface NotifyPlan {
  mode: 'osc' | 'bell' | 'off';
  kind: OscKind;
  mux: Multiplexer;
  /**
   * Ring as well: the terminal was not recognised, and one that ignores OSC 777 (xterm,
   * Alacritty…) would otherwise say nothing where it used to ring.
   */
  bellToo: boolean;
}

/** Caps in code points: a notification is a glance, and a capped text bounds what is written. */
export const TITLE_MAX = 64;
export const BODY_MAX = 200;
/**
 * GNU screen keeps a string sequence in a fixed buffer (768 bytes in screen 4) and cuts what
 * goes past it: a sequence wrapped for screen is kept under this many bytes.
 */
export const SCREEN_MAX_BYTES = 700;

export function parseNotifyChoice(value: string | undefined): NotifyChoice | null {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return 'auto';
  return (NOTIFY_CHOICES as readonly string[]).includes(v) ? (v as NotifyChoice) : null;
}

/**
 * The sequence this terminal shows, and whether it is known to show it. The variables that
 * name the terminal outlive a tmux or screen started in it (TERM_PROGRAM does not: tmux sets
 * its own), so a client in tmux inside kitty still speaks kitty's sequence.
 */
export function terminalKind(env: NodeJS.ProcessEnv): {kind: OscKind; known: boolean} {
  const program = env.TERM_PROGRAM ?? '';
  const term = env.TERM ?? '';
  if (env.KITTY_WINDOW_ID || term === 'xterm-kitty') return {kind: 'osc99', known: true};
  if (program === 'iTerm.app' || env.LC_TERMINAL === 'iTerm2' || program === 'WezTerm' || env.WEZTERM_PANE || program === 'ghostty' || env.GHOSTTY_RESOURCES_DIR || term === 'xterm-ghostty') {
    return {kind: 'osc9', known: true};
  }
  if (term.startsWith('foot')) return {kind: 'osc777', known: true};
  return {kind: 'osc777', known: false};
}

export function multiplexer(env: NodeJS.ProcessEnv): Multiplexer {
  // tmux first: a tmux started inside screen inherits STY, but it is tmux that reads our output.
  if (env.TMUX) return 'tmux';
  if (env.STY) return 'screen';
  return null;
}

export function planNotifications(choice: NotifyChoice, env: NodeJS.ProcessEnv): NotifyPlan {
  const {kind, known} = terminalKind(env);
  const mux = multiplexer(env);
  if (choice === 'off' || choice === 'bell') return {mode: choice, kind, mux, bellToo: false};
  if (choice === 'osc9' || choice === 'osc99' || choice === 'osc777') return {mode: 'osc', kind: choice, mux, bellToo: false};
  if (choice === 'osc') return {mode: 'osc', kind, mux, bellToo: false};
  // The Linux console and Apple's Terminal print or drop an OSC they do not know: the bell only.
  const term = env.TERM ?? '';
  if (term === 'linux' || term === 'dumb' || env.TERM_PROGRAM === 'Apple_Terminal') return {mode: 'bell', kind, mux, bellToo: false};
  return {mode: 'osc', kind, mux, bellToo: !known};
}

// ---- what goes into a notification ------------------------------------------------------

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
/** Every control, C0, DEL and C1, and the line breaks terminals do not break on. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/gu;

/**
 * Text fit for a notification: escape sequences removed whole, every other control character
 * (C0, DEL, C1: BEL and ST included) a space, invisible characters gone, one line, at most
 * `max` code points, cut between characters (never inside an emoji) with an ellipsis.
 * The result holds no code point below U+0020 nor in U+007F-U+009F, whatever came in.
 */
export function notificationText(text: string, max: number): string {
  const flat = text
    .replace(ESCAPE_SEQUENCES, '')
    .replace(CONTROLS, ' ')
    .replace(INVISIBLE, '')
    .replace(STRAY_ZWJ, '')
    .replace(MARK_PILE, '$1')
    .replace(/\s+/gu, ' ')
    .trim();
  return capCodePoints(flat, max);
}

function capCodePoints(text: string, max: number): string {
  if ([...text].length <= max) return text;
  let out = '';
  let used = 0;
  for (const {segment} of segmenter.segment(text)) {
    const size = [...segment].length;
    if (used + size > max - 1) break;
    out += segment;
    used += size;
  }
  return `${out.trimEnd()}…`;
}

function capBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const {segment} of segmenter.segment(text)) {
    if (Buffer.byteLength(out + segment + '…') > maxBytes) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}

// ---- the sequences ------------------------------------------------------------------------

/**
 * The OSC sequences that show one notification, from texts already made safe
 * (notificationText). Several for kitty, whose title and body come in two parts of one
 * notification (i=id, d=0 then d=1).
 */
export function oscSequences(kind: OscKind, title: string, body: string, id: string): string[] {
  switch (kind) {
    case 'osc777':
      // The title is a field between semicolons: a semicolon in it would start the body.
      return [`${ESC}]777;notify;${title.replace(/;/gu, '\uff1b')};${body}${BEL}`];
    case 'osc9':
      // One text, no title: the conversation goes first. A leading "[" also keeps ConEmu and
      // Windows Terminal from reading a text such as "4;…" as one of their OSC 9 commands.
      return [`${ESC}]9;[${title}] ${body}${BEL}`];
    case 'osc99':
      return [`${ESC}]99;i=${id}:d=0:p=title;${title}${ST}`, `${ESC}]99;i=${id}:d=1:p=body;${body}${ST}`];
  }
}

/**
 * A sequence as the terminal behind a multiplexer gets it. tmux passes on the inside of
 * `ESC P tmux; … ESC \` with every ESC doubled (only with `allow-passthrough`); screen passes
 * on the inside of `ESC P … ESC \`, but ends it at the first ST inside: an OSC is ended with
 * BEL there.
 */
export function wrapFor(mux: Multiplexer, sequence: string): string {
  if (mux === 'tmux') return `${ESC}Ptmux;${sequence.replaceAll(ESC, ESC + ESC)}${ST}`;
  if (mux === 'screen') return `${ESC}P${sequence.endsWith(ST) ? sequence.slice(0, -ST.length) + BEL : sequence}${ST}`;
  return sequence;
}

/** Everything written for one notification under a plan ('' when it is off). */
export function notificationBytes(plan: NotifyPlan, title: string, body: string, id: string): string {
  if (plan.mode === 'off') return '';
  if (plan.mode === 'bell') return BEL;
  const safeTitle = notificationText(title, TITLE_MAX);
  let safeBody = notificationText(body, BODY_MAX);
  if (plan.mux === 'screen') {
    // The longest sequence of the kind around an empty body: what is left is the body's.
    const overhead = Math.max(...oscSequences(plan.kind, safeTitle, '', id).map((s) => Buffer.byteLength(s)));
    safeBody = capBytes(safeBody, SCREEN_MAX_BYTES - overhead);
  }
  const osc = oscSequences(plan.kind, safeTitle, safeBody, id)
    .map((s) => wrapFor(plan.mux, s))
    .join('');
  return plan.bellToo ? osc + BEL : osc;
}

// ---- what deserves one ----------------------------------------------------------------------

export interface Alert {
  kind: 'mention' | 'direct' | 'request';
  /** The salon's name, or the people of a direct conversation. */
  conversation: string;
  /** The sender's alias (their username if the account is gone). */
  sender: string;
  username: string;
  text: string;
}

/**
 * The alert an event raises, judged after the reducer applied it: a message or change rang
 * the bell (a mention or a direct message, not on screen: reducer.ts applyMessage), or a
 * join request reached a moderator whose pending window is not open.
 */
export function alertOf(before: AppState, after: AppState, event: Event, t: ClientTranslate): Alert | null {
  if (event.event === 'message') {
    if (after.bell <= before.bell) return null;
    const salon = after.salons.find((s) => s.id === event.salon);
    if (!salon) return null;
    const direct = salon.kind === 'dm' || salon.kind === 'group';
    return {kind: direct ? 'direct' : 'mention', conversation: salon.name, sender: event.alias ?? event.author ?? '', username: event.author ?? '', text: event.text};
  }
  if (event.event === 'join_request') {
    if (after.modal?.kind === 'pending') return null;
    return {kind: 'request', conversation: event.salonName, sender: event.alias, username: event.username, text: t('notify.joinRequest', {alias: event.alias, salon: event.salonName})};
  }
  return null;
}

/** The notification's two texts: the conversation, and "Alias: text" (a request says it all). */
export function alertTexts(alert: Alert): {title: string; body: string} {
  return {title: alert.conversation, body: alert.kind === 'request' ? alert.text : `${alert.sender}: ${alert.text}`};
}

export interface NotifierOptions {
  plan: NotifyPlan;
  /** Writes to the terminal (process.stdout, past Ink: nothing of it is drawn). */
  write: (bytes: string) => void;
  /** `--on-mention`, already started: runs for every alert. */
  command?: {run(alert: Alert): void} | undefined;
  clock?: () => number;
}

/**
 * Raises alerts. A burst in one conversation (a talkative direct message) raises one desktop
 * notification per QUIET_MS, not one per message: each would stay on the desktop.
 */
export class Notifier {
  static readonly QUIET_MS = 3000;
  private readonly last = new Map<string, number>();
  private count = 0;
  private readonly clock: () => number;

  constructor(private readonly options: NotifierOptions) {
    this.clock = options.clock ?? Date.now;
  }

  get plan(): NotifyPlan {
    return this.options.plan;
  }

  alert(alert: Alert): void {
    this.options.command?.run(alert);
    const now = this.clock();
    const key = `${alert.kind}:${alert.conversation}`;
    const previous = this.last.get(key);
    if (previous !== undefined && now - previous < Notifier.QUIET_MS) return;
    this.last.set(key, now);
    // Bounded: the map only needs the conversations of the last few seconds.
    if (this.last.size > 256) for (const [k, at] of this.last) if (now - at >= Notifier.QUIET_MS) this.last.delete(k);
    const {title, body} = alertTexts(alert);
    const bytes = notificationBytes(this.options.plan, title, body, `chat${++this.count}`);
    if (bytes) this.options.write(bytes);
  }
}
