/** edit, delete, react, reactions and typing: messages that change, and who is typing. */
import {ChatError} from '../../protocol/errors.js';
import type {MessageInfo, RequestParams} from '../../protocol/frames.js';
import type {ChangeKind, ChangeOutcome} from '../../store/changes.js';
import type {UserContext} from '../context.js';
import {TokenBucket} from '../guards.js';
import type {SalonState} from '../model.js';
import {messageInfo} from '../views.js';
import {requireMember} from './salons.js';

/**
 * The checks a send has (member, not archived, not blocked, the send rate) and a place in
 * the writer's queue, taken at once: a connection's sends and changes keep their order.
 */
function submit(ctx: UserContext, salon: SalonState, kind: ChangeKind, target: number, text: string, clientMsgId: string | undefined): Promise<ChangeOutcome> {
  const {user, conn} = ctx;
  const {policy, clock, hub, writer} = ctx.services;
  if (salon.archived) throw new ChatError('ARCHIVED');
  if (hub.blockedIn(salon, user)) throw new ChatError('CANNOT_MESSAGE');
  // A change costs what a send costs: it shares the send's bucket.
  conn.bucket ??= new TokenBucket(policy.messagesPerSecond, policy.messageBurst, clock());
  conn.bucket.take(clock());
  return writer.submitChange({
    kind,
    clientId: user.id,
    username: user.username,
    alias: user.alias,
    salonId: salon.id,
    target,
    text,
    ts: clock(),
    clientMsgId,
    // Moderators keep salons clean; a direct message is its participants' own.
    moderator: user.role === 'moderator' && salon.kind === 'salon',
  });
}

function answer(outcome: ChangeOutcome): {change: MessageInfo | null} {
  if ('refused' in outcome) throw new ChatError(outcome.refused);
  return {change: 'stored' in outcome ? messageInfo(outcome.stored) : null};
}

// {"id":20,"type":"edit","salon":1,"seq":41,"text":"Bonjour à tous","clientMsgId":"c1-0009"}
export async function edit(ctx: UserContext, req: RequestParams<'edit'>) {
  const salon = requireMember(ctx, req.salon);
  return answer(await submit(ctx, salon, 'edit', req.seq, req.text, req.clientMsgId));
}

// {"id":21,"type":"delete","salon":1,"seq":41}
export async function remove(ctx: UserContext, req: RequestParams<'delete'>) {
  const salon = requireMember(ctx, req.salon);
  const outcome = await submit(ctx, salon, 'delete', req.seq, '', req.clientMsgId);
  if (ctx.user.role === 'moderator' && salon.kind === 'salon' && 'stored' in outcome && !outcome.stored.replayed) await auditDeletion(ctx, salon, req.seq);
  return answer(outcome);
}

/** A moderator deleting someone else's message is a moderation act: it goes in the audit log. */
async function auditDeletion(ctx: UserContext, salon: SalonState, seq: number): Promise<void> {
  const {store, moderation} = ctx.services;
  const target = (await store.findMessages(salon.id, [seq]).catch(() => new Map())).get(seq);
  if (target?.username === ctx.user.username) return;
  await moderation.record({username: ctx.user.username, via: 'client'}, 'delete_message', {targetUser: target?.username ?? undefined, targetSalon: salon.name, detail: {seq}});
}

// {"id":22,"type":"react","salon":1,"seq":41,"emoji":"👍"}; "on": false takes it back.
export async function react(ctx: UserContext, req: RequestParams<'react'>) {
  const salon = requireMember(ctx, req.salon);
  return answer(await submit(ctx, salon, req.on === false ? 'unreact' : 'react', req.seq, req.emoji, req.clientMsgId));
}

// {"id":23,"type":"reactions","salon":1,"seq":41}: who reacted with what.
export async function reactions(ctx: UserContext, req: RequestParams<'reactions'>) {
  const salon = requireMember(ctx, req.salon);
  return {salon: salon.id, seq: req.seq, reactions: await ctx.services.store.reactions(salon.id, req.seq)};
}

// {"id":24,"type":"typing","salon":1}: relayed to the conversation's other members, on
// every node, never stored. At most one per policy.typingIntervalMs per conversation is
// relayed (clients send one per 3 s while typing); the end of typing always is.
export function typing(ctx: UserContext, req: RequestParams<'typing'>) {
  const salon = requireMember(ctx, req.salon);
  const {user, conn} = ctx;
  const {clock, policy, hub} = ctx.services;
  const active = req.active !== false;
  const now = clock();
  conn.typing ??= new Map();
  const last = conn.typing.get(salon.id);
  if (active && last !== undefined && now - last < policy.typingIntervalMs) return {};
  if (!active && last === undefined) return {};
  if (active) conn.typing.set(salon.id, now);
  else conn.typing.delete(salon.id);
  hub.publish({kind: 'typing', username: user.username, alias: user.alias, salonId: salon.id, active});
  return {};
}
