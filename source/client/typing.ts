/**
 * Typing notices, both ways, with IRCv3's timings (limits.typingIntervalMs and
 * typingExpiryMs): the user's typing is told at most once per interval per conversation,
 * and its end once; what others type is shown until it expires. One timer at most, for the
 * earliest expiry: nothing per keystroke.
 */
import {limits} from '../protocol/limits.js';
import {quoteStart} from './changes.js';
import type {AppState, Notice} from './state.js';

/** "Alice is typing…", two names, or "Several people…", for the conversation shown; null when nobody. */
export function typingNotice(state: Pick<AppState, 'typing'>, salonId: number): Notice | null {
  const names = state.typing.filter((x) => x.salonId === salonId).map((x) => x.alias);
  if (names.length === 0) return null;
  if (names.length === 1) return {key: 'typing.one', params: {name: names[0] as string}};
  if (names.length === 2) return {key: 'typing.two', params: {first: names[0] as string, second: names[1] as string}};
  return {key: 'typing.many'};
}

/** What Enter will do instead of sending a new message: answer one, or save an edit. */
export function composeNotice(state: Pick<AppState, 'compose'>, salonId: number): Notice | null {
  const compose = state.compose;
  if (!compose || compose.salonId !== salonId) return null;
  if (compose.kind === 'edit') return {key: 'compose.edit'};
  return {key: compose.deleted ? 'compose.replyDeleted' : 'compose.reply', params: {alias: compose.alias ?? '—', text: quoteStart(compose.text, 30)}};
}

export class Typing {
  /** The conversation the last "typing" went to and when: a stop is owed to it. */
  private told: {salonId: number; at: number} | null = null;
  private text = '';
  private salonId: number | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private expiryAt = Infinity;

  constructor(
    private readonly send: (salonId: number, active: boolean) => void,
    private readonly expire: (now: number) => void,
    private readonly now: () => number,
  ) {}

  /** After every change of state: the input's text tells whether the user is typing. */
  observe(state: AppState): void {
    this.watchExpiry(state);
    const text = state.editor.text;
    if (text === this.text && state.current === this.salonId) return;
    this.text = text;
    this.salonId = state.current;
    const salon = state.salons.find((s) => s.id === state.current);
    // Commands are not messages; an edit changes a message others have already read.
    const typing =
      state.screen === 'main' && salon?.state === 'member' && text.trim() !== '' && (!text.startsWith('/') || text.startsWith('//')) && state.compose?.kind !== 'edit';
    const now = this.now();
    if (this.told && (!typing || this.told.salonId !== state.current)) {
      this.send(this.told.salonId, false);
      this.told = null;
    }
    if (typing && salon && (!this.told || now - this.told.at >= limits.typingIntervalMs)) {
      this.send(salon.id, true);
      this.told = {salonId: salon.id, at: now};
    }
  }

  stop(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    this.expiryAt = Infinity;
  }

  private watchExpiry(state: AppState): void {
    if (state.typing.length === 0) return this.stop();
    const first = Math.min(...state.typing.map((x) => x.until));
    if (first >= this.expiryAt && this.expiry) return;
    this.stop();
    this.expiryAt = first;
    this.expiry = setTimeout(() => {
      this.expiry = null;
      this.expiryAt = Infinity;
      this.expire(Math.max(this.now(), first));
    }, Math.max(10, first - this.now()));
    this.expiry.unref();
  }
}
