/**
 * The live model at the bottom of the server: who exists, who is a member of which salon,
 * who waits for a moderator, and which connections are online. Plain state and lookups;
 * it imports nothing of the server, so the hub, delivery, presence and reconciling can all
 * read it without importing each other.
 */
import {aliasKeys, foldName} from '../protocol/names.js';
import type {JoinRequestInfo, MemberInfo, Role, SalonInfo, SalonRef} from '../protocol/frames.js';
import type {ConversationKind, SalonRecord, UserRecord} from '../store/types.js';
import type {Peer} from './peer.js';

export interface UserState {
  id: number;
  username: string;
  alias: string;
  role: Role;
  /** Logins are refused until then (ms); what every node has heard of KICKs. */
  kickedUntil: number | null;
  /** Why, shown to the user when a login is refused. */
  kickReason?: string | null;
  /** The company directory disabled the account: no sign-in, no resume. */
  disabled: boolean;
  peers: Set<Peer>;
  /** Other nodes (bus instances) where the user has a connection. */
  remote: Set<string>;
  /** Salons the user is a member of, with the read marker of each. */
  salons: Map<number, number>;
  /** The messages counted up to each read marker (n of its row), for unread counts; 0 when absent. */
  readN: Map<number, number>;
  /** Salons the user asked to join, with the time of the request. */
  pending: Map<number, number>;
  /** Accounts (client ids) this user blocked: they cannot message this user directly. */
  blocked: Set<number>;
}

/** Where a conversation's stream stands on this node: last seq, last activity, messages counted. */
export type StreamView = (salonId: number) => {seq: number; ts: number; n: number};

export interface SalonState {
  id: number;
  name: string;
  moderated: boolean;
  kind: ConversationKind;
  archived: boolean;
  members: Set<UserState>;
  /** Connections of members that are logged in: the fan-out list, kept ready. */
  online: Set<Peer>;
}

/** Salon names match without regard to case or accents: "comptabilite" finds Comptabilité. */
export const salonKey = foldName;
export const userKey = (username: string) => username.toLowerCase();

export class LiveModel {
  readonly users = new Map<string, UserState>();
  readonly salons = new Map<number, SalonState>();
  /** Connections of moderators: they hear join requests. */
  readonly moderatorPeers = new Set<Peer>();
  /**
   * Aliases taken, by every key of each (protocol/names.ts), with how many accounts hold the
   * key (aliases older than a rule may share one). The check lives here, not in a collation,
   * so that SQLite and MySQL refuse the same aliases; the databases' unique keys remain a backstop.
   */
  private readonly aliases = new Map<string, number>();
  private readonly salonsByName = new Map<string, SalonState>();

  // ---- reading ------------------------------------------------------------------------

  user(username: string): UserState | undefined {
    return this.users.get(userKey(username));
  }

  userByAlias(alias: string): UserState | undefined {
    const wanted = foldName(alias);
    for (const user of this.users.values()) if (foldName(user.alias) === wanted) return user;
    return undefined;
  }

  aliasTaken(alias: string): boolean {
    return aliasKeys(alias).some((key) => this.aliases.has(key));
  }

  salon(ref: SalonRef): SalonState | undefined {
    if (typeof ref === 'number') return this.salons.get(ref);
    const byName = this.salonsByName.get(salonKey(ref));
    return byName ?? (/^\d+$/.test(ref.trim()) ? this.salons.get(Number(ref)) : undefined);
  }

  get firstSalon(): SalonState | undefined {
    return this.salons.values().next().value;
  }

  /** Every salon as the user sees it; where each stream stands is what this node has delivered. */
  salonsFor(user: UserState, stream: StreamView): SalonInfo[] {
    const list: SalonInfo[] = [];
    for (const s of this.salons.values()) {
      if (!this.visibleTo(user, s) || (s.kind === 'salon' && s.archived)) continue;
      const info = this.salonInfo(user, s, stream);
      list.push(info.state === 'member' ? {...info, lastTs: stream(s.id).ts} : info);
    }
    return list;
  }

  salonInfo(user: UserState, s: SalonState, stream: StreamView): SalonInfo {
    const readSeq = user.salons.get(s.id);
    const state = readSeq !== undefined ? 'member' : user.pending.has(s.id) ? 'pending' : 'none';
    const at = state === 'member' ? stream(s.id) : undefined;
    const info: SalonInfo = {
      id: s.id,
      name: s.name,
      kind: s.kind,
      moderated: s.moderated,
      state,
      lastSeq: at?.seq ?? 0,
      readSeq: readSeq ?? 0,
      lastN: at?.n ?? 0,
      readN: at ? (user.readN.get(s.id) ?? 0) : 0,
    };
    if (s.kind === 'salon') return info;
    const participants = [...s.members].map((u) => ({username: u.username, alias: u.alias})).sort((a, b) => a.alias.localeCompare(b.alias));
    const others = participants.filter((p) => p.username !== user.username).map((p) => p.alias);
    return {...info, name: others.join(', ') || user.alias, participants};
  }

  /**
   * What a user may see of a conversation: every salon not archived, and the direct
   * messages and groups the user takes part in. Anything else is, to that user, a
   * conversation that does not exist.
   */
  visibleTo(user: UserState, s: SalonState): boolean {
    return s.kind === 'salon' ? !s.archived || user.salons.has(s.id) : user.salons.has(s.id);
  }

  isOnline(user: UserState): boolean {
    return user.peers.size > 0 || user.remote.size > 0;
  }

  membersOf(salon: SalonState): MemberInfo[] {
    return [...salon.members]
      .map((u) => ({username: u.username, alias: u.alias, online: this.isOnline(u)}))
      .sort((a, b) => a.alias.localeCompare(b.alias));
  }

  pendingRequests(): JoinRequestInfo[] {
    const list: JoinRequestInfo[] = [];
    for (const u of this.users.values()) {
      for (const [salonId, ts] of u.pending) list.push(this.requestInfo(u, salonId, ts));
    }
    return list.sort((a, b) => a.ts - b.ts);
  }

  requestInfo(user: UserState, salonId: number, ts: number): JoinRequestInfo {
    return {username: user.username, alias: user.alias, salon: salonId, salonName: this.salons.get(salonId)?.name ?? String(salonId), ts};
  }

  /** Every connection on this node. */
  *allPeers(): Iterable<[UserState, Peer]> {
    for (const user of this.users.values()) for (const peer of user.peers) yield [user, peer];
  }

  /** Users with a connection on any node. */
  /** Users whose kick has not ended at `now`. */
  kickedUsers(now: number): UserState[] {
    return [...this.users.values()].filter((u) => u.kickedUntil !== null && u.kickedUntil > now);
  }

  onlineUsers(): UserState[] {
    return [...this.users.values()].filter((u) => this.isOnline(u));
  }

  /** Usernames with a connection on this node (what this node tells the others). */
  localRoster(): string[] {
    return [...this.users.values()].filter((u) => u.peers.size > 0).map((u) => u.username);
  }

  // ---- changing -----------------------------------------------------------------------

  addSalon(record: Omit<SalonRecord, 'seq'>): SalonState {
    const existing = this.salons.get(record.id);
    if (existing) {
      existing.archived = record.archived;
      return existing;
    }
    const salon: SalonState = {id: record.id, name: record.name, moderated: record.moderated, kind: record.kind, archived: record.archived, members: new Set(), online: new Set()};
    this.salons.set(salon.id, salon);
    // Direct messages have no name anyone types.
    if (salon.kind === 'salon') this.salonsByName.set(salonKey(salon.name), salon);
    return salon;
  }

  addUser(record: Omit<UserRecord, 'passwordHash'>): UserState {
    const existing = this.user(record.username);
    if (existing) return existing;
    const user: UserState = {
      id: record.id,
      username: record.username,
      alias: record.alias,
      role: record.role,
      kickedUntil: record.kickedUntil,
      kickReason: record.kickReason ?? null,
      disabled: record.disabled ?? false,
      peers: new Set(),
      remote: new Set(),
      salons: new Map(),
      readN: new Map(),
      pending: new Map(),
      blocked: new Set(),
    };
    this.users.set(userKey(user.username), user);
    for (const key of aliasKeys(user.alias)) this.aliases.set(key, (this.aliases.get(key) ?? 0) + 1);
    return user;
  }

  /** A directory account's new alias, role or state (its connections are the caller's). */
  updateUser(user: UserState, change: {alias: string; role: UserState['role']; disabled: boolean}): void {
    for (const key of aliasKeys(user.alias)) {
      const left = (this.aliases.get(key) ?? 1) - 1;
      if (left > 0) this.aliases.set(key, left);
      else this.aliases.delete(key);
    }
    user.alias = change.alias;
    for (const key of aliasKeys(user.alias)) this.aliases.set(key, (this.aliases.get(key) ?? 0) + 1);
    user.role = change.role;
    for (const peer of user.peers) {
      if (user.role === 'moderator') this.moderatorPeers.add(peer);
      else this.moderatorPeers.delete(peer);
    }
    user.disabled = change.disabled;
  }

  /** The account is gone: its name and alias are free again. Memberships are the caller's. */
  forgetUser(user: UserState): void {
    this.users.delete(userKey(user.username));
    for (const key of aliasKeys(user.alias)) {
      const left = (this.aliases.get(key) ?? 1) - 1;
      if (left > 0) this.aliases.set(key, left);
      else this.aliases.delete(key);
    }
  }

  linkMember(user: UserState | undefined, salonId: number, readSeq: number, readN = 0): void {
    const salon = this.salons.get(salonId);
    if (!user || !salon) return;
    user.salons.set(salonId, readSeq);
    user.readN.set(salonId, readN);
    salon.members.add(user);
    for (const peer of user.peers) salon.online.add(peer);
  }

  unlinkMember(user: UserState, salon: SalonState): void {
    user.salons.delete(salon.id);
    user.readN.delete(salon.id);
    salon.members.delete(user);
    for (const peer of user.peers) salon.online.delete(peer);
  }

  /** Adds a connection of the user to the fan-out lists; false if the user had one here already. */
  attachPeer(peer: Peer, user: UserState): boolean {
    const first = user.peers.size === 0;
    user.peers.add(peer);
    if (user.role === 'moderator') this.moderatorPeers.add(peer);
    for (const salonId of user.salons.keys()) this.salons.get(salonId)?.online.add(peer);
    return first;
  }

  /** Removes a connection; undefined if it was not attached, else whether it was the user's last here. */
  detachPeer(peer: Peer, user: UserState): boolean | undefined {
    if (!user.peers.delete(peer)) return undefined;
    this.moderatorPeers.delete(peer);
    for (const salonId of user.salons.keys()) this.salons.get(salonId)?.online.delete(peer);
    return user.peers.size === 0;
  }
}
