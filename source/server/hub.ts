/**
 * Live state of the chat, in memory: who exists, who is a member of which salon, who is
 * waiting for a moderator and which connections are online. The database is the record and
 * is read once at start; after that every change arrives as a HubEvent through the bus and
 * is applied here, then fanned out. The per-message path reads nothing from the database,
 * except to fill a gap in a salon's sequence (delivery.ts).
 */
import {encodeFrame} from '../protocol/codec.js';
import {foldName} from '../protocol/names.js';
import type {Event, JoinRequestInfo, MemberInfo, SalonInfo, SalonRef} from '../protocol/frames.js';
import type {SalonRecord, Store, UserRecord} from '../store/types.js';
import type {Bus, HubEvent} from './bus.js';
import {Delivery} from './delivery.js';
import type {Notify} from './notices.js';
import type {Peer} from './peer.js';

export interface UserState {
  id: number;
  username: string;
  alias: string;
  role: 'user' | 'moderator';
  peers: Set<Peer>;
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
/**
 * Two aliases are the same when they differ only in case, accents or compatibility forms
 * ("Hélène", "HELENE"). The check lives here, not in a collation, so that SQLite and MySQL
 * refuse the same aliases; the databases' unique keys remain a backstop.
 */
export const aliasKey = (alias: string) => salonKey(alias.normalize('NFKC'));

export class Hub {
  private readonly users = new Map<string, UserState>();
  private readonly aliases = new Set<string>();
  private readonly salons = new Map<number, SalonState>();
  private readonly salonsByName = new Map<string, SalonState>();
  private readonly moderatorPeers = new Set<Peer>();
  private readonly allPeers = new Set<Peer>();
  private readonly watchers = new Map<number, Set<Peer>>();
  private readonly watching = new Map<Peer, number>();

  private readonly delivery: Delivery;

  private constructor(store: Store, private readonly bus: Bus, private readonly notify: Notify) {
    this.delivery = new Delivery(store, (id) => this.salons.get(id));
    bus.subscribe((event) => this.apply(event));
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

  // ---- reading ------------------------------------------------------------------------

  user(username: string): UserState | undefined {
    return this.users.get(userKey(username));
  }

  aliasTaken(alias: string): boolean {
    return this.aliases.has(aliasKey(alias));
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

  membersOf(salon: SalonState): MemberInfo[] {
    return [...salon.members]
      .map((u) => ({username: u.username, alias: u.alias, online: u.peers.size > 0}))
      .sort((a, b) => a.alias.localeCompare(b.alias));
  }

  pendingRequests(): JoinRequestInfo[] {
    const list: JoinRequestInfo[] = [];
    for (const u of this.users.values()) {
      for (const [salonId, ts] of u.pending) list.push(this.requestInfo(u, salonId, ts));
    }
    return list.sort((a, b) => a.ts - b.ts);
  }

  onlineUsers(): UserState[] {
    return [...this.users.values()].filter((u) => u.peers.size > 0);
  }

  // ---- connections --------------------------------------------------------------------

  /** Returns true when this is the user's first live connection (the user came online). */
  attach(peer: Peer, user: UserState): boolean {
    const first = user.peers.size === 0;
    user.peers.add(peer);
    this.allPeers.add(peer);
    if (user.role === 'moderator') this.moderatorPeers.add(peer);
    for (const salonId of user.salons.keys()) this.salons.get(salonId)?.online.add(peer);
    if (first) this.presence(user, true);
    return first;
  }

  /** Returns true when that was the user's last live connection (the user went offline). */
  detach(peer: Peer, user: UserState): boolean {
    if (!user.peers.delete(peer)) return false;
    this.allPeers.delete(peer);
    this.moderatorPeers.delete(peer);
    this.watch(peer, null);
    for (const salonId of user.salons.keys()) this.salons.get(salonId)?.online.delete(peer);
    const last = user.peers.size === 0;
    if (last) this.presence(user, false);
    return last;
  }

  /**
   * The salon whose member list a connection shows: it is told who comes and goes among
   * that salon's members. Presence goes to watchers only, not to everyone: with N users
   * online, telling everyone would cost N writes per login, N² for a reconnection storm.
   */
  watch(peer: Peer, salonId: number | null): void {
    const before = this.watching.get(peer);
    if (before !== undefined) this.watchers.get(before)?.delete(peer);
    if (salonId === null) return void this.watching.delete(peer);
    this.watching.set(peer, salonId);
    const set = this.watchers.get(salonId) ?? new Set<Peer>();
    set.add(peer);
    this.watchers.set(salonId, set);
  }

  private presence(user: UserState, online: boolean): void {
    const bytes = encodeFrame({event: 'presence', username: user.username, alias: user.alias, online});
    const told = new Set<Peer>();
    for (const salonId of user.salons.keys()) {
      for (const peer of this.watchers.get(salonId) ?? []) {
        if (told.has(peer)) continue;
        told.add(peer);
        peer.write(bytes);
      }
    }
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
    this.aliases.delete(aliasKey(user.alias));
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
    const user: UserState = {id: record.id, username: record.username, alias: record.alias, role: record.role, peers: new Set(), salons: new Map(), pending: new Map()};
    this.users.set(userKey(user.username), user);
    this.aliases.add(aliasKey(user.alias));
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
