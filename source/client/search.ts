/**
 * Search across every conversation the user reads: the results window, its cursor and its
 * pages, and Enter on a result, which shows the conversation at that message. The controller
 * hands these intents here; the window's lines are search-view.ts.
 *
 * Going back: Enter closes the window (its results are kept, cursor included) and puts the
 * message cursor on the message; Esc on it reopens the results. `/search` alone reopens them
 * too, until another search or signing out.
 */
import type {MessageInfo} from '../protocol/frames.js';
import type {ClientKey} from '../i18n/client.js';
import type {RequestError} from './connection.js';
import {noticeOf} from './notices.js';
import {viewport} from './pane.js';
import type {Action} from './reducer.js';
import {searchView} from './search-view.js';
import type {ChatSession} from './session.js';
import type {AppState, Notice, SearchWindow} from './state.js';

export interface SearchHost {
  session: ChatSession;
  state(): AppState;
  dispatch(action: Action): void;
  now(): number;
  /** Shows a conversation; `load`: fetch its newest page if it has none. */
  open(salonId: number, load: boolean): void;
}

/** Rows newer than the found message fetched with it, so that what followed is there to read. */
export const AROUND_MARGIN = 10;
/** Rows of the page that replaces the window around a found message. */
export const AROUND_PAGE = 50;

const PROBLEMS: Record<string, ClientKey> = {
  NO_WORDS: 'search.problem.NO_WORDS',
  BAD_DATE: 'search.problem.BAD_DATE',
  TOO_MANY_TERMS: 'search.problem.TOO_MANY_TERMS',
};

/** A refused search, told as what to change: which rule the query broke, or how long to wait. */
export function searchNotice(error: unknown): Notice {
  const {code, details} = error as Partial<RequestError>;
  if (code === 'BAD_SEARCH') return {key: PROBLEMS[String(details?.problem)] ?? 'error.BAD_SEARCH'};
  if (code === 'RATE_LIMITED') return {key: 'search.tooFast', params: {seconds: Math.max(1, Math.ceil(Number(details?.retryAfterMs ?? 1000) / 1000))}};
  return noticeOf(error);
}

export class SearchActions {
  constructor(private readonly host: SearchHost) {}

  private window(): SearchWindow | undefined {
    const modal = this.host.state().modal;
    return modal?.kind === 'search' ? modal : undefined;
  }

  /** /search TEXT: a new search; /search alone: the last results again. */
  start(text: string): void {
    const query = text.trim();
    if (query === '') {
      const last = this.host.state().lastSearch;
      return this.host.dispatch(last ? {type: 'modal', modal: last} : {type: 'flash', notice: {key: 'search.noLast'}});
    }
    this.host.dispatch({type: 'modal', modal: {kind: 'search', query, results: null, index: 0, offset: 0}});
    // An answer is for the window that asked it: not once it was closed or another search began.
    const waiting = () => {
      const modal = this.window();
      return modal?.query === query && modal.results === null ? modal : undefined;
    };
    this.host.session.request('search', {text: query}).then(
      (r) => {
        const modal = waiting();
        if (modal) this.host.dispatch({type: 'modal', modal: {...modal, results: r.messages, hasMore: r.hasMore, next: r.next}});
      },
      (error) => {
        const modal = waiting();
        if (modal) this.host.dispatch({type: 'modal', modal: {...modal, results: [], error: searchNotice(error)}});
      },
    );
  }

  /** The next page of results, older than the last one shown. */
  more(): void {
    const modal = this.window();
    // Where the server stopped: past the last result, or further when it searched on without finding.
    const from = modal?.next ?? modal?.results?.at(-1)?.id;
    if (!modal || from === undefined || !modal.hasMore || modal.loadingMore) return;
    this.host.dispatch({type: 'modal', modal: {...modal, loadingMore: true, error: undefined}});
    this.host.session.request('search', {text: modal.query, beforeId: from}).then(
      (r) => this.host.dispatch({type: 'searchPage', query: modal.query, messages: r.messages, hasMore: r.hasMore, next: r.next}),
      (error) => {
        const now = this.window();
        // Still more to fetch: the next PgDn asks again (after waiting, when searching too fast).
        if (now?.query === modal.query && now.loadingMore) this.host.dispatch({type: 'modal', modal: {...now, loadingMore: false, error: searchNotice(error)}});
      },
    );
  }

  /** The cursor to a result, the window following it; the last result fetches the next page. */
  select(index: number): void {
    const modal = this.window();
    const count = modal?.results?.length ?? 0;
    // No result yet in the newest messages searched: any move asks for older ones.
    if (modal && count === 0) return this.more();
    if (!modal) return;
    const to = Math.max(0, Math.min(count - 1, index));
    const view = searchView(this.host.state(), {...modal, index: to}, this.host.now());
    this.host.dispatch({type: 'searchCursor', index: to, offset: view.first});
    if (to === count - 1) this.more();
  }

  move(delta: number): void {
    this.select((this.window()?.index ?? 0) + delta);
  }

  /** PgUp / PgDn: by the results the window shows; PgDn on the last one fetches more. */
  page(direction: -1 | 1): void {
    const modal = this.window();
    const count = modal?.results?.length ?? 0;
    if (modal && count === 0) return this.more();
    if (!modal) return;
    const view = searchView(this.host.state(), modal, this.host.now());
    if (direction > 0 && view.index === count - 1) return this.more();
    const shown = new Set(view.lines.slice(view.first, view.first + view.rows).map((line) => line.result));
    this.select(view.index + direction * Math.max(1, shown.size - 1));
  }

  /** Enter: the conversation of the result on the cursor, at that message, the cursor on it. */
  async open(): Promise<void> {
    const modal = this.window();
    const found = modal?.results?.[Math.max(0, modal.index ?? 0)];
    if (!found) return;
    this.host.dispatch({type: 'modal', modal: null});
    const salon = this.host.state().salons.find((s) => s.id === found.salon);
    if (!salon || salon.state !== 'member') return this.host.dispatch({type: 'flash', notice: {key: 'search.gone'}});
    if (!salon.entries.message(found.seq)) {
      // The newest page is not fetched: the page around the message replaces the window.
      this.host.open(salon.id, false);
      if (!(await this.loadAround(found))) return this.host.open(salon.id, true);
    } else this.host.open(salon.id, true);
    const state = this.host.state();
    const shown = state.salons.find((s) => s.id === found.salon);
    // The user went elsewhere while the page came.
    if (!shown || state.current !== shown.id) return;
    if (!shown.entries.message(found.seq)) return this.host.dispatch({type: 'flash', notice: {key: 'search.gone'}});
    this.host.dispatch({type: 'select', key: found.seq, now: this.host.now(), viewport: viewport(state, shown)});
    this.host.dispatch({type: 'searchBack', on: true});
  }

  /** The page of the conversation that ends a few rows after the message; false when it could not be read. */
  private async loadAround(found: MessageInfo): Promise<boolean> {
    const before = found.seq + AROUND_MARGIN + 1;
    this.host.dispatch({type: 'loadingOlder', salonId: found.salon, loading: true});
    try {
      const page = await this.host.session.request('history', {salon: found.salon, before, limit: AROUND_PAGE});
      const lastSeq = this.host.state().salons.find((s) => s.id === found.salon)?.lastSeq ?? 0;
      this.host.dispatch({type: 'page', salonId: found.salon, messages: page.messages, mode: 'around', hasMore: page.hasMore, newer: lastSeq >= before});
      return true;
    } catch (error) {
      this.host.dispatch({type: 'loadingOlder', salonId: found.salon, loading: false});
      this.host.dispatch({type: 'flash', notice: noticeOf(error)});
      return false;
    }
  }

  /** Esc on a message opened from the results: the results again, as they were left. */
  back(): boolean {
    const state = this.host.state();
    if (!state.searchBack || !state.lastSearch) return false;
    this.host.dispatch({type: 'select', key: null});
    this.host.dispatch({type: 'modal', modal: state.lastSearch});
    return true;
  }
}
