/**
 * Live state of the chat, in memory: who exists, who is a member of which salon, who is
 * waiting for a moderator and which connections are online. The database is the record and
 * is read once at start; after that every change arrives as a HubEvent through the bus and
 * is applied here, then fanned out. The per-message path reads nothing from the database,
 * except to fill a gap in a salon's sequence (delivery.ts).
 */
import {encodeFrame} from '../protocol/codec.js';
import {aliasKeys, foldName} from '../protocol/names.js';
import type {Event, JoinRequestInfo, MemberInfo, SalonInfo, SalonRef} from '../protocol/frames.js';
import type {SalonRecord, Store, UserRecord} from '../store/types.js';
import {type Bus, type HubEvent, type NodeEvent, isNodeEvent} from './bus.js';
import {Delivery} from './delivery.js';
import type {Notify} from './notices.js';
import type {Peer} from './peer.js';
import {PresenceRounds} from './presence.js';
import {applyDifferences, knownBefore} from './reconcile.js';

export interface UserState {
  id: number;
  username: string;
  alias: string;
  role: 'user' | 'moderator';
  /** Logins are refused until then (ms); what every node has heard of KICKs. */
  kickedUntil: number | null;
  peers: Set<Peer>;
  /** Other nodes (bus instances) where the user has a connection. */
  remote: Set<string>;
  /** Salons the user is a member of, with the read marker of each. */
  salons: Map<number, number>;
  /** Salons the user asked to join, with the time of the request. */
  pending: Map<number, number>;
}

export interface SalonState {
  id: number;
  name: string;
  moderated: boolean;
  seq: number;
  members: Set<UserState>;
  /** Connections of members that are logged in: the fan-out list, kept ready. */
  online: Set<Peer>;
}

/** Salon names match without regard to case or accents: "comptabilite" finds Comptabilité. */
export const salonKey = foldName;
export const userKey = (username: string) => username.toLowerCase();

export class Hub {
  private readonly users = new Map<string, UserState>();
  /**
   * Aliases taken, by every key of each (protocol/names.ts), with how many accounts hold the
   * key (aliases older than a rule may share one). The check lives here, not in a collation,
   * so that SQLite and MySQL refuse the same aliases; the databases' unique keys remain a backstop.
   */
  private readonly aliases = new Map<string, number>();
  private readonly salons = new Map<number, SalonState>();
  private readonly salonsByName = new Map<string, SalonState>();
  private readonly moderatorPeers = new Set<Peer>();
  private readonly allPeers = new Set<Peer>();

  private readonly delivery: Delivery;
  private readonly rounds = new PresenceRounds<UserState>();
  private resyncing: Promise<void> | undefined;
  private lastResync = 0;

  /** Node events (liveness, presence elsewhere) go to the cluster, when there is one. */
  onNodeEvent: (event: NodeEvent, origin: string) => void = () => {};
  /** A user's first connection on this node opened, or the last one closed. */
  onLocalPresence: (user: UserState, online: boolean) => void = () => {};
  /** A user came online or went offline, counting every node. */
  onPresence: (user: UserState, online: boolean) => void = () => {};

  private constructor(private readonly store: Store, private readonly bus: Bus, private readonly notify: Notify) {
    this.delivery = new Delivery(store, (id) => this.salons.get(id));
    bus.subscribe((event, origin) => (isNodeEvent(event) ? this.onNodeEvent(event, origin) : this.apply(event)));
  }

  static async load(store: Store, bus: Bus, notify: Notify): Promise<Hub> {
    const hub = new Hub(store, bus, notify);
    const [salons, users, memberships, requests] = await Promise.all([
      store.listSalons(),
      store.listUsers(),
      store.listMemberships(),
      store.listJoinRequests(),
    ]);
    for (const salon of salons) hub.addSalon(salon);
    for (const user of users) hub.addUser(user);
    for (const m of memberships) hub.linkMember(hub.user(m.username), m.salonId, m.lastReadSeq);
    for (const r of requests) hub.user(r.username)?.pending.set(r.salonId, r.ts);
    return hub;
  }

  publish(event: HubEvent): void {
    this.bus.publish(event);
  }

  /** Runs `then` once the messages published so far are written to their recipients. */
  whenDelivered(then: () => void): void {
    this.delivery.whenWritten(then);
  }

  // ---- making good what the bus lost ---------------------------------------------------

  /**
   * Delivers what other nodes stored and this node never heard of: each salon whose stored
   * counter is ahead of what was delivered here is read from the database. Cheap (one query
   * over the salons), so the cluster runs it often, and every second while the bus is down.
   */
  async catchUp(): Promise<void> {
    const salons = await this.store.listSalons();
    for (const record of salons) {
      const salon = this.salons.get(record.id);
      if (!salon) this.addSalon({...record, seq: 0});
      this.delivery.catchUp(this.salons.get(record.id) as SalonState, record.seq);
    }
  }

  /**
   * Re-reads accounts, memberships, read markers and join requests, and applies every
   * difference as the event that would have brought it, so connected users see it live.
   * Run when the bus comes back after a cut, and when a login names an account this node
   * has not heard of. Calls within a second of the last one share its work.
   */
  resync(): Promise<void> {
    if (this.resyncing) return this.resyncing;
    if (Date.now() - this.lastResync < 1000) return Promise.resolve();
    this.resyncing = this.reconcile().finally(() => {
      this.resyncing = undefined;
      this.lastResync = Date.now();
    });
    return this.resyncing;
  }

  private async reconcile(): Promise<void> {
    // Only what was here before the read can be judged gone by it: a change that arrives
    // on the bus while the database is read is newer than the read.
    const before = knownBefore(this.users);
    const [users, memberships, requests] = await Promise.all([this.store.listUsers(), this.store.listMemberships(), this.store.listJoinRequests()]);
    applyDifferences(
      {users: this.users, keyOf: userKey, user: (username) => this.user(username), addUser: (record) => this.addUser(record), apply: (event) => this.apply(event)},
      before,
      {users, memberships, requests},
    );
    await this.catchUp();
  }

  // ---- reading ------------------------------------------------------------------------

  user(username: string): UserState | undefined {
    return this.users.get(userKey(username));
  }

  /**
   * Like user(), but an account this node has not heard of is looked for in the database
   * when other nodes exist: it may have been created on one of them while the bus was cut.
   */
  async findUser(username: string): Promise<UserState | undefined> {
    const user = this.user(username);
    if (user || !this.bus.shared) return user;
    await this.resync();
    return this.user(username);
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

  salonsFor(user: UserState): SalonInfo[] {
    return [...this.salons.values()].map((s) => {
      const readSeq = user.salons.get(s.id);
      const state = readSeq !== undefined ? 'member' : user.pending.has(s.id) ? 'pending' : 'none';
      return {id: s.id, name: s.name, moderated: s.moderated, state, lastSeq: state === 'member' ? s.seq : 0, readSeq: readSeq ?? 0};
    });
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

  /** Users with a connection on any node. */
  onlineUsers(): UserState[] {
    return [...this.users.values()].filter((u) => this.isOnline(u));
  }

  /** Usernames with a connection on this node (what this node tells the others). */
  localRoster(): string[] {
    return [...this.users.values()].filter((u) => u.peers.size > 0).map((u) => u.username);
  }

  // ---- connections --------------------------------------------------------------------

  /** Returns true when this is the user's first connection on this node. */
  attach(peer: Peer, user: UserState): boolean {
    const wasOnline = this.isOnline(user);
    const first = user.peers.size === 0;
    user.peers.add(peer);
    this.allPeers.add(peer);
    if (user.role === 'moderator') this.moderatorPeers.add(peer);
    for (const salonId of user.salons.keys()) this.salons.get(salonId)?.online.add(peer);
    if (first) this.onLocalPresence(user, true);
    if (!wasOnline) this.presence(user, true);
    return first;
  }

  /** Returns true when that was the user's last connection on this node. */
  detach(peer: Peer, user: UserState): boolean {
    if (!user.peers.delete(peer)) return false;
    this.allPeers.delete(peer);
    this.moderatorPeers.delete(peer);
    this.watch(peer, null);
    for (const salonId of user.salons.keys()) this.salons.get(salonId)?.online.delete(peer);
    const last = user.peers.size === 0;
    if (last) this.onLocalPresence(user, false);
    if (!this.isOnline(user)) this.presence(user, false);
    return last;
  }

  /** Another node says the user has (or no longer has) a connection there. */
  setRemote(username: string, instance: string, online: boolean): void {
    const user = this.user(username);
    if (!user || user.remote.has(instance) === online) return;
    const wasOnline = this.isOnline(user);
    if (online) user.remote.add(instance);
    else user.remote.delete(instance);
    if (this.isOnline(user) !== wasOnline) this.presence(user, !wasOnline);
  }

  /** What a node says is the whole list of its users, replacing what we knew of it. */
  replaceRoster(instance: string, usernames: readonly string[]): void {
    const now = new Set(usernames.map(userKey));
    for (const [key, user] of this.users) if (user.remote.has(instance) && !now.has(key)) this.setRemote(user.username, instance, false);
    for (const username of usernames) this.setRemote(username, instance, true);
  }

  /** A node stopped or stopped answering: its users are offline unless connected elsewhere. */
  dropInstance(instance: string): void {
    this.replaceRoster(instance, []);
  }

  /** The salon whose member list a connection shows: it hears who comes and goes there. */
  watch(peer: Peer, salonId: number | null): void {
    this.rounds.watch(peer, salonId);
  }

  private presence(user: UserState, online: boolean): void {
    this.onPresence(user, online);
    this.rounds.changed(user, online);
  }

  // ---- applying changes ---------------------------------------------------------------

  private apply(event: HubEvent): void {
    switch (event.kind) {
      case 'messages':
        return this.delivery.deliver(event.messages);
      case 'user_added': {
        const user = this.addUser(event.user);
        const first = this.firstSalon;
        if (first) this.linkMember(user, first.id, 0);
        return;
      }
      case 'membership':
        return this.applyMembership(event);
      case 'join_request': {
        const user = this.user(event.username);
        const salon = this.salons.get(event.salonId);
        if (!user || !salon) return;
        user.pending.set(salon.id, event.ts);
        this.toPeers(this.moderatorPeers, {event: 'join_request', ...this.requestInfo(user, salon.id, event.ts)});
        this.toPeers(user.peers, this.membershipEvent(user, salon, 'pending', 'requested'));
        this.notify({kind: 'join_request', username: user.username, salonName: salon.name});
        return;
      }
      case 'request_closed': {
        const user = this.user(event.username);
        user?.pending.delete(event.salonId);
        this.toPeers(this.moderatorPeers, {event: 'join_request_closed', username: event.username, salon: event.salonId, outcome: event.outcome});
        return;
      }
      case 'read': {
        const user = this.user(event.username);
        if (!user || (user.salons.get(event.salonId) ?? Infinity) >= event.seq) return;
        user.salons.set(event.salonId, event.seq);
        this.toPeers(user.peers, {event: 'read', salon: event.salonId, seq: event.seq});
        return;
      }
      case 'kick': {
        const user = this.user(event.username);
        if (!user) return;
        user.kickedUntil = event.until;
        for (const peer of [...user.peers]) peer.close({event: 'kicked', minutes: event.minutes, until: event.until});
        this.notify({kind: 'kicked', username: user.username, minutes: event.minutes});
        return;
      }
      case 'ban':
        return this.removeUser(event.username);
    }
  }

  private applyMembership(event: Extract<HubEvent, {kind: 'membership'}>): void {
    const user = this.user(event.username);
    const salon = this.salons.get(event.salonId);
    if (!user || !salon) return;
    if (event.state === 'member') {
      user.pending.delete(salon.id);
      this.linkMember(user, salon.id, user.salons.get(salon.id) ?? 0);
    } else if (event.state === 'none') {
      user.pending.delete(salon.id);
      this.unlinkMember(user, salon);
    }
    const frame = encodeFrame(this.membershipEvent(user, salon, event.state, event.reason));
    const told = new Set<Peer>([...user.peers, ...(event.state === 'member' ? salon.online : [])]);
    for (const peer of told) peer.write(frame);
    if (event.reason === 'joined') this.notify({kind: 'joined', username: user.username, salonId: salon.id, salonName: salon.name});
    if (event.reason === 'accepted') this.notify({kind: 'accepted', username: user.username, salonId: salon.id, salonName: salon.name});
    if (event.reason === 'rejected') this.notify({kind: 'rejected', username: user.username, salonId: salon.id, salonName: salon.name});
  }

  private removeUser(username: string): void {
    const user = this.user(username);
    if (!user) return;
    for (const peer of [...user.peers]) peer.close({event: 'banned'});
    for (const salonId of [...user.salons.keys()]) {
      const salon = this.salons.get(salonId);
      if (!salon) continue;
      this.unlinkMember(user, salon);
      this.toPeers(salon.online, this.membershipEvent(user, salon, 'none', 'banned'));
    }
    for (const salonId of user.pending.keys()) {
      this.toPeers(this.moderatorPeers, {event: 'join_request_closed', username: user.username, salon: salonId, outcome: 'withdrawn'});
    }
    this.users.delete(userKey(username));
    for (const key of aliasKeys(user.alias)) {
      const left = (this.aliases.get(key) ?? 1) - 1;
      if (left > 0) this.aliases.set(key, left);
      else this.aliases.delete(key);
    }
    this.notify({kind: 'banned', username: user.username});
  }

  // ---- helpers ------------------------------------------------------------------------

  private addSalon(record: SalonRecord): void {
    const salon: SalonState = {...record, members: new Set(), online: new Set()};
    this.salons.set(salon.id, salon);
    this.salonsByName.set(salonKey(salon.name), salon);
  }

  private addUser(record: Omit<UserRecord, 'passwordHash'>): UserState {
    const existing = this.user(record.username);
    if (existing) return existing;
    const user: UserState = {id: record.id, username: record.username, alias: record.alias, role: record.role, kickedUntil: record.kickedUntil, peers: new Set(), remote: new Set(), salons: new Map(), pending: new Map()};
    this.users.set(userKey(user.username), user);
    for (const key of aliasKeys(user.alias)) this.aliases.set(key, (this.aliases.get(key) ?? 0) + 1);
    return user;
  }

  private linkMember(user: UserState | undefined, salonId: number, readSeq: number): void {
    const salon = this.salons.get(salonId);
    if (!user || !salon) return;
    user.salons.set(salonId, readSeq);
    salon.members.add(user);
    for (const peer of user.peers) salon.online.add(peer);
  }

  private unlinkMember(user: UserState, salon: SalonState): void {
    user.salons.delete(salon.id);
    salon.members.delete(user);
    for (const peer of user.peers) salon.online.delete(peer);
  }

  private membershipEvent(user: UserState, salon: SalonState, state: 'member' | 'pending' | 'none', reason: Extract<Event, {event: 'membership'}>['reason']): Event {
    return {event: 'membership', salon: salon.id, salonName: salon.name, username: user.username, alias: user.alias, state, reason};
  }

  private requestInfo(user: UserState, salonId: number, ts: number): JoinRequestInfo {
    return {username: user.username, alias: user.alias, salon: salonId, salonName: this.salons.get(salonId)?.name ?? String(salonId), ts};
  }

  private toPeers(peers: Iterable<Peer>, event: Event): void {
    const bytes = encodeFrame(event);
    for (const peer of peers) peer.write(bytes);
  }
}
