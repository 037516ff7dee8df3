/**
 * The seam between one node's hub and the others. A hub publishes every change that other
 * nodes must see; the bus applies it here at once, synchronously (so a node's own changes
 * keep their order and never wait for the network), and carries it to the other nodes,
 * where it takes the same path. LocalBus is the single-node bus; RedisBus (redis-bus.ts)
 * joins several nodes over Redis pub/sub.
 *
 * The bus is the fast path, never the record: an event it loses is made good from the
 * database (cluster.ts), so nothing that is only on the bus may be needed to be correct.
 */
import type {MembershipReason, MembershipState, Role} from '../protocol/frames.js';
import type {SalonRecord, StoredMessage, UserRecord} from '../store/types.js';

export type HubEvent =
  | {kind: 'messages'; messages: StoredMessage[]}
  /** A new account; a bot comes with its salons (others join the first salon, Général). */
  | {kind: 'user_added'; user: Omit<UserRecord, 'passwordHash'>; salonIds?: number[]}
  | {kind: 'membership'; username: string; salonId: number; state: MembershipState; reason: MembershipReason}
  | {kind: 'join_request'; username: string; salonId: number; ts: number}
  | {kind: 'request_closed'; username: string; salonId: number; outcome: 'accepted' | 'rejected' | 'withdrawn'}
  /** `n`: the messages counted up to the marker's row, for unread counts. */
  | {kind: 'read'; username: string; salonId: number; seq: number; n: number}
  | {kind: 'kick'; username: string; until: number; minutes: number; reason?: string | null}
  /** A kick ended early by a moderator. */
  | {kind: 'unblock'; username: string}
  /** The account is gone from the live model: banned, or a bot revoked. */
  | {kind: 'ban'; username: string; reason?: string | null}
  /** What the company directory says of an account now (directory-login.ts, directory-sync.ts). */
  | {kind: 'account'; username: string; alias: string; role: Role; disabled: boolean}
  /** A direct message or group opened (or found by a node that did not know it). */
  | {kind: 'conversation'; record: SalonRecord; usernames: string[]}
  | {kind: 'block'; username: string; blockedId: number; blocked: boolean}
  /** A salon created, or its archived flag changed. */
  | {kind: 'salon'; record: SalonRecord}
  /** Someone typing, or no longer: relayed to the conversation's members, never stored. */
  | {kind: 'typing'; username: string; alias: string; salonId: number; active: boolean};

/**
 * What nodes tell each other about themselves, never applied to the hub as a change:
 * liveness, and which users have a connection on which node (presence).
 */
export type NodeEvent =
  /** "I am alive"; `version` counts the node's presence changes, to notice lost ones. */
  | {kind: 'heartbeat'; node: string; version: number}
  | {kind: 'presence'; username: string; online: boolean; version: number}
  /** Every user with a connection on the sending node, replacing what was known. */
  | {kind: 'roster'; usernames: string[]; version: number}
  /** Asks `node` (or every node, when absent) to publish its roster. */
  | {kind: 'roster_request'; node?: string}
  /** A graceful stop: the node's users are offline now, not after the liveness timeout. */
  | {kind: 'leaving'}
  /** Asks every node for its signed-in connections (the operator's dashboard; sessions.ts). */
  | {kind: 'sessions_request'}
  /** The sending node's signed-in connections, at most MAX_SESSIONS_PER_NODE of `total`. */
  | {kind: 'sessions'; sessions: WireSession[]; total: number}
  /** Asks node `node` (a bus instance) to end one of its connections, signed out. */
  | {kind: 'disconnect'; node: string; connectionId: number};

/** One signed-in connection as nodes describe them to each other. */
export interface WireSession {
  connectionId: number;
  username: string;
  address: string;
  /** When it signed in (ms). */
  since: number;
}

export type BusEvent = HubEvent | NodeEvent;

/** `origin` is the instance that published the event (Bus.instance for our own). */
export type BusHandler = (event: BusEvent, origin: string) => void;

export interface Bus {
  /** Unique to this process, even when two nodes are given the same name. */
  readonly instance: string;
  /** True when other nodes may exist: the server then leaves shared state alone. */
  readonly shared: boolean;
  /** Applies the event here (HubEvents only) and sends it to the other nodes. */
  publish(event: BusEvent): void;
  /** Sends the event to the other nodes only: the caller has applied it here itself. */
  share(event: HubEvent): void;
  subscribe(handler: BusHandler): void;
  /** Called when the link to the other nodes comes back after a cut (events were lost). */
  onReconnect(handler: () => void): void;
  close(): Promise<void>;
}

export const isNodeEvent = (event: BusEvent): event is NodeEvent =>
  ['heartbeat', 'presence', 'roster', 'roster_request', 'leaving', 'sessions_request', 'sessions', 'disconnect'].includes(event.kind);

export class LocalBus implements Bus {
  readonly instance = 'local';
  readonly shared = false;
  private handler: BusHandler | undefined;

  publish(event: BusEvent): void {
    if (!isNodeEvent(event)) this.handler?.(event, this.instance);
  }

  share(): void {}

  subscribe(handler: BusHandler): void {
    this.handler = handler;
  }

  onReconnect(): void {}

  async close(): Promise<void> {}
}
