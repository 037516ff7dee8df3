/**
 * The message cursor and what it does to the message it is on: edit, delete, reply, react,
 * and going to the message a reply answers. The controller hands these intents here; the
 * changes themselves go through the outbox (retried with their client id).
 */
import {limits} from '../protocol/limits.js';
import type {MessageInfo} from '../protocol/frames.js';
import type {ClientKey} from '../i18n/client.js';
import {allowed, reactionChoices} from './changes.js';
import type {Outbox} from './outbox.js';
import {viewport} from './pane.js';
import type {Action} from './reducer.js';
import type {ChatSession} from './session.js';
import {type AppState, type SalonView, currentSalon} from './state.js';

export interface MessageActionsHost {
  session: ChatSession;
  outbox: Outbox;
  state(): AppState;
  dispatch(action: Action): void;
  now(): number;
}

/** Older pages fetched at most to reach the message a reply answers (200 messages each). */
const JUMP_PAGES = 10;

/** The message on the cursor, in the conversation shown. */
export function selectedMessage(state: AppState): {salon: SalonView; message: MessageInfo} | undefined {
  const salon = currentSalon(state);
  if (!salon || !state.selected || state.selected.salonId !== salon.id) return undefined;
  const message = salon.entries.message(state.selected.key);
  return message ? {salon, message} : undefined;
}

/** The status bar's hints while the cursor is on a message: only what may be done to it. */
export function cursorHints(state: AppState): ClientKey[] {
  const found = selectedMessage(state);
  if (!found || !state.user) return [];
  const may = allowed(found.message, found.salon, state.user);
  const keys: ClientKey[] = ['cursor.move'];
  if (may.edit) keys.push('cursor.edit');
  if (may.delete) keys.push('cursor.delete');
  if (may.reply) keys.push('cursor.reply');
  if (may.react) keys.push('cursor.react');
  if (may.original) keys.push('cursor.original');
  keys.push('cursor.leave');
  return keys;
}

export class MessageActions {
  constructor(private readonly host: MessageActionsHost) {}

  private select(key: number | null): void {
    const state = this.host.state();
    const salon = currentSalon(state);
    if (key === null || !salon) return this.host.dispatch({type: 'select', key: null});
    this.host.dispatch({type: 'select', key, now: this.host.now(), viewport: viewport(state, salon)});
  }

  /** Moves the cursor by messages (negative: older); it starts on the newest one and leaves past it. */
  async move(delta: -1 | 1): Promise<void> {
    const state = this.host.state();
    const salon = currentSalon(state);
    if (!salon || salon.state !== 'member') return;
    const current = state.selected?.salonId === salon.id ? state.selected.key : null;
    if (current === null) {
      const newest = salon.entries.lastMessage();
      if (!newest) return this.host.dispatch({type: 'flash', notice: {key: 'cursor.none'}});
      return this.select(newest.seq);
    }
    const entries = salon.entries;
    for (let i = entries.indexOfKey(current) + delta; i >= 0 && i < entries.length; i += delta) {
      const entry = entries.at(i);
      if (entry?.kind === 'message') return this.select(entry.key);
    }
    if (delta > 0) {
      // Past the newest message: back to the input, the pane to the newest line.
      this.select(null);
      return this.host.dispatch({type: 'focus', focus: 'input'});
    }
    if (salon.hasOlder && (await this.loadOlder(salon))) await this.move(-1);
  }

  leave(): void {
    this.select(null);
  }

  /** e: the message's text in the input; Enter saves it, Esc gives the draft back. */
  edit(): void {
    const state = this.host.state();
    const found = selectedMessage(state);
    if (!found || !state.user || !allowed(found.message, found.salon, state.user).edit) return;
    this.host.dispatch({type: 'compose', compose: {kind: 'edit', salonId: found.salon.id, seq: found.message.seq, draft: state.editor.text}});
    this.host.dispatch({type: 'editor', action: {type: 'set', text: found.message.text}});
    this.select(null);
    this.host.dispatch({type: 'focus', focus: 'input'});
  }

  /** r: the next message sent answers this one. */
  reply(): void {
    const found = selectedMessage(this.host.state());
    if (!found) return;
    const {message} = found;
    this.host.dispatch({
      type: 'compose',
      compose: {kind: 'reply', salonId: found.salon.id, seq: message.seq, alias: message.alias, text: message.text, deleted: message.deletedAt !== undefined},
    });
    this.select(null);
    this.host.dispatch({type: 'focus', focus: 'input'});
  }

  /** d: asks first (the confirm window). */
  askDelete(): void {
    const state = this.host.state();
    const found = selectedMessage(state);
    if (!found || !state.user || !allowed(found.message, found.salon, state.user).delete) return;
    this.host.dispatch({type: 'modal', modal: {kind: 'confirm', action: {type: 'delete', salonId: found.salon.id, seq: found.message.seq}}});
  }

  delete(salonId: number, seq: number): void {
    this.host.outbox.change(salonId, {type: 'delete', seq});
  }

  /** +: the reaction picker. */
  openPicker(): void {
    const state = this.host.state();
    const found = selectedMessage(state);
    if (!found || !state.user || !allowed(found.message, found.salon, state.user).react) return;
    this.host.dispatch({type: 'modal', modal: {kind: 'react', salonId: found.salon.id, seq: found.message.seq, query: '', index: 0}});
  }

  /** Enter in the picker: adds the reaction, or takes the user's own back. */
  chooseReaction(): void {
    const modal = this.host.state().modal;
    if (modal?.kind !== 'react') return;
    this.host.dispatch({type: 'modal', modal: null});
    const choice = reactionChoices(modal.query)[modal.index];
    if (!choice) return;
    const salon = this.host.state().salons.find((s) => s.id === modal.salonId);
    const mine = salon?.entries.message(modal.seq)?.reactions?.some((r) => r.emoji === choice.emoji && r.mine) ?? false;
    this.host.outbox.change(modal.salonId, {type: 'react', seq: modal.seq, emoji: choice.emoji, on: !mine});
  }

  /**
   * Enter on the input. Returns false when it is a plain message (the caller sends it);
   * otherwise saves the edit or sends the reply.
   */
  submit(salonId: number, text: string): boolean {
    const compose = this.host.state().compose;
    if (!compose || compose.salonId !== salonId) return false;
    this.host.dispatch({type: 'compose', compose: null});
    if (compose.kind === 'reply') {
      this.host.dispatch({type: 'editor', action: {type: 'submit'}});
      this.host.outbox.send(salonId, text, compose.seq);
      return true;
    }
    const before = this.host.state().salons.find((s) => s.id === salonId)?.entries.message(compose.seq)?.text;
    this.host.dispatch({type: 'editor', action: {type: 'submit'}});
    if (compose.draft) this.host.dispatch({type: 'editor', action: {type: 'set', text: compose.draft}});
    if (text !== before) this.host.outbox.change(salonId, {type: 'edit', seq: compose.seq, text});
    return true;
  }

  /** Esc in the input: an edit gives the draft back, a reply is dropped. False when there is nothing to cancel. */
  cancelCompose(): boolean {
    const compose = this.host.state().compose;
    if (!compose) return false;
    this.host.dispatch({type: 'compose', compose: null});
    if (compose.kind === 'edit') this.host.dispatch({type: 'editor', action: {type: 'set', text: compose.draft}});
    return true;
  }

  /** Enter on a reply: the cursor to the message it answers, loading older pages to reach it. */
  async original(): Promise<void> {
    const found = selectedMessage(this.host.state());
    const seq = found?.message.replyTo;
    if (!found || seq === undefined) return;
    for (let pages = 0; ; pages++) {
      const salon = this.host.state().salons.find((s) => s.id === found.salon.id);
      if (!salon || this.host.state().current !== salon.id) return;
      if (salon.entries.message(seq)) return this.select(seq);
      const oldest = salon.entries.firstMessage();
      // Within what is held, or before the first message: no such message (any more).
      if (!oldest || seq > oldest.seq || !salon.hasOlder) return this.host.dispatch({type: 'flash', notice: {key: 'reply.gone'}});
      if (pages >= JUMP_PAGES) return this.host.dispatch({type: 'flash', notice: {key: 'reply.tooFar'}});
      // The cursor (and the pane) at the top first, so that the window keeps the older side.
      this.select(oldest.seq);
      if (!(await this.loadOlder(salon))) return;
    }
  }

  /** One older page into the window; false when it could not be read. */
  private async loadOlder(salon: SalonView): Promise<boolean> {
    const oldest = salon.entries.firstMessage();
    if (!oldest || salon.loadingOlder) return false;
    this.host.dispatch({type: 'loadingOlder', salonId: salon.id, loading: true});
    try {
      const page = await this.host.session.request('history', {salon: salon.id, before: oldest.seq, limit: limits.historyMaxPage});
      this.host.dispatch({type: 'page', salonId: salon.id, messages: page.messages, mode: 'older', hasMore: page.hasMore});
      return true;
    } catch {
      this.host.dispatch({type: 'loadingOlder', salonId: salon.id, loading: false});
      return false;
    }
  }
}
