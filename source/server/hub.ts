/**
 * The server's live state in motion: it loads the model (model.ts) from the database once,
 * then applies every change that arrives through the bus and tells the connections
 * concerned. Applying changes (hub-changes.ts), delivery of messages (delivery.ts), presence
 * rounds (presence.ts), other nodes' presence (remote-presence.ts) and making good what the
 * bus lost (reconcile.ts) are its parts; the per-message path reads nothing from the database, except to fill a gap
 * in a salon's sequence.
 */
import type {JoinRequestInfo, MemberInfo, SalonInfo, SalonRef} from '../protocol/frames.js';
import type {Store, StoredMessage} from '../store/types.js';
import {type Bus, type HubEvent, type NodeEvent, isNodeEvent} from './bus.js';
import {BlockTimers} from './block-timers.js';
import {Delivery} from './delivery.js';
import {HubChanges} from './hub-changes.js';
import {LiveModel, type SalonState, type UserState, salonKey, userKey} from './model.js';
import type {Notify} from './notices.js';
import type {Peer} from './peer.js';
import {PresenceRounds} from './presence.js';
import {Reconciler} from './reconcile.js';
import {RemotePresence} from './remote-presence.js';

export type {SalonState, UserState};
export {salonKey, userKey};

/** Who hears of what the hub cannot handle itself; given when the hub is built. */
export interface HubListeners {
  /** Node events (liveness, presence elsewhere), for the cluster when there is one. */
  nodeEvent?(event: NodeEvent, origin: string): void;
  /** A user's first connection on this node opened, or the last one closed. */
  localPresence?(user: UserState, online: boolean): void;
  /** A user came online or went offline, counting every node. */
  presence?(user: UserState, online: boolean): void;
  /** A message delivered here, once each, in order (every node delivers every message). */
  message?(salonId: number, ts: number): void;
}

export class Hub {
  private readonly model = new LiveModel();
  private readonly delivery: Delivery;
  private readonly rounds = new PresenceRounds<UserState>();
  private readonly reconciler: Reconciler;
  /** Other nodes' connections, as the cluster hears of them. */
  readonly remote: RemotePresence;
  private readonly blockTimers: BlockTimers;
  private readonly changes: HubChanges;

  private constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly notify: Notify,
    private readonly listeners: HubListeners,
    clock: () => number,
  ) {
    this.delivery = new Delivery(store, (id) => this.model.salons.get(id), listeners.message);
    this.blockTimers = new BlockTimers(clock, (user) => this.notify({kind: 'block_ended', username: user.username, early: false}));
    this.changes = new HubChanges({model: this.model, delivery: this.delivery, blockTimers: this.blockTimers, notify, salonInfo: (user, salon) => this.salonInfo(user, salon)});
    this.remote = new RemotePresence(this.model, (user, online) => this.presence(user, online));
    this.reconciler = new Reconciler(store, {
      users: this.model.users,
      salons: this.model.salons,
      keyOf: userKey,
      user: (username) => this.model.user(username),
      addUser: (record) => this.model.addUser(record),
      apply: (event) => this.changes.apply(event),
      catchUp: () => this.catchUp(),
    });
    bus.subscribe((event, origin) => (isNodeEvent(event) ? this.listeners.nodeEvent?.(event, origin) : this.changes.apply(event)));
  }

  static async load(store: Store, bus: Bus, notify: Notify, listeners: HubListeners = {}, clock: () => number = Date.now): Promise<Hub> {
    const hub = new Hub(store, bus, notify, listeners, clock);
    const [salons, users, memberships, requests, blocks] = await Promise.all([
      store.listSalons(),
      store.listUsers(),
      store.listMemberships(),
      store.listJoinRequests(),
      store.listBlocks(),
    ]);
    for (const salon of salons) {
      hub.model.addSalon(salon);
      hub.delivery.startAt(salon.id, salon.seq, salon.lastTs, salon.msgs);
    }
    for (const user of users) hub.blockTimers.schedule(hub.model.addUser(user));
    for (const m of memberships) hub.model.linkMember(hub.model.user(m.username), m.salonId, m.lastReadSeq, m.readN);
    for (const r of requests) hub.model.user(r.username)?.pending.set(r.salonId, r.ts);
    const byId = new Map([...hub.model.users.values()].map((u) => [u.id, u]));
    for (const b of blocks) byId.get(b.blockerId)?.blocked.add(b.blockedId);
    return hub;
  }

  publish(event: HubEvent): void {
    this.bus.publish(event);
  }

  /**
   * Messages this node's writer stored: delivered here at once, shared with the other nodes
   * (where they take the bus's path), and resolved once written, after whatever was
   * delivered before them, to the connections of `requesters` (who sent or changed them):
   * those are served first, the rest of a large salon may follow in slices (delivery.ts).
   */
  delivered(messages: StoredMessage[], requesters: readonly string[] = []): Promise<void> {
    if (messages.length > 0) {
      this.delivery.deliver(
        messages,
        requesters.flatMap((username) => [...(this.model.user(username)?.peers ?? [])]),
      );
      this.bus.share({kind: 'messages', messages});
    }
    return new Promise((resolve) => this.delivery.whenWritten(resolve));
  }

  // ---- making good what the bus lost ---------------------------------------------------

  /**
   * Delivers what other nodes stored and this node never heard of: each salon whose stored
   * counter is ahead of what was delivered here is read from the database. Cheap (one query
   * over the salons), so the cluster runs it often, and every second while the bus is down.
   */
  async catchUp(): Promise<void> {
    let unknown = false;
    for (const record of await this.store.listSalons()) {
      const salon = this.model.salons.get(record.id);
      if (salon) this.delivery.catchUp(salon, record.seq);
      else unknown = true;
    }
    // A conversation made on another node while the bus was cut: reconciling brings it with
    // its participants and tells them, as the lost event would have. Not awaited: reconciling
    // ends with a catch-up of its own.
    if (unknown) void this.resync();
  }

  /** See Reconciler.resync. */
  resync(): Promise<void> {
    return this.reconciler.resync();
  }

  // ---- reading ------------------------------------------------------------------------

  user(username: string): UserState | undefined {
    return this.model.user(username);
  }

  /**
   * Like user(), but an account this node has not heard of is looked for in the database
   * when other nodes exist: it may have been created on one of them while the bus was cut.
   */
  async findUser(username: string): Promise<UserState | undefined> {
    const user = this.model.user(username);
    if (user || !this.bus.shared) return user;
    await this.resync();
    return this.model.user(username);
  }

  aliasTaken(alias: string): boolean {
    return this.model.aliasTaken(alias);
  }

  salon(ref: SalonRef): SalonState | undefined {
    return this.model.salon(ref);
  }

  get firstSalon(): SalonState | undefined {
    return this.model.firstSalon;
  }

  /** The salon's last seq delivered by this node. */
  lastSeq(salonId: number): number {
    return this.delivery.seq(salonId);
  }

  /** Messages counted up to the newest row delivered in the conversation. */
  lastN(salonId: number): number {
    return this.delivery.position(salonId).n;
  }

  salonsFor(user: UserState): SalonInfo[] {
    return this.model.salonsFor(user, this.stream);
  }

  private readonly stream = (id: number) => this.delivery.position(id);

  /** The conversation, if the user may know of it (see LiveModel.visibleTo). */
  visibleSalon(user: UserState, ref: SalonRef): SalonState | undefined {
    const salon = this.model.salon(ref);
    return salon && this.model.visibleTo(user, salon) ? salon : undefined;
  }

  /** A conversation by id, whoever asks (for the server's own use: webhooks). */
  conversation(id: number): SalonState | undefined {
    return this.model.salons.get(id);
  }

  /** A salon by name or number; direct messages and groups are not found this way. */
  namedSalon(ref: SalonRef): SalonState | undefined {
    const salon = this.model.salon(ref);
    return salon?.kind === 'salon' ? salon : undefined;
  }

  /**
   * An account by username, or by alias (case and accents ignored), as people type them;
   * like findUser, an account created on another node while the bus was cut is looked for.
   */
  async findPerson(name: string): Promise<UserState | undefined> {
    return this.model.user(name) ?? this.model.userByAlias(name) ?? (await this.findUser(name));
  }

  /** In a direct message, the other participant blocked the sender. */
  blockedIn(salon: SalonState, sender: UserState): boolean {
    if (salon.kind !== 'dm') return false;
    for (const member of salon.members) if (member !== sender && member.blocked.has(sender.id)) return true;
    return false;
  }

  salonInfo(user: UserState, salon: SalonState): SalonInfo {
    return this.model.salonInfo(user, salon, this.stream);
  }

  isOnline(user: UserState): boolean {
    return this.model.isOnline(user);
  }

  membersOf(salon: SalonState): MemberInfo[] {
    return this.model.membersOf(salon);
  }

  pendingRequests(): JoinRequestInfo[] {
    return this.model.pendingRequests();
  }

  /** Users whose kick has not ended at `now`. */
  kickedUsers(now: number): UserState[] {
    return this.model.kickedUsers(now);
  }

  /** Every salon (not direct messages or groups), archived ones included. */
  salons(): SalonState[] {
    return [...this.model.salons.values()].filter((s) => s.kind === 'salon');
  }

  /** Users with a connection on any node. */
  onlineUsers(): UserState[] {
    return this.model.onlineUsers();
  }

  /** Usernames with a connection on this node (what this node tells the others). */
  localRoster(): string[] {
    return this.model.localRoster();
  }

  // ---- connections --------------------------------------------------------------------

  /** Returns true when this is the user's first connection on this node. */
  attach(peer: Peer, user: UserState): boolean {
    const wasOnline = this.model.isOnline(user);
    const first = this.model.attachPeer(peer, user);
    if (first) this.listeners.localPresence?.(user, true);
    if (!wasOnline) this.presence(user, true);
    return first;
  }

  /** Returns true when that was the user's last connection on this node. */
  detach(peer: Peer, user: UserState): boolean {
    const last = this.model.detachPeer(peer, user);
    if (last === undefined) return false;
    this.watch(peer, null);
    if (last) this.listeners.localPresence?.(user, false);
    if (!this.model.isOnline(user)) this.presence(user, false);
    return last;
  }

  /** The salon whose member list a connection shows: it hears who comes and goes there. */
  watch(peer: Peer, salonId: number | null): void {
    this.rounds.watch(peer, salonId);
  }

  private presence(user: UserState, online: boolean): void {
    this.listeners.presence?.(user, online);
    this.rounds.changed(user, online);
  }
}
