/**
 * Moderation, in one place for every door to it: the server console, moderator accounts in
 * the terminal client, and the server's own jobs. Each act changes the record first, then
 * publishes the change, and leaves a record in the audit log whether it succeeded or not.
 */
import {randomBytes} from 'node:crypto';
import {MAX_KICK_MS, parseDuration} from '../protocol/duration.js';
import {ChatError} from '../protocol/errors.js';
import {type JoinRequestInfo, type SalonRef, requestSchemas} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {hashToken} from '../store/password.js';
import {type AuditQuery, type AuditRecord, type AuditVia, ConflictError, type Store} from '../store/types.js';
import {hashSecret, newSecret} from './http.js';
import {parsePeriod} from './retention.js';
import type {Hub, SalonState, UserState} from './hub.js';

// The console reads its durations from here; the grammar itself is shared with the client.
export {MAX_KICK_MS, parseDuration};

export interface OnlineUser {
  username: string;
  alias: string;
  role: string;
  /** Connections on this node; 0 for a user connected only to other nodes. */
  sessions: number;
}

/** Who acts: an account from a client, the operator signed in at a console, or the server. */
export interface Actor {
  username: string;
  via: AuditVia;
}

export interface Block {
  username: string;
  kind: 'kick' | 'ban';
  /** When a kick ends (ms); null for a ban. */
  until: number | null;
  reason: string | null;
}

/** What an audit record says besides its actor, action and outcome. */
interface AuditFacts {
  targetUser?: string | undefined;
  targetSalon?: string | undefined;
  reason?: string | null | undefined;
  detail?: Record<string, unknown> | undefined;
}

const reasonSchema = (reason: string | undefined): string | null => {
  const trimmed = reason?.trim() ?? '';
  if (trimmed.length > limits.maxReasonLength) throw new ChatError('BAD_REQUEST', `A reason is at most ${limits.maxReasonLength} characters.`);
  return trimmed === '' ? null : trimmed;
};

export class Moderation {
  /**
   * Acts on one account take turns on this node: two kicks sent at once must not leave the
   * store holding one and the live model the other.
   */
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly hub: Hub,
    private readonly clock: () => number,
    /** This node's name, in the audit log. */
    private readonly node: string,
  ) {}

  /** The server's clock, for the time left of blocks. */
  now(): number {
    return this.clock();
  }

  pending(): JoinRequestInfo[] {
    return this.hub.pendingRequests();
  }

  who(): OnlineUser[] {
    return this.hub
      .onlineUsers()
      .map((u) => ({username: u.username, alias: u.alias, role: u.role, sessions: u.peers.size}))
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  accept(username: string, salonRef: SalonRef, actor: Actor): Promise<{user: UserState; salon: SalonState}> {
    return this.audited(actor, 'accept', {targetUser: username, targetSalon: String(salonRef)}, () => this.answer(username, salonRef, true));
  }

  reject(username: string, salonRef: SalonRef, actor: Actor): Promise<{user: UserState; salon: SalonState}> {
    return this.audited(actor, 'reject', {targetUser: username, targetSalon: String(salonRef)}, () => this.answer(username, salonRef, false));
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

  /**
   * A webhook posting into a salon under `name`: returns its secret, which is kept nowhere
   * (only its hash is stored), to be shown once.
   */
  createHook(salonRef: SalonRef, name: string, actor: Actor): Promise<{secret: string; salon: SalonState}> {
    return this.audited(actor, 'hook_add', {targetUser: name, targetSalon: String(salonRef)}, async () => {
      const salon = this.hub.namedSalon(salonRef);
      if (!salon || salon.archived) throw new ChatError('UNKNOWN_SALON', `No salon ${JSON.stringify(String(salonRef))}.`, {salon: String(salonRef)});
      const checked = requestSchemas.register.shape.alias.safeParse(name);
      if (!checked.success) throw new ChatError('BAD_REQUEST', `Invalid hook name ${JSON.stringify(name)}: ${checked.error.issues[0]?.message ?? ''}`);
      const secret = newSecret();
      try {
        await this.store.createHook({name, salonId: salon.id, secretHash: hashSecret(secret), ts: this.clock(), by: actor.username});
      } catch (error) {
        if (error instanceof ConflictError) throw new ChatError('ALIAS_TAKEN', `The name ${JSON.stringify(name)} is an account's alias already.`);
        throw error;
      }
      return {secret, salon};
    });
  }

  revokeHook(name: string, actor: Actor): Promise<number> {
    return this.audited(actor, 'hook_revoke', {targetUser: name}, () => this.store.revokeHook(name, this.clock()), (count) => (count > 0 ? 'ok' : 'UNKNOWN_HOOK'));
  }

  async hooks(): Promise<{name: string; salon: string; createdAt: number; revoked: boolean}[]> {
    return (await this.store.listHooks()).map((h) => ({
      name: h.name,
      salon: this.hub.conversation(h.salonId)?.name ?? String(h.salonId),
      createdAt: h.createdAt,
      revoked: h.revoked,
    }));
  }

  /**
   * A bot account that signs in with the returned token (kept nowhere: only its hash is
   * stored) and is a member of exactly these salons.
   */
  createBot(name: string, salonRefs: readonly string[], actor: Actor): Promise<{token: string; salons: SalonState[]}> {
    return this.audited(actor, 'bot_add', {targetUser: name, targetSalon: salonRefs.join(',')}, async () => {
      const checked = requestSchemas.register.shape.username.safeParse(name);
      if (!checked.success) throw new ChatError('BAD_REQUEST', `Invalid bot name ${JSON.stringify(name)}: ${checked.error.issues[0]?.message ?? ''}`);
      const salons = salonRefs.map((ref) => {
        const salon = this.hub.namedSalon(ref);
        if (!salon || salon.archived) throw new ChatError('UNKNOWN_SALON', `No salon ${JSON.stringify(ref)}.`, {salon: ref});
        return salon;
      });
      if (this.hub.user(name) || this.hub.aliasTaken(name)) throw new ChatError('USERNAME_TAKEN', `An account named ${JSON.stringify(name)} exists already.`, {username: name});
      const token = `bot_${randomBytes(32).toString('base64url')}`;
      const ts = this.clock();
      let id: number;
      try {
        id = await this.store.createBot({name, salonIds: [...new Set(salons.map((s) => s.id))], tokenHash: hashToken(token), ts, by: actor.username});
      } catch (error) {
        if (error instanceof ConflictError) throw new ChatError('USERNAME_TAKEN', `An account named ${JSON.stringify(name)} exists already.`, {username: name});
        throw error;
      }
      this.hub.publish({kind: 'user_added', user: {id, username: name, alias: name, role: 'bot', kickedUntil: null}, salonIds: salons.map((s) => s.id)});
      return {token, salons};
    });
  }

  /** The bot's token stops working and its connections end on every node; its messages stay. */
  revokeBot(name: string, actor: Actor): Promise<boolean> {
    return this.audited(
      actor,
      'bot_revoke',
      {targetUser: name},
      async () => {
        const revoked = await this.store.revokeBot(name, this.clock());
        if (revoked) this.hub.publish({kind: 'ban', username: name});
        return revoked;
      },
      (revoked) => (revoked ? 'ok' : 'UNKNOWN_USER'),
    );
  }

  async bots(): Promise<{name: string; salons: string[]; createdAt: number; revoked: boolean}[]> {
    return (await this.store.listBots()).map((b) => ({
      name: b.name,
      salons: b.salonIds.map((id) => this.hub.conversation(id)?.name ?? String(id)),
      createdAt: b.createdAt,
      revoked: b.revoked,
    }));
  }

  /** A new salon, listed live to everyone on every node. */
  createSalon(name: string, moderated: boolean, actor: Actor): Promise<SalonState> {
    return this.audited(actor, 'salon_create', {targetSalon: name, detail: {moderated}}, async () => {
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
    });
  }

  /** Read-only from now on and gone from the lists; its history stays. */
  archiveSalon(salonRef: SalonRef, actor: Actor): Promise<SalonState> {
    return this.audited(actor, 'salon_archive', {targetSalon: String(salonRef)}, async () => {
      const salon = this.hub.namedSalon(salonRef);
      if (!salon || salon.archived) throw new ChatError('UNKNOWN_SALON', `No salon named ${JSON.stringify(String(salonRef))}.`, {salon: String(salonRef)});
      await this.store.setArchived(salon.id, true);
      this.hub.publish({kind: 'salon', record: {id: salon.id, name: salon.name, moderated: salon.moderated, kind: 'salon', archived: true, seq: this.hub.lastSeq(salon.id)}});
      return salon;
    });
  }

  /**
   * Disconnects the user and refuses logins for `durationMs` (default limits.kickMinutes, as
   * the original); persisted, so a restart keeps it, and the reason is shown to the user.
   */
  kick(username: string, options: {durationMs?: number | undefined; reason?: string | undefined}, actor: Actor): Promise<{username: string; minutes: number; until: number; reason: string | null}> {
    return this.audited(actor, 'kick', {targetUser: username, reason: options.reason}, () => this.inTurn(username, async () => {
      const user = this.requireUser(username);
      const reason = reasonSchema(options.reason);
      const durationMs = options.durationMs ?? limits.kickMinutes * 60_000;
      if (!(durationMs > 0 && durationMs <= MAX_KICK_MS)) throw new ChatError('BAD_REQUEST', 'A kick lasts from one second to a year.');
      const until = this.clock() + durationMs;
      const minutes = Math.ceil(durationMs / 60_000);
      await this.store.setKickedUntil(user.id, until, reason);
      await this.store.deleteSessionsOf(user.id);
      this.hub.publish({kind: 'kick', username: user.username, until, minutes, reason});
      return {username: user.username, minutes, until, reason};
    }), undefined, (r) => ({until: r.until}));
  }

  /** Disconnects the user for good: the account goes, the name stays banned. */
  ban(username: string, reason: string | undefined, actor: Actor): Promise<{username: string; reason: string | null}> {
    return this.audited(actor, 'ban', {targetUser: username, reason}, () => this.inTurn(username, async () => {
      const user = this.requireUser(username);
      const why = reasonSchema(reason);
      await this.store.banUser(user.id, user.username, actor.username, this.clock(), why);
      this.hub.publish({kind: 'ban', username: user.username, reason: why});
      return {username: user.username, reason: why};
    }));
  }

  /** Ends a kick early, or lifts a ban (the name may be registered again). */
  unblock(username: string, actor: Actor): Promise<{username: string; was: 'kick' | 'ban'}> {
    const user = this.hub.user(username);
    const kicked = user?.kickedUntil !== null && user?.kickedUntil !== undefined && user.kickedUntil > this.clock();
    return this.audited(actor, kicked ? 'unblock' : 'unban', {targetUser: username}, () => this.inTurn(username, async () => {
      if (user && kicked) {
        await this.store.setKickedUntil(user.id, null);
        this.hub.publish({kind: 'unblock', username: user.username});
        return {username: user.username, was: 'kick' as const};
      }
      if (await this.store.unban(username)) return {username, was: 'ban' as const};
      throw new ChatError('UNKNOWN_USER', `${JSON.stringify(username)} is neither kicked nor banned.`, {username});
    }));
  }

  /** Current kicks (with their end) and bans, kicks first, soonest end first. */
  async blocks(): Promise<Block[]> {
    const now = this.clock();
    const kicks: Block[] = this.hub
      .kickedUsers(now)
      .map((u) => ({username: u.username, kind: 'kick' as const, until: u.kickedUntil, reason: u.kickReason ?? null}))
      .sort((a, b) => (a.until ?? 0) - (b.until ?? 0));
    const bans: Block[] = (await this.store.listBans()).map((b) => ({username: b.username, kind: 'ban' as const, until: null, reason: b.reason}));
    return [...kicks, ...bans];
  }

  /** Set by the server: a retention change starts a pass at once rather than at the next hour. */
  onRetention: (() => void) | undefined;

  /**
   * How long a salon keeps its messages, or the default (`DEFAULT`, which direct messages
   * and groups follow): `90d`, `1y`, `off` (keep everything), `default` (a salon follows it).
   */
  setRetention(target: string, period: string, actor: Actor): Promise<{salon: string | null; days: number | null}> {
    const isDefault = target.toUpperCase() === 'DEFAULT';
    return this.audited(actor, 'retention', {...(isDefault ? {} : {targetSalon: target}), detail: {period}}, async () => {
      const follow = !isDefault && period.trim().toLowerCase() === 'default';
      const days = follow ? null : parsePeriod(period);
      if (days === undefined) throw new ChatError('BAD_REQUEST', `Not a retention period: ${JSON.stringify(period)}.`, {period});
      const salon = isDefault ? undefined : this.hub.namedSalon(target);
      if (!isDefault && (!salon || salon.kind !== 'salon')) throw new ChatError('UNKNOWN_SALON', `No salon named ${JSON.stringify(target)}.`, {salon: target});
      await this.store.setRetention(salon?.id ?? null, isDefault && days === 0 ? null : days);
      this.onRetention?.();
      return {salon: salon?.name ?? null, days: isDefault && days === 0 ? null : days};
    }, undefined, (r) => ({days: r.days}));
  }

  /** The default period (null: keep everything) and the salons with one of their own (0: keep everything). */
  async retention(): Promise<{defaultDays: number | null; salons: {name: string; days: number}[]}> {
    const policy = await this.store.retentionPolicy();
    return {defaultDays: policy.defaultDays, salons: policy.salons.map((s) => ({name: this.hub.conversation(s.salonId)?.name ?? String(s.salonId), days: s.days}))};
  }

  audit(query: AuditQuery): Promise<AuditRecord[]> {
    return this.store.listAudit(query);
  }

  /** Records an act done elsewhere (a moderator's deletion goes through the writer). */
  async record(actor: Actor, action: string, facts: AuditFacts, outcome = 'ok'): Promise<void> {
    try {
      await this.store.appendAudit({at: this.clock(), actor: actor.username, via: actor.via, node: this.node, action, outcome, ...facts});
    } catch {
      // The act stands whether or not its record could be written (the database may have
      // gone between the two); the console already says the store is unavailable.
    }
  }

  /**
   * Runs the act and records it with its outcome: 'ok', the code it was refused with, or
   * what `judge` makes of its result. The record is written before the act's answer goes.
   */
  private async audited<T>(actor: Actor, action: string, facts: AuditFacts, act: () => Promise<T>, judge?: (result: T) => string, detail?: (result: T) => Record<string, unknown>): Promise<T> {
    let result: T;
    try {
      result = await act();
    } catch (error) {
      await this.record(actor, action, facts, error instanceof ChatError ? error.code : error instanceof Error && error.name === 'StoreUnavailableError' ? 'STORE_UNAVAILABLE' : 'INTERNAL');
      throw error;
    }
    const extra = detail?.(result);
    await this.record(actor, action, extra ? {...facts, detail: {...facts.detail, ...extra}} : facts, judge?.(result) ?? 'ok');
    return result;
  }

  private inTurn<T>(username: string, act: () => Promise<T>): Promise<T> {
    const key = username.toLowerCase();
    const result = (this.turns.get(key) ?? Promise.resolve()).then(act, act);
    const settled = result.then(
      () => {},
      () => {},
    );
    this.turns.set(key, settled);
    // Forgotten once its last act is done: the map holds only accounts being acted on.
    void settled.then(() => {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    });
    return result;
  }

  private requireUser(username: string): UserState {
    const user = this.hub.user(username);
    if (!user) throw new ChatError('UNKNOWN_USER', `No user named ${JSON.stringify(username)}.`, {username});
    return user;
  }
}
