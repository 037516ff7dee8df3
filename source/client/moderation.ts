/**
 * What a moderator does to people from the client: /kick with a duration and a reason,
 * /ban with a reason (after y/n), and the blocks window (/blocks, Alt+K) that lists current
 * kicks, counting down, and bans, and lifts one after y/n. The controller hands these here;
 * the words and the window's rows are in blocks.ts.
 */
import type {BlockInfo} from '../protocol/frames.js';
import {clientTranslator} from '../i18n/client.js';
import {type KickArgs, durationText, namesKnownPerson, parseBan, parseKick, shownBlocks, untilLabel} from './blocks.js';
import {noticeOf} from './notices.js';
import type {Action} from './reducer.js';
import {sanitizeLine} from './sanitize.js';
import type {ChatSession} from './session.js';
import type {AppState, BlocksWindow, Notice} from './state.js';

export interface ModerationHost {
  session: ChatSession;
  state(): AppState;
  dispatch(action: Action): void;
  now(): number;
  /** Fetches the current salon's members into the state. */
  loadMembers(): Promise<void>;
}

/** How often the open window's countdowns move. */
export const BLOCKS_TICK_MS = 1000;

const cleanBlock = (b: BlockInfo): BlockInfo => ({...b, username: sanitizeLine(b.username), reason: b.reason === null ? null : sanitizeLine(b.reason)});

export class ModerationActions {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly host: ModerationHost) {}

  // ---- /kick and /ban -------------------------------------------------------------------

  /** `/kick NAME [DURATION] [REASON…]`: the flash says until when, by this clock. */
  async kick(arg: string): Promise<void> {
    const parsed = await this.parse(parseKick, arg);
    if (!parsed.ok) return this.flash(parsed.error);
    const seconds = parsed.durationMs === undefined ? undefined : Math.round(parsed.durationMs / 1000);
    const r = await this.host.session.request('kick', {
      username: parsed.username,
      ...(seconds === undefined ? {} : {seconds}),
      ...(parsed.reason ? {reason: parsed.reason} : {}),
    });
    // The length asked for, else the server's default; from now by this clock, which may
    // disagree with the server's `until`.
    const length = parsed.durationMs ?? r.minutes * 60_000;
    const now = this.host.now();
    const {lang} = this.host.state();
    const params = {username: sanitizeLine(r.username), time: untilLabel(now + length, now, lang), left: durationText(length, clientTranslator(lang))};
    this.flash(r.reason ? {key: 'flash.kickedWhy', params: {...params, reason: sanitizeLine(r.reason)}} : {key: 'flash.kicked', params});
  }

  /** `/ban NAME [REASON…]` deletes an account for good: it asks first, as joining a salon does. */
  async askBan(arg: string): Promise<void> {
    const parsed = await this.parse(parseBan, arg);
    if (!parsed.ok) return this.flash(parsed.error);
    this.host.dispatch({type: 'modal', modal: {kind: 'confirm', action: {type: 'ban', username: parsed.username, ...(parsed.reason ? {reason: parsed.reason} : {})}}});
  }

  /**
   * The command's words, read with the people the client knows of. A name it does not know
   * may be the alias of a member of the current salon who has not written lately: its
   * members are fetched first, once.
   */
  private async parse(parse: (state: AppState, arg: string) => KickArgs, arg: string): Promise<KickArgs> {
    const state = this.host.state();
    if (!namesKnownPerson(state, arg) && state.membersOf !== state.current) await this.host.loadMembers();
    return parse(this.host.state(), arg);
  }

  async ban(username: string, reason?: string): Promise<void> {
    const r = await this.host.session.request('ban', {username, ...(reason ? {reason} : {})});
    const name = sanitizeLine(r.username);
    this.flash(r.reason ? {key: 'flash.bannedWhy', params: {username: name, reason: sanitizeLine(r.reason)}} : {key: 'flash.banned', params: {username: name}});
  }

  // ---- the blocks window ------------------------------------------------------------------

  /** Opens the window, asks for the list, and moves its countdowns every second while it is open. */
  async openBlocks(): Promise<void> {
    this.host.dispatch({type: 'modal', modal: {kind: 'blocks', blocks: null, skew: 0, now: this.host.now(), index: 0}});
    this.startTicking();
    await this.refresh();
  }

  /** Asks the server for the list again; the cursor stays on the same row number. */
  async refresh(): Promise<void> {
    let update: (modal: BlocksWindow) => BlocksWindow;
    try {
      const r = await this.host.session.request('blocks', {});
      const now = this.host.now();
      update = (modal) => ({...modal, blocks: r.blocks.map(cleanBlock), skew: r.now - now, now, error: undefined});
    } catch (error) {
      update = (modal) => ({...modal, blocks: modal.blocks ?? [], error: noticeOf(error)});
    }
    // Closed meanwhile (Esc before the answer): it stays closed.
    const modal = this.window();
    if (!modal) return;
    const next = update(modal);
    this.host.dispatch({type: 'modal', modal: {...next, index: clampIndex(next, next.index)}});
  }

  move(delta: number): void {
    const modal = this.window();
    if (modal && modal.confirm === undefined) this.host.dispatch({type: 'modal', modal: {...modal, index: clampIndex(modal, modal.index + delta)}});
  }

  /** u or Delete on a block: asks y/n before lifting it. */
  askLift(): void {
    const modal = this.window();
    const block = modal && shownBlocks(modal)[clampIndex(modal, modal.index)];
    if (modal && block) this.host.dispatch({type: 'modal', modal: {...modal, confirm: block.username}});
  }

  /** The answer to "lift it?": yes lifts the block and lists again; either way the window stays. */
  async answerLift(yes: boolean): Promise<void> {
    const modal = this.window();
    if (!modal || modal.confirm === undefined) return;
    const username = modal.confirm;
    this.host.dispatch({type: 'modal', modal: {...modal, confirm: undefined}});
    if (!yes) return;
    try {
      const r = await this.host.session.request('lift', {username});
      this.flash({key: r.was === 'kick' ? 'flash.liftedKick' : 'flash.liftedBan', params: {username: sanitizeLine(r.username)}});
    } catch (error) {
      // The kick ran out meanwhile, or another moderator lifted it: the server knows the
      // name but no block on it.
      const gone = (error as {code?: string}).code === 'UNKNOWN_USER';
      this.flash(gone ? {key: 'blocks.gone', params: {username}} : noticeOf(error));
    }
    await this.refresh();
  }

  /** True while the window's clock moves (tests: no timer once it is closed). */
  get ticking(): boolean {
    return this.timer !== null;
  }

  /** After every change: a window closed (Esc, a kick of oneself, signing out) stops its clock at once. */
  observe(state: AppState): void {
    if (this.timer && state.modal?.kind !== 'blocks') this.stopTicking();
  }

  stopTicking(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private startTicking(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const modal = this.window();
      if (!modal) return this.stopTicking();
      this.host.dispatch({type: 'modal', modal: {...modal, now: this.host.now()}});
    }, BLOCKS_TICK_MS);
    this.timer.unref();
  }

  private window(): BlocksWindow | undefined {
    const modal = this.host.state().modal;
    return modal?.kind === 'blocks' ? modal : undefined;
  }

  private flash(notice: Notice): void {
    this.host.dispatch({type: 'flash', notice});
  }
}

/** A row of the list as shown (run-out kicks gone), or 0 for an empty list. */
function clampIndex(modal: BlocksWindow, index: number): number {
  return Math.max(0, Math.min(shownBlocks(modal).length - 1, index));
}
