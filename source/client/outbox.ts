/**
 * Messages on their way to the server: sent in order, one at a time, until none is left.
 * A transient refusal stops the run and a timer resumes it (when the server says, for
 * RATE_LIMITED), never waiting for the user to send again; a lost connection resumes it
 * once signed in again (`resume`). Each message keeps its client id across retries, so the
 * server stores it once. Changes to messages (edit, delete, react) go the same way, in the
 * same order as the sends around them, each with its client id: the server applies a
 * retried change once, as it stores a retried send once.
 */
import type {RequestError} from './connection.js';
import {noticeOf} from './notices.js';
import type {Action} from './reducer.js';
import type {ChatSession} from './session.js';
import type {AppState, ChangeRequest, Outgoing} from './state.js';

/** Errors worth retrying: the message stays in the outbox and is sent again. */
const TRANSIENT = new Set(['CONNECTION_CLOSED', 'STORE_UNAVAILABLE', 'OVERLOADED', 'RATE_LIMITED', 'SHUTTING_DOWN']);
/** A retry when the server does not say when (it does for RATE_LIMITED). */
const RETRY_MS = 2000;

export class Outbox {
  private flushing = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly session: ChatSession,
    private readonly getState: () => AppState,
    private readonly dispatch: (action: Action) => void,
  ) {}

  send(salonId: number, text: string, replyTo?: number): void {
    this.dispatch({type: 'outgoing', item: {clientMsgId: this.session.newClientMsgId(), salonId, text, ...(replyTo !== undefined ? {replyTo} : {})}});
    void this.flush();
  }

  change(salonId: number, change: ChangeRequest): void {
    this.dispatch({type: 'outgoing', item: {clientMsgId: this.session.newClientMsgId(), salonId, text: '', change}});
    void this.flush();
  }

  private async deliver(item: Outgoing): Promise<void> {
    const {clientMsgId, salonId: salon, change} = item;
    if (!change) {
      const {message} = await this.session.request('send', {salon, text: item.text, clientMsgId, ...(item.replyTo !== undefined ? {replyTo: item.replyTo} : {})});
      return this.dispatch({type: 'sent', clientMsgId, message});
    }
    const answer =
      change.type === 'edit'
        ? await this.session.request('edit', {salon, seq: change.seq, text: change.text, clientMsgId})
        : change.type === 'delete'
          ? await this.session.request('delete', {salon, seq: change.seq, clientMsgId})
          : await this.session.request('react', {salon, seq: change.seq, emoji: change.emoji, on: change.on, clientMsgId});
    this.dispatch({type: 'changed', clientMsgId, change: answer.change});
  }

  /** Signed in again: the outbox goes now, not when a timer set before the cut fires. */
  resume(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.flush();
  }

  // Messages queued while one is in flight go in the same run: the head is read each turn.
  private async flush(): Promise<void> {
    if (this.flushing || this.retryTimer || !this.session.online || !this.getState().user) return;
    this.flushing = true;
    try {
      for (let item = this.getState().outbox[0]; item; item = this.getState().outbox[0]) {
        try {
          await this.deliver(item);
        } catch (error) {
          const code = (error as {code?: string}).code ?? '';
          this.dispatch({type: 'outgoingFailed', clientMsgId: item.clientMsgId, error: noticeOf(error)});
          if (TRANSIENT.has(code)) {
            const wait = (error as RequestError).details?.retryAfterMs;
            if (code !== 'CONNECTION_CLOSED') this.retryIn(typeof wait === 'number' ? wait : RETRY_MS);
            return;
          }
          // A refusal for good (not a member any more, invalid text): tell, and drop it.
          this.dispatch({type: 'outgoingDropped', clientMsgId: item.clientMsgId});
          this.dispatch({type: 'flash', notice: noticeOf(error)});
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private retryIn(ms: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, Math.max(10, ms));
    this.retryTimer.unref();
  }
}
