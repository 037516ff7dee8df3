/**
 * The client's brain, without a terminal: it owns the state (through the reducer), the
 * session to the server, and every intent a user can express. Ink components subscribe to
 * it and call its intents; tests drive it the same way against a real server.
 */
import {ALIAS_PATTERN, USERNAME_PATTERN, type Event, type LoginResult, type MessageInfo} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {foldName} from '../protocol/names.js';
import type {Lang} from '../i18n/index.js';
import {errorKey} from '../i18n/client.js';
import {type CommandHost, parseCommand} from './commands.js';
import {RequestError} from './connection.js';
import {layout, paneRows, paneView} from './pane.js';
import {type Action, reducer} from './reducer.js';
import {ChatSession, type SessionOptions} from './session.js';
import {type AppState, type Notice, type SalonView, currentSalon, initialState} from './state.js';

export interface ControllerOptions extends SessionOptions {
  lang: Lang;
  username?: string;
  columns?: number;
  rows?: number;
  clock?: () => number;
  /** Called when the user quits (/quit, Ctrl+C), after the server saw the logout. */
  onExit?: () => void;
}

/** Errors worth retrying: the message stays in the outbox and is sent again. */
const TRANSIENT = new Set(['CONNECTION_CLOSED', 'STORE_UNAVAILABLE', 'OVERLOADED', 'RATE_LIMITED', 'SHUTTING_DOWN']);
/** A retry when the server does not say when (it does for RATE_LIMITED). */
const RETRY_MS = 2000;
/**
 * Past this, Enter asks first: a paste of a log or a document into a salon is more often
 * a slip than a wish, and everyone in the salon would scroll past it.
 */
export const LARGE_MESSAGE = {lines: 20, chars: 2000} as const;

/** The registration field a server refusal is about. */
const REGISTER_ERROR_FIELD: Record<string, number> = {USERNAME_TAKEN: 0, USERNAME_BANNED: 0, ALIAS_TAKEN: 1};

export const noticeOf = (error: unknown): Notice => {
  const code = (error as {code?: string})?.code ?? 'generic';
  const details = (error as RequestError).details as {retryAfter?: number} | undefined;
  return {key: errorKey(code), params: {message: error instanceof Error ? error.message : String(error), minutes: Math.ceil((details?.retryAfter ?? 0) / 60)}};
};

export class Controller implements CommandHost {
  private state: AppState;
  private readonly listeners = new Set<() => void>();
  readonly session: ChatSession;
  private readonly clock: () => number;
  private readTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private flushing = false;

  constructor(private readonly options: ControllerOptions) {
    this.clock = options.clock ?? Date.now;
    this.state = initialState(options.lang, `${options.host}:${options.port}`, options.username, options.columns, options.rows);
    this.session = new ChatSession(options, {
      link: (link, detail) => this.dispatch({type: 'link', link, retryIn: detail?.retryIn ?? null, error: detail?.reason ? {key: 'error.generic', params: {message: detail.reason}} : null}),
      needLogin: (error) => {
        if (this.state.screen === 'connecting' || this.state.screen === 'main') this.dispatch({type: 'showLogin', ...(error ? {error: noticeOf(error)} : {})});
      },
      session: (result, resumed) => this.onSession(result, resumed),
      event: (event) => this.onEvent(event),
    });
  }

  // ---- the store side: what Ink's useSyncExternalStore needs --------------------------

  getState = (): AppState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch(action: Action): void {
    const next = reducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
    this.afterChange();
  }

  start(): void {
    this.session.start();
  }

  // ---- sign in --------------------------------------------------------------------------

  async submitLogin(): Promise<void> {
    const {username, password} = this.state.login;
    if (!username || !password) return this.dispatch({type: 'formError', form: 'login', error: {key: 'form.required'}});
    this.dispatch({type: 'formBusy', form: 'login'});
    try {
      await this.session.login(username.trim(), password);
    } catch (error) {
      this.dispatch({type: 'formError', form: 'login', error: noticeOf(error)});
    }
  }

  async submitRegister(): Promise<void> {
    const {username, alias, password, confirm} = this.state.register;
    // The cursor goes to the field to correct, so that the next Enter sends the form again.
    const fail = (error: Notice, field?: number) => this.dispatch({type: 'formError', form: 'register', error, ...(field === undefined ? {} : {field})});
    const empty = [username, alias, password, confirm].findIndex((value) => !value);
    if (empty >= 0) return fail({key: 'form.required'}, empty);
    if (username.length < limits.usernameMin || username.length > limits.usernameMax || !USERNAME_PATTERN.test(username)) return fail({key: 'form.usernameInvalid'}, 0);
    if ([...alias].length > limits.aliasMax || !ALIAS_PATTERN.test(alias)) return fail({key: 'form.aliasInvalid'}, 1);
    if (password.length < limits.passwordMin) return fail({key: 'form.passwordShort', params: {min: limits.passwordMin}}, 2);
    if (password !== confirm) return fail({key: 'form.passwordMismatch'}, 3);
    this.dispatch({type: 'formBusy', form: 'register'});
    try {
      await this.session.request('register', {username, alias, password});
    } catch (error) {
      return fail(noticeOf(error), REGISTER_ERROR_FIELD[(error as {code?: string}).code ?? '']);
    }
    // Nobody creates an account to type the password a third time: sign in with it at once.
    // Should that fail (a lost connection), the sign-in form is there with the name filled in.
    this.dispatch({type: 'registered', username});
    try {
      await this.session.login(username, password);
      this.dispatch({type: 'flash', notice: {key: 'register.welcome', params: {username}}});
    } catch (error) {
      this.dispatch({type: 'formError', form: 'login', error: noticeOf(error)});
    }
  }

  private onSession(result: LoginResult, resumed: boolean): void {
    this.dispatch({type: 'loggedIn', user: result.user, salons: result.salons});
    if (result.user.role === 'moderator') {
      void this.session.request('pending', {}).then((r) => this.dispatch({type: 'pendingList', requests: r.requests}), () => {});
    }
    // Whatever happened while we were away: fetch it, salon by salon, from what we knew.
    for (const salon of this.state.salons) {
      if (salon.state === 'member' && salon.entries.length > 0) void this.catchUp(salon.id, knownSeq(salon));
    }
    this.ensureCurrentLoaded();
    if (this.state.showMembers) this.refreshMembers();
    // Back online: the outbox goes now, not when a timer set before the cut fires.
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.flushOutbox();
    // Back after a restart: the shutdown notice is no longer true.
    if (!resumed || this.state.flash?.key === 'ended.shutdown') this.dispatch({type: 'flash', notice: null});
  }

  // ---- live events ----------------------------------------------------------------------

  private onEvent(event: Event): void {
    if (event.event === 'message') {
      const salon = this.state.salons.find((s) => s.id === event.salon);
      // A jump in the sequence means something was missed: fetch the gap from the record.
      if (salon && salon.entries.length > 0 && event.seq > knownSeq(salon) + 1) void this.catchUp(salon.id, knownSeq(salon));
    }
    // The server revoked the token; the next connection shows the sign-in form.
    if (event.event === 'banned' || event.event === 'kicked') this.session.forget();
    this.dispatch({type: 'event', event, now: this.clock()});
    if (event.event === 'membership' && event.state === 'member' && event.salon === this.state.current) this.ensureCurrentLoaded();
  }

  private async catchUp(salonId: number, after: number): Promise<void> {
    for (let from = after; ; ) {
      const page = await this.session.request('history', {salon: salonId, after: from, limit: limits.historyMaxPage}).catch(() => null);
      if (!page) return;
      this.dispatch({type: 'page', salonId, messages: page.messages, mode: 'after', hasMore: page.hasMore});
      if (!page.hasMore || page.messages.length === 0) return;
      from = (page.messages.at(-1) as MessageInfo).seq;
    }
  }

  // ---- salons ---------------------------------------------------------------------------

  /** Opens a salon; one the user is not a member of asks first (the join modal). */
  open(salonId: number): void {
    const salon = this.state.salons.find((s) => s.id === salonId);
    if (!salon) return;
    this.dispatch({type: 'open', salonId});
    if (salon.state === 'none') this.dispatch({type: 'modal', modal: {kind: 'join', salonId}});
    this.ensureCurrentLoaded();
    if (this.state.showMembers) this.refreshMembers();
  }

  openByName(name: string): void {
    const key = foldName(name);
    const salon = this.state.salons.find((s) => foldName(s.name) === key || String(s.id) === key);
    if (!salon) return this.dispatch({type: 'flash', notice: {key: 'error.UNKNOWN_SALON', params: {salon: name}}});
    this.open(salon.id);
  }

  openIndex(index: number): void {
    const salon = this.state.salons[index];
    if (salon) this.open(salon.id);
  }

  step(delta: number): void {
    const count = this.state.salons.length;
    if (count === 0) return;
    const index = this.state.salons.findIndex((s) => s.id === this.state.current);
    this.openIndex((index + delta + count) % count);
  }

  /** Alt+A: the next salon with something new, mentions first. */
  nextActivity(): void {
    const others = this.state.salons.filter((s) => s.id !== this.state.current && s.state === 'member');
    const target = others.find((s) => s.mentions > 0) ?? others.find((s) => s.lastSeq > s.readSeq);
    if (target) this.open(target.id);
  }

  async answerJoin(yes: boolean): Promise<void> {
    const modal = this.state.modal;
    if (modal?.kind !== 'join') return;
    this.dispatch({type: 'modal', modal: null});
    if (!yes) return;
    try {
      const {salon} = await this.session.request('join', {salon: modal.salonId});
      if (salon.state === 'member') this.dispatch({type: 'flash', notice: {key: 'join.joined', params: {salon: salon.name}}});
      this.dispatch({type: 'salons', salons: (await this.session.request('salons', {})).salons});
      this.ensureCurrentLoaded();
    } catch (error) {
      this.dispatch({type: 'flash', notice: noticeOf(error)});
    }
  }

  private ensureCurrentLoaded(): void {
    const salon = currentSalon(this.state);
    if (!salon || salon.state !== 'member' || salon.loaded || salon.loadingOlder) return;
    this.dispatch({type: 'loadingOlder', salonId: salon.id, loading: true});
    this.session.request('history', {salon: salon.id, limit: limits.historyDefaultPage}).then(
      (page) => this.dispatch({type: 'page', salonId: salon.id, messages: page.messages, mode: 'latest', hasMore: page.hasMore}),
      () => this.dispatch({type: 'loadingOlder', salonId: salon.id, loading: false}),
    );
  }

  scroll(lines: number): void {
    this.dispatch({type: 'scroll', lines, now: this.clock()});
    const salon = currentSalon(this.state);
    if (!salon || !this.state.user || !salon.hasOlder || salon.loadingOlder || !salon.loaded) return;
    const {paneWidth} = layout(this.state);
    if (!paneView(salon, paneRows(this.state, salon).messages, {width: paneWidth, me: this.state.user, lang: this.state.lang, now: this.clock()}).atTop) return;
    const oldest = salon.entries.find((e) => e.kind === 'message');
    if (!oldest) return;
    this.dispatch({type: 'loadingOlder', salonId: salon.id, loading: true});
    this.session.request('history', {salon: salon.id, before: oldest.key, limit: limits.historyMaxPage}).then(
      (page) => this.dispatch({type: 'page', salonId: salon.id, messages: page.messages, mode: 'older', hasMore: page.hasMore}),
      () => this.dispatch({type: 'loadingOlder', salonId: salon.id, loading: false}),
    );
  }

  toggleMembers(): void {
    this.dispatch({type: 'toggleMembers'});
    if (this.state.showMembers) this.refreshMembers();
  }

  private refreshMembers(): void {
    void this.loadMembers();
  }

  /** Fetches the current salon's members (the member list, Tab completion); resolves once they are in the state. */
  async loadMembers(): Promise<void> {
    const salon = currentSalon(this.state);
    if (!salon || salon.state !== 'member') return;
    try {
      const {members} = await this.session.request('members', {salon: salon.id});
      this.dispatch({type: 'members', salonId: salon.id, members});
    } catch {
      // Offline or refused: the list stays as it was; Tab completes from what is on screen.
    }
  }

  // ---- sending --------------------------------------------------------------------------

  /**
   * Enter in the input: a slash command, or a message to the current salon. A message too
   * long for the server stays in the input; a large one asks first (LARGE_MESSAGE).
   */
  submitInput(): void {
    const text = this.state.editor.text;
    if (text.trim() === '') return;
    if (text.startsWith('/') && !text.startsWith('//')) {
      this.dispatch({type: 'editor', action: {type: 'submit'}});
      return void this.command(text);
    }
    const salon = currentSalon(this.state);
    if (!salon) return;
    if (salon.state !== 'member') return this.dispatch({type: 'modal', modal: {kind: 'join', salonId: salon.id}});
    const body = text.startsWith('//') ? text.slice(1) : text;
    const chars = [...body].length;
    if (chars > limits.maxMessageChars) return this.dispatch({type: 'flash', notice: {key: 'input.tooLong', params: {chars, max: limits.maxMessageChars}}});
    const lines = body.split('\n').length;
    if (lines > LARGE_MESSAGE.lines || chars > LARGE_MESSAGE.chars) {
      return this.dispatch({type: 'modal', modal: {kind: 'confirm', action: {type: 'send', salonId: salon.id, text: body, lines, chars}}});
    }
    this.dispatch({type: 'editor', action: {type: 'submit'}});
    this.send(salon.id, body);
  }

  private send(salonId: number, text: string): void {
    this.dispatch({type: 'outgoing', item: {clientMsgId: this.session.newClientMsgId(), salonId, text}});
    void this.flushOutbox();
  }

  /**
   * Sends the outbox in order, one send at a time, until it is empty: messages queued while
   * one is in flight go in the same run. A transient refusal stops the run and retries it on
   * a timer (when the server says, for RATE_LIMITED), never waiting for the user; a lost
   * connection resumes it once signed in again.
   */
  private async flushOutbox(): Promise<void> {
    if (this.flushing || this.retryTimer || !this.session.online || !this.state.user) return;
    this.flushing = true;
    try {
      for (let item = this.state.outbox[0]; item; item = this.state.outbox[0]) {
        try {
          const {message} = await this.session.request('send', {salon: item.salonId, text: item.text, clientMsgId: item.clientMsgId});
          this.dispatch({type: 'sent', clientMsgId: item.clientMsgId, message});
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
      void this.flushOutbox();
    }, Math.max(10, ms));
    this.retryTimer.unref();
  }

  /** The answer to a confirm window (a large message, a ban). */
  async confirm(yes: boolean): Promise<void> {
    const modal = this.state.modal;
    if (modal?.kind !== 'confirm') return;
    this.dispatch({type: 'modal', modal: null});
    if (!yes) return;
    const action = modal.action;
    if (action.type === 'send') {
      this.dispatch({type: 'editor', action: {type: 'submit'}});
      return this.send(action.salonId, action.text);
    }
    try {
      await this.ban(action.username);
    } catch (error) {
      this.dispatch({type: 'flash', notice: noticeOf(error)});
    }
  }

  private command(line: string): void {
    const parsed = parseCommand(line, this.state.user?.role === 'moderator');
    if (!parsed.ok) return this.dispatch({type: 'flash', notice: parsed.error});
    void Promise.resolve(parsed.command.run(this, parsed.arg)).catch((error) => this.dispatch({type: 'flash', notice: noticeOf(error)}));
  }

  search(text: string): void {
    const salon = currentSalon(this.state);
    if (!salon) return;
    this.dispatch({type: 'modal', modal: {kind: 'search', query: text, results: null}});
    this.session.request('search', {salon: salon.id, text}).then(
      (r) => this.dispatch({type: 'modal', modal: {kind: 'search', query: text, results: r.messages}}),
      (error) => this.dispatch({type: 'modal', modal: {kind: 'search', query: text, results: [], error: noticeOf(error)}}),
    );
  }

  help(): void {
    this.dispatch({type: 'modal', modal: {kind: 'help'}});
  }

  // ---- moderation -----------------------------------------------------------------------

  async kick(username: string): Promise<void> {
    const r = await this.session.request('kick', {username});
    this.dispatch({type: 'flash', notice: {key: 'flash.kicked', params: {username: r.username, minutes: r.minutes}}});
  }

  /** /ban deletes an account for good: it asks first, as joining a salon does. */
  askBan(username: string): void {
    this.dispatch({type: 'modal', modal: {kind: 'confirm', action: {type: 'ban', username}}});
  }

  async ban(username: string): Promise<void> {
    const r = await this.session.request('ban', {username});
    this.dispatch({type: 'flash', notice: {key: 'flash.banned', params: {username: r.username}}});
  }

  async answerRequest(accept: boolean): Promise<void> {
    const modal = this.state.modal;
    const request = modal?.kind === 'pending' ? this.state.pending[modal.index] : undefined;
    if (!request) return;
    try {
      await this.session.request(accept ? 'accept' : 'reject', {username: request.username, salon: request.salon});
      const notice: Notice = {key: accept ? 'flash.accepted' : 'flash.rejected', params: {username: request.username, salon: request.salonName}};
      this.dispatch({type: 'flash', notice});
    } catch (error) {
      this.dispatch({type: 'flash', notice: noticeOf(error)});
    }
  }

  // ---- leaving --------------------------------------------------------------------------

  async logout(): Promise<void> {
    await this.session.logout();
    this.dispatch({type: 'ended', notice: {key: 'ended.loggedOut'}});
  }

  async quit(): Promise<void> {
    await this.session.stop();
    this.options.onExit?.();
  }

  // ---- keeping things in step ----------------------------------------------------------

  /** Marks the current salon read once its newest message is on screen. */
  private afterChange(): void {
    const salon = currentSalon(this.state);
    if (this.state.screen !== 'main' || !salon || salon.state !== 'member' || salon.anchor !== null || !salon.loaded) return;
    if (salon.lastSeq <= salon.readSeq || this.readTimer) return;
    // Debounced: a burst of messages costs one read request, not one each. What was on
    // screen when the timer started counts as read, even if the user moved on since.
    const salonId = salon.id;
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      const seen = this.state.salons.find((s) => s.id === salonId);
      if (!seen || seen.lastSeq <= seen.readSeq) return;
      const seq = seen.id === this.state.current && seen.anchor === null ? seen.lastSeq : salon.lastSeq;
      this.dispatch({type: 'readLocal', salonId, seq});
      void this.session.request('read', {salon: salonId, seq}).catch(() => {});
    }, 250);
    this.readTimer.unref();
  }
}

/** The newest seq the client holds for a salon; anything newer is fetched with `after`. */
export function knownSeq(salon: SalonView): number {
  let known = 0;
  for (const e of salon.entries) if (e.kind === 'message') known = Math.max(known, e.key);
  return known;
}
