/** salons, join, members, read: salon lists and memberships. */
import {ChatError} from '../../protocol/errors.js';
import type {RequestParams, SalonRef} from '../../protocol/frames.js';
import type {UserContext} from '../context.js';
import type {SalonState} from '../hub.js';

/**
 * A direct message or group the user is not part of gets the same answer as a salon that
 * does not exist, whoever asks (moderators too): nobody can probe which ones exist.
 */
export function requireSalon(ctx: UserContext, ref: SalonRef): SalonState {
  const salon = ctx.services.hub.visibleSalon(ctx.user, ref);
  if (!salon) throw new ChatError('UNKNOWN_SALON', `No salon ${JSON.stringify(ref)}.`);
  return salon;
}

/** Non-members (pending ones included) can neither read nor write a salon. */
export function requireMember(ctx: UserContext, ref: SalonRef): SalonState {
  const salon = requireSalon(ctx, ref);
  if (!ctx.user.salons.has(salon.id)) throw new ChatError('NOT_MEMBER', `You are not a member of ${salon.name}.`);
  return salon;
}

// {"id":7,"type":"salons"}
export function salons(ctx: UserContext) {
  return {salons: ctx.services.hub.salonsFor(ctx.user)};
}

// {"id":8,"type":"join","salon":"Blabla"}: open salons join at once, moderated ones queue a
// request for a moderator.
export async function join(ctx: UserContext, req: RequestParams<'join'>) {
  const {hub, store, clock} = ctx.services;
  const {user} = ctx;
  const salon = requireSalon(ctx, req.salon);
  if (user.salons.has(salon.id)) throw new ChatError('ALREADY_MEMBER');
  if (user.pending.has(salon.id)) throw new ChatError('ALREADY_PENDING');
  if (salon.moderated) {
    const ts = clock();
    await store.addJoinRequest(user.id, salon.id, ts);
    hub.publish({kind: 'join_request', username: user.username, salonId: salon.id, ts});
  } else {
    await store.addMembership(user.username, salon.id);
    hub.publish({kind: 'membership', username: user.username, salonId: salon.id, state: 'member', reason: 'joined'});
  }
  return {salon: hub.salonInfo(user, salon)};
}

// {"id":9,"type":"members","salon":1}: also subscribes this connection to the salon's
// presence changes (and unsubscribes it from the previous salon's).
export function members(ctx: UserContext, req: RequestParams<'members'>) {
  const salon = requireMember(ctx, req.salon);
  ctx.services.hub.watch(ctx.conn, salon.id);
  return {salon: salon.id, members: ctx.services.hub.membersOf(salon)};
}

// {"id":10,"type":"read","salon":1,"seq":42}: moves the read marker forward (never back);
// the user's other connections are told, so unread counts agree everywhere.
export async function read(ctx: UserContext, req: RequestParams<'read'>) {
  const salon = requireMember(ctx, req.salon);
  const {hub, store} = ctx.services;
  const seq = Math.min(req.seq, hub.lastSeq(salon.id));
  if (seq > (ctx.user.salons.get(salon.id) ?? 0)) {
    // Read up to the newest row, as clients mostly do: its n is known here.
    const [n] = await Promise.all([seq === hub.lastSeq(salon.id) ? hub.lastN(salon.id) : store.countAt(salon.id, seq), store.setReadMarker(ctx.user.username, salon.id, seq)]);
    hub.publish({kind: 'read', username: ctx.user.username, salonId: salon.id, seq, n});
  }
  return {salon: salon.id, seq: ctx.user.salons.get(salon.id) ?? 0, n: ctx.user.readN.get(salon.id) ?? 0};
}
