/**
 * How the hub (hub.ts) applies a change that arrives through the bus, as every node applies
 * every change: the live model updated, the connections concerned told with their own view
 * of it, the console notified.
 */
import {encodeFrame} from '../protocol/codec.js';
import type {Event, SalonInfo} from '../protocol/frames.js';
import type {SalonRecord} from '../store/types.js';
import type {BlockTimers} from './block-timers.js';
import type {HubEvent} from './bus.js';
import type {Delivery} from './delivery.js';
import type {LiveModel, SalonState, UserState} from './model.js';
import type {Notify} from './notices.js';
import type {Peer} from './peer.js';

/** What of the hub its changes touch. */
export interface HubParts {
  readonly model: LiveModel;
  readonly delivery: Delivery;
  readonly blockTimers: BlockTimers;
  notify: Notify;
  salonInfo(user: UserState, salon: SalonState): SalonInfo;
}

export class HubChanges {
  constructor(private readonly hub: HubParts) {}

  apply(event: HubEvent): void {
    switch (event.kind) {
      case 'messages':
        return this.hub.delivery.deliver(event.messages);
      case 'user_added': {
        const user = this.hub.model.addUser(event.user);
        const first = this.hub.model.firstSalon;
        if (event.salonIds) for (const id of event.salonIds) this.hub.model.linkMember(user, id, 0);
        else if (first) this.hub.model.linkMember(user, first.id, 0);
        return;
      }
      case 'membership':
        return this.applyMembership(event);
      case 'join_request': {
        const user = this.hub.model.user(event.username);
        const salon = this.hub.model.salons.get(event.salonId);
        if (!user || !salon) return;
        user.pending.set(salon.id, event.ts);
        toPeers(this.hub.model.moderatorPeers, {event: 'join_request', ...this.hub.model.requestInfo(user, salon.id, event.ts)});
        toPeers(user.peers, membershipEvent(user, salon, 'pending', 'requested'));
        this.hub.notify({kind: 'join_request', username: user.username, salonName: salon.name});
        return;
      }
      case 'request_closed': {
        const user = this.hub.model.user(event.username);
        user?.pending.delete(event.salonId);
        toPeers(this.hub.model.moderatorPeers, {event: 'join_request_closed', username: event.username, salon: event.salonId, outcome: event.outcome});
        return;
      }
      case 'read': {
        const user = this.hub.model.user(event.username);
        if (!user || (user.salons.get(event.salonId) ?? Infinity) >= event.seq) return;
        user.salons.set(event.salonId, event.seq);
        user.readN.set(event.salonId, event.n);
        toPeers(user.peers, {event: 'read', salon: event.salonId, seq: event.seq, n: event.n});
        return;
      }
      case 'kick': {
        const user = this.hub.model.user(event.username);
        if (!user) return;
        user.kickedUntil = event.until;
        user.kickReason = event.reason ?? null;
        const reason = event.reason ? {reason: event.reason} : {};
        for (const peer of [...user.peers]) peer.close({event: 'kicked', minutes: event.minutes, until: event.until, ...reason});
        this.hub.notify({kind: 'kicked', username: user.username, minutes: event.minutes, until: event.until, ...reason});
        this.hub.blockTimers.schedule(user);
        return;
      }
      case 'unblock': {
        const user = this.hub.model.user(event.username);
        if (!user || user.kickedUntil === null) return;
        user.kickedUntil = null;
        user.kickReason = null;
        this.hub.blockTimers.cancel(user);
        this.hub.notify({kind: 'block_ended', username: user.username, early: true});
        return;
      }
      case 'ban':
        return this.removeUser(event.username, event.reason ?? null);
      case 'account': {
        const user = this.hub.model.user(event.username);
        if (!user) return;
        const was = user.disabled;
        this.hub.model.updateUser(user, event);
        // As a kick does, on every node: the store deleted the sessions, this ends the connections.
        if (event.disabled) for (const peer of [...user.peers]) peer.close({event: 'disabled'});
        if (event.disabled && !was) this.hub.notify({kind: 'directory_disabled', username: user.username});
        return;
      }
      case 'conversation':
        return this.openConversation(event.record, event.usernames);
      case 'salon': {
        const known = this.hub.model.salons.get(event.record.id);
        if (known && known.archived === event.record.archived) return;
        const salon = this.hub.model.addSalon(event.record);
        if (!known) this.hub.delivery.startAt(salon.id, event.record.seq, event.record.lastTs ?? 0, event.record.msgs ?? event.record.seq);
        for (const [user, peer] of this.hub.model.allPeers()) {
          const info = this.hub.salonInfo(user, salon);
          peer.write(encodeFrame({event: 'salon', salon: salon.archived ? {...info, archived: true} : info}));
        }
        if (salon.archived) this.hub.notify({kind: 'salon_archived', salonName: salon.name});
        else this.hub.notify({kind: 'salon_created', salonName: salon.name, moderated: salon.moderated});
        return;
      }
      case 'typing': {
        const salon = this.hub.model.salons.get(event.salonId);
        if (!salon) return;
        const frame = encodeFrame({event: 'typing', salon: salon.id, username: event.username, alias: event.alias, active: event.active});
        for (const member of salon.members) if (member.username !== event.username) for (const peer of member.peers) peer.write(frame);
        return;
      }
      case 'block': {
        const user = this.hub.model.user(event.username);
        if (event.blocked) user?.blocked.add(event.blockedId);
        else user?.blocked.delete(event.blockedId);
        return;
      }
    }
  }

  /** Participants' connections hear of it with their own view of it; it is not news to a connection twice. */
  private openConversation(record: SalonRecord, usernames: readonly string[]): void {
    const known = this.hub.model.salons.has(record.id);
    const salon = this.hub.model.addSalon(record);
    // A node that did not know it delivered none of it: its history is read on opening.
    if (!known) this.hub.delivery.startAt(salon.id, record.seq, record.lastTs ?? 0, record.msgs ?? record.seq);
    const joined: UserState[] = [];
    for (const username of usernames) {
      const user = this.hub.model.user(username);
      if (!user || user.salons.has(salon.id)) continue;
      this.hub.model.linkMember(user, salon.id, 0);
      joined.push(user);
    }
    // Once everyone is in: each view names the others.
    for (const user of joined) toPeers(user.peers, {event: 'conversation', conversation: this.hub.salonInfo(user, salon)});
  }

  private applyMembership(event: Extract<HubEvent, {kind: 'membership'}>): void {
    const user = this.hub.model.user(event.username);
    const salon = this.hub.model.salons.get(event.salonId);
    if (!user || !salon) return;
    if (event.state === 'member') {
      user.pending.delete(salon.id);
      this.hub.model.linkMember(user, salon.id, user.salons.get(salon.id) ?? 0);
    } else if (event.state === 'none') {
      user.pending.delete(salon.id);
      this.hub.model.unlinkMember(user, salon);
    }
    const frame = encodeFrame(membershipEvent(user, salon, event.state, event.reason));
    const told = new Set<Peer>([...user.peers, ...(event.state === 'member' ? salon.online : [])]);
    for (const peer of told) peer.write(frame);
    if (event.reason === 'joined') this.hub.notify({kind: 'joined', username: user.username, salonId: salon.id, salonName: salon.name});
    if (event.reason === 'accepted') this.hub.notify({kind: 'accepted', username: user.username, salonId: salon.id, salonName: salon.name});
    if (event.reason === 'rejected') this.hub.notify({kind: 'rejected', username: user.username, salonId: salon.id, salonName: salon.name});
  }

  private removeUser(username: string, reason: string | null): void {
    const user = this.hub.model.user(username);
    if (!user) return;
    this.hub.blockTimers.cancel(user);
    for (const peer of [...user.peers]) peer.close(reason ? {event: 'banned', reason} : {event: 'banned'});
    for (const salonId of [...user.salons.keys()]) {
      const salon = this.hub.model.salons.get(salonId);
      if (!salon) continue;
      this.hub.model.unlinkMember(user, salon);
      toPeers(salon.online, membershipEvent(user, salon, 'none', 'banned'));
    }
    for (const salonId of user.pending.keys()) {
      toPeers(this.hub.model.moderatorPeers, {event: 'join_request_closed', username: user.username, salon: salonId, outcome: 'withdrawn'});
    }
    this.hub.model.forgetUser(user);
    this.hub.notify({kind: 'banned', username: user.username});
  }
}

function membershipEvent(user: UserState, salon: SalonState, state: 'member' | 'pending' | 'none', reason: Extract<Event, {event: 'membership'}>['reason']): Event {
  return {event: 'membership', salon: salon.id, salonName: salon.name, username: user.username, alias: user.alias, state, reason};
}

function toPeers(peers: Iterable<Peer>, event: Event): void {
  const bytes = encodeFrame(event);
  for (const peer of peers) peer.write(bytes);
}
