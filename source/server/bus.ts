/**
 * The seam between one node's hub and the others. A hub publishes every change that other
 * nodes must see and applies what it receives, its own changes included, so a change takes
 * the same path whether it started here or elsewhere. LocalBus is the single-node bus: it
 * hands events straight back, synchronously, which keeps their order.
 */
import type {MembershipReason, MembershipState} from '../protocol/frames.js';
import type {StoredMessage, UserRecord} from '../store/types.js';

export type HubEvent =
  | {kind: 'messages'; messages: StoredMessage[]}
  | {kind: 'user_added'; user: Omit<UserRecord, 'passwordHash'>}
  | {kind: 'membership'; username: string; salonId: number; state: MembershipState; reason: MembershipReason}
  | {kind: 'join_request'; username: string; salonId: number; ts: number}
  | {kind: 'request_closed'; username: string; salonId: number; outcome: 'accepted' | 'rejected' | 'withdrawn'}
  | {kind: 'read'; username: string; salonId: number; seq: number}
  | {kind: 'kick'; username: string; until: number; minutes: number}
  | {kind: 'ban'; username: string};

export interface Bus {
  publish(event: HubEvent): void;
  subscribe(handler: (event: HubEvent) => void): void;
  close(): Promise<void>;
}

export class LocalBus implements Bus {
  private handler: ((event: HubEvent) => void) | undefined;

  publish(event: HubEvent): void {
    this.handler?.(event);
  }

  subscribe(handler: (event: HubEvent) => void): void {
    this.handler = handler;
  }

  async close(): Promise<void> {}
}
