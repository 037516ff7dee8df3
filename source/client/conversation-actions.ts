/**
 * What the user asks of conversations beyond reading and writing them: joining a salon,
 * direct messages and groups (/dm, /msg), blocks (/block, /unblock) and, for moderators,
 * salons made at run time (/salon). The controller hands these commands here.
 */
import {foldName} from '../protocol/names.js';
import {noticeOf} from './notices.js';
import type {Action} from './reducer.js';
import type {ChatSession} from './session.js';
import type {AppState} from './state.js';

export interface ConversationHost {
  session: ChatSession;
  state(): AppState;
  dispatch(action: Action): void;
  /** Shows the conversation (and loads it). */
  open(salonId: number): void;
  /** Loads the open conversation's newest page if it is not. */
  loaded(): void;
  /** Queues a message in the outbox. */
  send(salonId: number, text: string): void;
  /** The time, for a conversation's activity. */
  now(): number;
}

export class ConversationActions {
  /** Membership events received: a salon list asked before one may be out of date. */
  private membershipEvents = 0;

  constructor(private readonly host: ConversationHost) {}

  sawMembership(): void {
    this.membershipEvents++;
  }

  async answerJoin(yes: boolean): Promise<void> {
    const modal = this.host.state().modal;
    if (modal?.kind !== 'join') return;
    this.host.dispatch({type: 'modal', modal: null});
    if (!yes) return;
    try {
      const {salon} = await this.host.session.request('join', {salon: modal.salonId});
      if (salon.state === 'member') this.host.dispatch({type: 'flash', notice: {key: 'join.joined', params: {salon: salon.name}}});
      await this.refreshSalons();
      this.host.loaded();
    } catch (error) {
      this.host.dispatch({type: 'flash', notice: noticeOf(error)});
    }
  }

  /**
   * The salon list as the server has it. A membership event read in the same chunk as the
   * answer is applied before the answer's continuation runs, so an answer overtaken by one
   * would undo it: it is asked again instead (a moderator's accept right after a join).
   */
  private async refreshSalons(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const seen = this.membershipEvents;
      const {salons} = await this.host.session.request('salons', {});
      if (seen !== this.membershipEvents) continue;
      this.host.dispatch({type: 'salons', salons});
      return;
    }
  }

  /** Opens the direct message (one name) or group (several) and shows it; resolves with its id. */
  async openDirect(names: string[]): Promise<number | undefined> {
    const {salon} = await this.host.session.request('dm', {with: names.filter(Boolean)});
    this.host.dispatch({type: 'conversation', conversation: salon, now: this.host.now()});
    this.host.open(salon.id);
    return salon.id;
  }

  async messageTo(name: string, text: string): Promise<void> {
    if (text.trim() === '') return this.host.dispatch({type: 'flash', notice: {key: 'cmd.usage', params: {usage: '/msg NAME TEXT'}}});
    const id = await this.openDirect([name]);
    if (id !== undefined) this.host.send(id, text);
  }

  async setBlock(name: string, blocked: boolean): Promise<void> {
    const result = await this.host.session.request(blocked ? 'block' : 'unblock', {username: name});
    this.host.dispatch({type: 'flash', notice: {key: blocked ? 'flash.blocked' : 'flash.unblocked', params: {name: result.username}}});
  }

  async createSalon(name: string, moderated: boolean): Promise<void> {
    await this.host.session.request('salon_create', {name, moderated});
  }

  async archiveSalon(name: string): Promise<void> {
    const salon = this.host.state().salons.find((s) => (s.kind ?? 'salon') === 'salon' && foldName(s.name) === foldName(name));
    await this.host.session.request('salon_archive', {salon: salon?.id ?? name});
  }
}
