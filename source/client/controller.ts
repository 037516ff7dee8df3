/**
 * The client's brain, without a terminal: it owns the state (through the reducer), the
 * session to the server, and every intent a user can express. Ink components subscribe to
 * it and call its intents; tests drive it the same way against a real server.
 */
import type {Event, LoginResult} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {foldName} from '../protocol/names.js';
import type {Lang} from '../i18n/index.js';
import {clientTranslator} from '../i18n/client.js';
import {type CommandHost, parseCommand} from './commands.js';
import {noticeOf} from './notices.js';
import {type Alert, alertOf} from './notify.js';
import {ConversationActions} from './conversation-actions.js';
import {FramePacer} from './frames.js';
import {listOrder} from './lists.js';
import {MessageActions} from './message-actions.js';
import {ModerationActions} from './moderation.js';
import {SearchActions} from './search.js';
import {Typing} from './typing.js';
import {Outbox} from './outbox.js';
import {ConversationView, knownSeq} from './conversation-view.js';
import {type Action, reducer} from './reducer.js';
import {ChatSession, type SessionOptions} from './session.js';
import {submitLogin, submitRegister} from './sign-in.js';
import {type AppState, type Notice, currentSalon, initialState, unread} from './state.js';

export interface ControllerOptions extends SessionOptions {
  lang: Lang;
  username?: string;
  columns?: number;
  rows?: number;
  clock?: () => number;
  /** Called when the user quits (/quit, Ctrl+C), after the server saw the logout. */
  onExit?: () => void;
  /** A mention, a direct message or a join request the user is not looking at (notify.ts). */
  onAlert?: (alert: Alert) => void;
}

/**
 * Past this, Enter asks first: a paste of a log or a document into a salon is more often
 * a slip than a wish, and everyone in the salon would scroll past it.
 */
export const LARGE_MESSAGE = {lines: 20, chars: 2000} as const;

export class Controller implements CommandHost {
  private state: AppState;
  private readonly listeners = new Set<() => void>();
  private readonly frameListeners = new Set<() => void>();
  private frameDue: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private readonly pacer = new FramePacer();
  readonly session: ChatSession;
  private readonly clock: () => number;
  private readTimer: NodeJS.Timeout | null = null;
  private readonly outbox: Outbox;
  private readonly conversations: ConversationActions;
  /** The message cursor and the changes it makes (message-actions.ts). */
  readonly messages: MessageActions;
  /** The search window and going to what it found (search.ts). */
  readonly searches: SearchActions;
  /** Kicks, bans and the blocks window (moderation.ts). */
  readonly moderation: ModerationActions;
  private readonly typing: Typing;
  /** The open conversation's pages of history and member list (conversation-view.ts). */
  private readonly view: ConversationView;

  constructor(private readonly options: ControllerOptions) {
    this.clock = options.clock ?? Date.now;
    this.state = initialState(options.lang, `${options.host}:${options.port}`, options.username, options.columns, options.rows);
    this.session = new ChatSession(options, {
      link: (link, detail) => this.dispatch({type: 'link', link, retryIn: detail?.retryIn ?? null, error: detail?.reason ? {key: 'error.generic', params: {message: detail.reason}} : null}),
      needLogin: (error) => {
        if (this.state.screen === 'connecting' || this.state.screen === 'main') this.dispatch({type: 'showLogin', ...(error ? {error: noticeOf(error, {lang: this.state.lang, now: this.clock()})} : {})});
      },
      session: (result, resumed) => this.onSession(result, resumed),
      event: (event) => this.onEvent(event),
    });
    this.view = new ConversationView({session: this.session, state: this.getState, dispatch: (action) => this.dispatch(action), now: () => this.clock()});
    this.outbox = new Outbox(this.session, this.getState, (action) => this.dispatch(action));
    this.conversations = new ConversationActions({
      session: this.session,
      state: this.getState,
      dispatch: (action) => this.dispatch(action),
      open: (salonId) => this.open(salonId),
      loaded: () => this.view.ensureLoaded(),
      send: (salonId, text) => this.outbox.send(salonId, text),
      now: () => this.clock(),
    });
    this.messages = new MessageActions({session: this.session, outbox: this.outbox, state: this.getState, dispatch: (action) => this.dispatch(action), now: () => this.clock()});
    this.searches = new SearchActions({
      session: this.session,
      state: this.getState,
      dispatch: (action) => this.dispatch(action),
      now: () => this.clock(),
      open: (salonId, load) => this.open(salonId, load),
    });
    this.moderation = new ModerationActions({
      session: this.session,
      state: this.getState,
      dispatch: (action) => this.dispatch(action),
      now: () => this.clock(),
      loadMembers: () => this.loadMembers(),
    });
    this.typing = new Typing(
      (salon, active) => void this.session.request('typing', {salon, active}).catch(() => {}),
      (now) => this.dispatch({type: 'typingExpire', now}),
      () => this.clock(),
    );
  }

  // ---- the store side: what Ink's useSyncExternalStore needs --------------------------

  getState = (): AppState => this.state;

  /** Called after every change (tests wait on states with it). */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Called at most once per frame after changes (the screen: App's useSyncExternalStore). */
  subscribeFrames = (listener: () => void): (() => void) => {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  };

  dispatch(action: Action): void {
    const next = reducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
    this.scheduleFrame();
    this.afterChange();
  }

  /** A key was handled: draw on the next turn instead of waiting for the frame's end. */
  drawSoon = (): void => {
    if (this.frameDue === null || this.frameListeners.size === 0) return;
    clearTimeout(this.frameDue as NodeJS.Timeout);
    clearImmediate(this.frameDue as NodeJS.Immediate);
    this.frameDue = null;
    this.pacer.hurry();
    this.scheduleFrame();
  };

  private scheduleFrame(): void {
    if (this.frameDue || this.frameListeners.size === 0) return;
    const wait = this.pacer.delay();
    const draw = () => {
      this.frameDue = null;
      this.pacer.drawn(wait > 0);
      for (const listener of this.frameListeners) listener();
    };
    this.frameDue = wait <= 0 ? setImmediate(draw) : setTimeout(draw, wait);
  }

  start(): void {
    this.session.start();
  }

  // ---- sign in --------------------------------------------------------------------------

  submitLogin(): Promise<void> {
    return submitLogin(this.session, this.getState, (action) => this.dispatch(action), this.clock);
  }

  submitRegister(): Promise<void> {
    return submitRegister(this.session, this.getState, (action) => this.dispatch(action));
  }

  private onSession(result: LoginResult, resumed: boolean): void {
    this.dispatch({type: 'loggedIn', user: result.user, salons: result.salons});
    if (result.user.role === 'moderator') {
      void this.session.request('pending', {}).then((r) => this.dispatch({type: 'pendingList', requests: r.requests}), () => {});
    }
    // Whatever happened while we were away: fetch it, salon by salon, from what we knew.
    for (const salon of this.state.salons) {
      if (salon.state === 'member' && salon.entries.length > 0 && !salon.hasNewer) void this.view.catchUp(salon.id, knownSeq(salon));
    }
    this.view.ensureLoaded();
    if (this.state.showMembers) this.view.refreshMembers();
    this.outbox.resume();
    // Back after a restart: the shutdown notice is no longer true.
    if (!resumed || this.state.flash?.key === 'ended.shutdown') this.dispatch({type: 'flash', notice: null});
  }

  // ---- live events ----------------------------------------------------------------------

  private onEvent(event: Event): void {
    if (event.event === 'message') {
      const salon = this.state.salons.find((s) => s.id === event.salon);
      // A jump in the sequence means something was missed: fetch the gap from the record.
      // (Not while the window lacks newer messages: they are fetched when scrolled to.)
      if (salon && salon.entries.length > 0 && !salon.hasNewer && event.seq > knownSeq(salon) + 1) void this.view.catchUp(salon.id, knownSeq(salon));
    }
    if (event.event === 'membership') this.conversations.sawMembership();
    // The server revoked the token; the next connection shows the sign-in form.
    if (event.event === 'banned' || event.event === 'kicked' || event.event === 'disconnected' || event.event === 'disabled') this.session.forget();
    const before = this.state;
    this.dispatch({type: 'event', event, now: this.clock()});
    const alert = this.options.onAlert && alertOf(before, this.state, event, clientTranslator(this.state.lang));
    if (alert) this.options.onAlert?.(alert);
    if (event.event === 'membership' && event.state === 'member' && event.salon === this.state.current) this.view.ensureLoaded();
  }

  // ---- salons ---------------------------------------------------------------------------

  /**
   * Opens a salon; one the user is not a member of asks first (the join modal). Without
   * `load`, its newest page is not fetched (a search result brings the page around it).
   */
  open(salonId: number, load = true): void {
    const salon = this.state.salons.find((s) => s.id === salonId);
    if (!salon) return;
    this.dispatch({type: 'open', salonId});
    if (salon.state === 'none') this.dispatch({type: 'modal', modal: {kind: 'join', salonId}});
    if (load) this.view.ensureLoaded();
    if (this.state.showMembers) this.view.refreshMembers();
  }

  openByName(name: string): void {
    const key = foldName(name);
    const salon = this.state.salons.find((s) => foldName(s.name) === key || String(s.id) === key);
    if (!salon) return this.dispatch({type: 'flash', notice: {key: 'error.UNKNOWN_SALON', params: {salon: name}}});
    this.open(salon.id);
  }

  /** Opens the conversation on that row of the list as displayed (Alt+1…9, Enter in the list). */
  openIndex(index: number): void {
    const salon = listOrder(this.state)[index];
    if (salon) this.open(salon.id);
  }

  step(delta: number): void {
    const order = listOrder(this.state);
    if (order.length === 0) return;
    const index = order.findIndex((s) => s.id === this.state.current);
    this.openIndex((index + delta + order.length) % order.length);
  }

  /** Alt+A: the next conversation with something new, mentions first, in the list's order. */
  nextActivity(): void {
    const others = listOrder(this.state).filter((s) => s.id !== this.state.current && s.state === 'member');
    const target = others.find((s) => s.mentions > 0) ?? others.find((s) => unread(s) > 0);
    if (target) this.open(target.id);
  }

  /** The join window's answer: joins (or asks to join) the salon it named. */
  answerJoin = (yes: boolean) => this.conversations.answerJoin(yes);

  /**
   * Scrolls by lines (positive: back in time). Reaching either end of the window held in
   * memory fetches the next page that way: older messages, or newer ones the window dropped.
   */
  scroll = (lines: number) => this.view.scroll(lines);
  /** End: back to the newest line; a window scrolled far back is replaced by the newest page. */
  scrollToBottom = () => this.view.scrollToBottom();
  toggleMembers = () => this.view.toggleMembers();
  /** Fetches the current salon's members (the member list, Tab completion); resolves once they are in the state. */
  loadMembers = () => this.view.loadMembers();

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
    if (this.messages.submit(salon.id, body)) return;
    this.dispatch({type: 'editor', action: {type: 'submit'}});
    this.outbox.send(salon.id, body);
  }

  /** The answer to a confirm window (a large message, a ban). */
  async confirm(yes: boolean): Promise<void> {
    const modal = this.state.modal;
    if (modal?.kind !== 'confirm') return;
    this.dispatch({type: 'modal', modal: null});
    if (!yes) return;
    const action = modal.action;
    if (action.type === 'send') {
      if (this.messages.submit(action.salonId, action.text)) return;
      this.dispatch({type: 'editor', action: {type: 'submit'}});
      return this.outbox.send(action.salonId, action.text);
    }
    if (action.type === 'delete') return this.messages.delete(action.salonId, action.seq);
    try {
      await this.moderation.ban(action.username, action.reason);
    } catch (error) {
      this.dispatch({type: 'flash', notice: noticeOf(error)});
    }
  }

  private command(line: string): void {
    const parsed = parseCommand(line, this.state.user?.role === 'moderator');
    if (!parsed.ok) return this.dispatch({type: 'flash', notice: parsed.error});
    void Promise.resolve(parsed.command.run(this, parsed.arg)).catch((error) => this.dispatch({type: 'flash', notice: noticeOf(error)}));
  }

  openDirect = (names: string[]) => this.conversations.openDirect(names);
  /** Enter on a member: a refusal (a block) is told in the status line, not thrown. */
  openDirectWith = (username: string) => this.conversations.openDirect([username]).then(() => {}, (error) => this.dispatch({type: 'flash', notice: noticeOf(error)}));
  messageTo = (name: string, text: string) => this.conversations.messageTo(name, text);
  setBlock = (name: string, blocked: boolean) => this.conversations.setBlock(name, blocked);
  createSalon = (name: string, moderated: boolean) => this.conversations.createSalon(name, moderated);
  archiveSalon = (name: string) => this.conversations.archiveSalon(name);

  search = (text: string) => this.searches.start(text);

  help(): void {
    this.dispatch({type: 'modal', modal: {kind: 'help'}});
  }

  // ---- moderation -----------------------------------------------------------------------

  kick = (arg: string) => this.moderation.kick(arg);
  askBan = (arg: string) => this.moderation.askBan(arg);
  blocks = () => this.moderation.openBlocks();

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
    this.typing.stop();
    this.moderation.stopTicking();
    await this.session.stop();
    this.options.onExit?.();
  }

  // ---- keeping things in step ----------------------------------------------------------

  /** Marks the current salon read once its newest message is on screen. */
  private afterChange(): void {
    this.typing.observe(this.state);
    this.moderation.observe(this.state);
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

export {knownSeq};
