/**
 * Making the hub's memory agree with the database again after changes may have been missed
 * (the bus was down, or another node changed something this one never heard of). Every
 * difference is applied as the event that would have brought it, so that connected users
 * see it live, as if nothing had been lost.
 */
import type {BlockRecord, JoinRequestRecord, MembershipRecord, SalonRecord, Store, UserRecord} from '../store/types.js';
import type {HubEvent} from './bus.js';
import type {SalonState, UserState} from './model.js';

/** What of the hub reconciling reads and changes. */
export interface HubView {
  readonly users: ReadonlyMap<string, UserState>;
  readonly salons: ReadonlyMap<number, Pick<SalonState, 'archived'>>;
  keyOf(username: string): string;
  user(username: string): UserState | undefined;
  addUser(record: Omit<UserRecord, 'passwordHash'>): UserState;
  apply(event: HubEvent): void;
  /** Delivers what the database holds and this node has not delivered. */
  catchUp(): Promise<void>;
}

/**
 * Re-reads conversations, accounts, memberships, read markers, join requests and blocks,
 * and applies every
 * difference as the event that would have brought it, so connected users see it live.
 * Run when the bus comes back after a cut, and when a login names an account this node
 * has not heard of. Calls within a second of the last one share its work.
 */
export class Reconciler {
  private running: Promise<void> | undefined;
  private last = 0;

  constructor(
    private readonly store: Pick<Store, 'listSalons' | 'listUsers' | 'listMemberships' | 'listJoinRequests' | 'listBlocks'>,
    private readonly hub: HubView,
  ) {}

  resync(): Promise<void> {
    if (this.running) return this.running;
    if (Date.now() - this.last < 1000) return Promise.resolve();
    this.running = this.reconcile().finally(() => {
      this.running = undefined;
      this.last = Date.now();
    });
    return this.running;
  }

  private async reconcile(): Promise<void> {
    // Only what was here before the read can be judged gone by it: a change that arrives
    // on the bus while the database is read is newer than the read.
    const before = knownBefore(this.hub.users);
    const [salons, users, memberships, requests, blocks] = await Promise.all([
      this.store.listSalons(),
      this.store.listUsers(),
      this.store.listMemberships(),
      this.store.listJoinRequests(),
      this.store.listBlocks(),
    ]);
    applyDifferences(this.hub, before, {salons, users, memberships, requests, blocks});
    await this.hub.catchUp();
  }
}

export interface DatabaseRows {
  salons: readonly SalonRecord[];
  users: readonly UserRecord[];
  memberships: readonly MembershipRecord[];
  requests: readonly JoinRequestRecord[];
  blocks: readonly BlockRecord[];
}

/**
 * Users, memberships and join requests held in memory, taken before the database is read:
 * only these can be judged gone by the read (what arrives meanwhile is newer than it).
 */
export function knownBefore(users: ReadonlyMap<string, UserState>): Set<string> {
  const before = new Set<string>();
  for (const [key, user] of users) {
    before.add(key);
    for (const salonId of user.salons.keys()) before.add(`${key} member ${salonId}`);
    for (const salonId of user.pending.keys()) before.add(`${key} pending ${salonId}`);
    for (const id of user.blocked) before.add(`${key} block ${id}`);
  }
  return before;
}

export function applyDifferences(hub: HubView, before: ReadonlySet<string>, {salons, users, memberships, requests, blocks}: DatabaseRows): void {
  const known = new Set(users.map((u) => hub.keyOf(u.username)));
  for (const [key, user] of [...hub.users]) if (before.has(key) && !known.has(key)) hub.apply({kind: 'ban', username: user.username});
  for (const {passwordHash: _, ...record} of users) if (!hub.user(record.username)) hub.addUser(record);

  // Conversations first, so that their memberships below find them. A direct message or
  // group comes with its participants, who hear of it as they would have live.
  const participants = new Map<number, string[]>();
  for (const m of memberships) participants.set(m.salonId, [...(participants.get(m.salonId) ?? []), m.username]);
  for (const record of salons) {
    const salon = hub.salons.get(record.id);
    if (record.kind !== 'salon') {
      if (!salon) hub.apply({kind: 'conversation', record, usernames: participants.get(record.id) ?? []});
    } else if (!salon || salon.archived !== record.archived) hub.apply({kind: 'salon', record});
  }

  const now = Date.now();
  for (const record of users) {
    const user = hub.user(record.username);
    // A kick this node missed: its connections go, and its logins are refused from now on.
    if (user && record.kickedUntil !== null && record.kickedUntil > now && (user.peers.size > 0 || user.kickedUntil !== record.kickedUntil)) {
      const minutes = Math.ceil((record.kickedUntil - now) / 60_000);
      hub.apply({kind: 'kick', username: user.username, until: record.kickedUntil, minutes, reason: record.kickReason ?? null});
    }
    // A kick ended early on another node while this one was not listening.
    if (user && record.kickedUntil === null && user.kickedUntil !== null && user.kickedUntil > now) hub.apply({kind: 'unblock', username: user.username});
    // A directory change this node missed (disabled by the sync, a new alias or role).
    if (user && record.directoryId && (user.disabled !== (record.disabled ?? false) || user.alias !== record.alias || user.role !== record.role || (record.disabled && user.peers.size > 0))) {
      hub.apply({kind: 'account', username: user.username, alias: record.alias, role: record.role, disabled: record.disabled ?? false});
    }
  }

  const member = new Map<UserState, Map<number, number>>();
  const readN = new Map<string, number>();
  for (const m of memberships) {
    const user = hub.user(m.username);
    if (user) member.set(user, (member.get(user) ?? new Map()).set(m.salonId, m.lastReadSeq));
    readN.set(`${m.username} ${m.salonId}`, m.readN);
  }
  const pending = new Map<UserState, Map<number, number>>();
  for (const r of requests) {
    const user = hub.user(r.username);
    if (user) pending.set(user, (pending.get(user) ?? new Map()).set(r.salonId, r.ts));
  }
  for (const [key, user] of hub.users) {
    const salons = member.get(user) ?? new Map<number, number>();
    const asked = pending.get(user) ?? new Map<number, number>();
    const wasPending = new Set(user.pending.keys());
    for (const salonId of wasPending) {
      if (!asked.has(salonId) && before.has(`${key} pending ${salonId}`)) {
        hub.apply({kind: 'request_closed', username: user.username, salonId, outcome: salons.has(salonId) ? 'accepted' : 'rejected'});
      }
    }
    for (const [salonId, ts] of asked) if (!user.pending.has(salonId) && !user.salons.has(salonId)) hub.apply({kind: 'join_request', username: user.username, salonId, ts});
    for (const [salonId, readSeq] of salons) {
      if (!user.salons.has(salonId)) {
        hub.apply({kind: 'membership', username: user.username, salonId, state: 'member', reason: wasPending.has(salonId) ? 'accepted' : 'joined'});
      }
      hub.apply({kind: 'read', username: user.username, salonId, seq: readSeq, n: readN.get(`${user.username} ${salonId}`) ?? 0});
    }
    for (const salonId of [...user.salons.keys()]) {
      if (!salons.has(salonId) && before.has(`${key} member ${salonId}`)) {
        hub.apply({kind: 'membership', username: user.username, salonId, state: 'none', reason: 'left'});
      }
    }
  }

  const byId = new Map([...hub.users.values()].map((u) => [u.id, u]));
  const blocked = new Map<UserState, Set<number>>();
  for (const b of blocks) {
    const blocker = byId.get(b.blockerId);
    if (blocker) blocked.set(blocker, (blocked.get(blocker) ?? new Set()).add(b.blockedId));
  }
  for (const [key, user] of hub.users) {
    const now = blocked.get(user) ?? new Set<number>();
    for (const id of now) if (!user.blocked.has(id)) hub.apply({kind: 'block', username: user.username, blockedId: id, blocked: true});
    for (const id of [...user.blocked]) if (!now.has(id) && before.has(`${key} block ${id}`)) hub.apply({kind: 'block', username: user.username, blockedId: id, blocked: false});
  }
}
