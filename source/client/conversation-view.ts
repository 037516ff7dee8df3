/**
 * What the open conversation shows: its history, fetched page by page as the user scrolls
 * (older, or newer ones the window dropped) and after a gap in the stream, and its member
 * list. The controller (controller.ts) calls it.
 */
import type {MessageInfo} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {paneView, viewport} from './pane.js';
import type {Action} from './reducer.js';
import type {ChatSession} from './session.js';
import {type AppState, type SalonView, currentSalon} from './state.js';

export interface ConversationViewHost {
  session: ChatSession;
  state(): AppState;
  dispatch(action: Action): void;
  now(): number;
}

export class ConversationView {
  constructor(private readonly host: ConversationViewHost) {}

  /** Fetches what came after `after` (a gap in the stream, or the time away), page by page. */
  async catchUp(salonId: number, after: number): Promise<void> {
    for (let from = after; ; ) {
      const page = await this.host.session.request('history', {salon: salonId, after: from, limit: limits.historyMaxPage}).catch(() => null);
      if (!page) return;
      this.host.dispatch({type: 'page', salonId, messages: page.messages, mode: 'after', hasMore: page.hasMore});
      if (!page.hasMore || page.messages.length === 0) return;
      from = (page.messages.at(-1) as MessageInfo).seq;
    }
  }

  /** The open conversation's newest page, unless it is loaded or loading. */
  ensureLoaded(): void {
    const salon = currentSalon(this.host.state());
    if (!salon || salon.state !== 'member' || salon.loaded || salon.loadingOlder) return;
    this.host.dispatch({type: 'loadingOlder', salonId: salon.id, loading: true});
    this.host.session.request('history', {salon: salon.id, limit: limits.historyDefaultPage}).then(
      (page) => this.host.dispatch({type: 'page', salonId: salon.id, messages: page.messages, mode: 'latest', hasMore: page.hasMore}),
      () => this.host.dispatch({type: 'loadingOlder', salonId: salon.id, loading: false}),
    );
  }

  /**
   * Scrolls by lines (positive: back in time). Reaching either end of the window held in
   * memory fetches the next page that way: older messages, or newer ones the window dropped.
   */
  scroll(lines: number): void {
    const before = currentSalon(this.host.state());
    if (before) this.host.dispatch({type: 'scroll', lines, now: this.host.now(), viewport: viewport(this.host.state(), before)});
    const state = this.host.state();
    const salon = currentSalon(state);
    if (!salon || !state.user || !salon.loaded) return;
    const {width, rows} = viewport(state, salon);
    const view = paneView(salon, rows.messages, {width, me: state.user, lang: state.lang, now: this.host.now()});
    if (view.atBottom && salon.hasNewer && !salon.loadingNewer) return this.loadNewer(salon);
    if (!view.atTop || !salon.hasOlder || salon.loadingOlder) return;
    const oldest = salon.entries.firstMessage();
    if (!oldest) return;
    this.host.dispatch({type: 'loadingOlder', salonId: salon.id, loading: true});
    this.host.session.request('history', {salon: salon.id, before: oldest.seq, limit: limits.historyMaxPage}).then(
      (page) => this.host.dispatch({type: 'page', salonId: salon.id, messages: page.messages, mode: 'older', hasMore: page.hasMore}),
      () => this.host.dispatch({type: 'loadingOlder', salonId: salon.id, loading: false}),
    );
  }

  private loadNewer(salon: SalonView): void {
    this.host.dispatch({type: 'loadingNewer', salonId: salon.id, loading: true});
    this.host.session.request('history', {salon: salon.id, after: knownSeq(salon), limit: limits.historyMaxPage}).then(
      (page) => this.host.dispatch({type: 'page', salonId: salon.id, messages: page.messages, mode: 'newer', hasMore: page.hasMore}),
      () => this.host.dispatch({type: 'loadingNewer', salonId: salon.id, loading: false}),
    );
  }

  /** End: back to the newest line; a window scrolled far back is replaced by the newest page. */
  scrollToBottom(): void {
    this.host.dispatch({type: 'scrollBottom'});
    this.ensureLoaded();
  }

  toggleMembers(): void {
    this.host.dispatch({type: 'toggleMembers'});
    if (this.host.state().showMembers) this.refreshMembers();
  }

  refreshMembers(): void {
    void this.loadMembers();
  }

  /** Fetches the current salon's members (the member list, Tab completion); resolves once they are in the state. */
  async loadMembers(): Promise<void> {
    const salon = currentSalon(this.host.state());
    if (!salon || salon.state !== 'member') return;
    try {
      const {members} = await this.host.session.request('members', {salon: salon.id});
      this.host.dispatch({type: 'members', salonId: salon.id, members});
    } catch {
      // Offline or refused: the list stays as it was; Tab completes from what is on screen.
    }
  }
}

/** The newest seq the client holds for a salon; anything newer is fetched with `after`. */
export function knownSeq(salon: SalonView): number {
  // Change rows are not entries: the newest one applied counts, else every change after the
  // newest message would look like a gap.
  const last = salon.entries.lastMessage()?.seq;
  return last === undefined ? 0 : Math.max(last, salon.changeSeq);
}
