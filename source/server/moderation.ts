/**
 * Moderation, in one place for both doors to it: the server console and moderator accounts
 * in the terminal client. Each action changes the record first, then publishes the change.
 */
import {ChatError} from '../protocol/errors.js';
import {type JoinRequestInfo, type SalonRef, requestSchemas} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {ConflictError, type Store} from '../store/types.js';
import {hashSecret, newSecret} from './http.js';
import type {Hub, SalonState, UserState} from './hub.js';

export interface OnlineUser {
  username: string;
  alias: string;
  role: string;
  /** Connections on this node; 0 for a user connected only to other nodes. */
  sessions: number;
}

export class Moderation {
  constructor(
    private readonly store: Store,
    private readonly hub: Hub,
    private readonly clock: () => number,
  ) {}

  pending(): JoinRequestInfo[] {
    return this.hub.pendingRequests();
  }

  who(): OnlineUser[] {
    return this.hub
      .onlineUsers()
      .map((u) => ({username: u.username, alias: u.alias, role: u.role, sessions: u.peers.size}))
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  accept(username: string, salonRef: SalonRef): Promise<{user: UserState; salon: SalonState}> {
    return this.answer(username, salonRef, true);
  }

  reject(username: string, salonRef: SalonRef): Promise<{user: UserState; salon: SalonState}> {
    return this.answer(username, salonRef, false);
  }

  private async answer(username: string, salonRef: SalonRef, accept: boolean) {
    const user = this.requireUser(username);
    const salon = this.hub.namedSalon(salonRef);
    if (!salon) throw new ChatError('UNKNOWN_SALON', `No salon named ${JSON.stringify(String(salonRef))}.`);
    if (user.salons.has(salon.id)) {
      throw new ChatError('ALREADY_MEMBER', `${user.username} is already a member of ${salon.name}.`, {username: user.username, salon: salon.name});
    }
    if (!user.pending.has(salon.id) || !(await this.store.resolveJoinRequest(user.id, user.username, salon.id, accept))) {
      throw new ChatError('NO_PENDING_REQUEST', `${user.username} has no pending request for ${salon.name}.`, {username: user.username, salon: salon.name});
    }
    this.hub.publish({kind: 'request_closed', username: user.username, salonId: salon.id, outcome: accept ? 'accepted' : 'rejected'});
    this.hub.publish({
      kind: 'membership',
      username: user.username,
      salonId: salon.id,
      state: accept ? 'member' : 'none',
      reason: accept ? 'accepted' : 'rejected',
    });
    return {user, salon};
  }

  /** A new salon, listed live to everyone on every node. */
  /**
   * A webhook posting into a salon under `name`: returns its secret, which is kept nowhere
   * (only its hash is stored), to be shown once.
   */
  async createHook(salonRef: SalonRef, name: string, by: string): Promise<{secret: string; salon: SalonState}> {
    const salon = this.hub.namedSalon(salonRef);
    if (!salon || salon.archived) throw new ChatError('UNKNOWN_SALON', `No salon ${JSON.stringify(String(salonRef))}.`);
    const checked = requestSchemas.register.shape.alias.safeParse(name);
    if (!checked.success) throw new ChatError('BAD_REQUEST', `Invalid hook name ${JSON.stringify(name)}: ${checked.error.issues[0]?.message ?? ''}`);
    const secret = newSecret();
    try {
      await this.store.createHook({name, salonId: salon.id, secretHash: hashSecret(secret), ts: this.clock(), by});
    } catch (error) {
      if (error instanceof ConflictError) throw new ChatError('ALIAS_TAKEN', `The name ${JSON.stringify(name)} is an account's alias already.`);
      throw error;
    }
    return {secret, salon};
  }

  revokeHook(name: string): Promise<number> {
    return this.store.revokeHook(name, this.clock());
  }

  async hooks(): Promise<{name: string; salon: string; createdAt: number; revoked: boolean}[]> {
    return (await this.store.listHooks()).map((h) => ({
      name: h.name,
      salon: this.hub.conversation(h.salonId)?.name ?? String(h.salonId),
      createdAt: h.createdAt,
      revoked: h.revoked,
    }));
  }

  async createSalon(name: string, moderated: boolean): Promise<SalonState> {
    // The console's names obey the same rule as the protocol's.
    const checked = requestSchemas.salon_create.safeParse({name, moderated});
    if (!checked.success) throw new ChatError('BAD_REQUEST', `Invalid salon name ${JSON.stringify(name)}: ${checked.error.issues[0]?.message ?? ''}`);
    let record;
    try {
      record = await this.store.createSalon(name, moderated, this.clock());
    } catch (error) {
      if (error instanceof ConflictError) throw new ChatError('SALON_EXISTS', `A salon named ${JSON.stringify(name)} exists already.`, {salon: name});
      throw error;
    }
    this.hub.publish({kind: 'salon', record});
    return this.hub.namedSalon(record.id) as SalonState;
  }

  /** Read-only from now on and gone from the lists; its history stays. */
  async archiveSalon(salonRef: SalonRef): Promise<SalonState> {
    const salon = this.hub.namedSalon(salonRef);
    if (!salon || salon.archived) throw new ChatError('UNKNOWN_SALON', `No salon named ${JSON.stringify(String(salonRef))}.`, {salon: String(salonRef)});
    await this.store.setArchived(salon.id, true);
    this.hub.publish({kind: 'salon', record: {id: salon.id, name: salon.name, moderated: salon.moderated, kind: 'salon', archived: true, seq: this.hub.lastSeq(salon.id)}});
    return salon;
  }

  /** Disconnects the user and refuses logins for limits.kickMinutes; persisted. */
  async kick(username: string): Promise<{username: string; minutes: number; until: number}> {
    const user = this.requireUser(username);
    const minutes = limits.kickMinutes;
    const until = this.clock() + minutes * 60_000;
    await this.store.setKickedUntil(user.id, until);
    await this.store.deleteSessionsOf(user.id);
    this.hub.publish({kind: 'kick', username: user.username, until, minutes});
    return {username: user.username, minutes, until};
  }

  /** Disconnects the user for good: the account goes, the name stays banned. */
  async ban(username: string, by: string): Promise<{username: string}> {
    const user = this.requireUser(username);
    await this.store.banUser(user.id, user.username, by, this.clock());
    this.hub.publish({kind: 'ban', username: user.username});
    return {username: user.username};
  }

  private requireUser(username: string): UserState {
    const user = this.hub.user(username);
    if (!user) throw new ChatError('UNKNOWN_USER', `No user named ${JSON.stringify(username)}.`, {username});
    return user;
  }
}
