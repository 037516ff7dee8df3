/** dm, block, unblock: direct messages and groups, and who may not message whom. */
import {ChatError} from '../../protocol/errors.js';
import type {RequestParams} from '../../protocol/frames.js';
import {limits} from '../../protocol/limits.js';
import type {UserContext} from '../context.js';
import type {UserState} from '../hub.js';

// {"id":30,"type":"dm","with":["bob"]}: the direct message with bob, or the group of the
// caller and everyone named (usernames or aliases), opened if it does not exist yet.
export async function dm(ctx: UserContext, req: RequestParams<'dm'>) {
  const {hub, store, clock} = ctx.services;
  const everyone = new Map<number, UserState>([[ctx.user.id, ctx.user]]);
  for (const name of req.with) {
    const other = await hub.findPerson(name);
    // An unknown name and someone who blocked the caller get the same answer: a block is
    // not told apart from an account that cannot be messaged.
    // Bots read their salons only: a conversation with one would be read by no one.
    if (!other || other.blocked.has(ctx.user.id) || other.role === 'bot') throw new ChatError('CANNOT_MESSAGE', `You cannot message ${JSON.stringify(name)}.`);
    everyone.set(other.id, other);
  }
  if (everyone.size < 2) throw new ChatError('BAD_REQUEST', 'A direct message needs someone else.');
  if (everyone.size > limits.groupMaxParticipants) throw new ChatError('BAD_REQUEST', `At most ${limits.groupMaxParticipants} participants.`);
  const {record} = await store.openConversation([...everyone.keys()], clock());
  const people = [...everyone.values()];
  // Published whenever a participant's membership is not known here yet (new, or opened
  // on a node that missed it); the hub tells each participant once.
  if (people.some((u) => !u.salons.has(record.id))) hub.publish({kind: 'conversation', record, usernames: people.map((u) => u.username)});
  const salon = hub.visibleSalon(ctx.user, record.id);
  if (!salon) throw new ChatError('CANNOT_MESSAGE');
  return {salon: hub.salonInfo(ctx.user, salon)};
}

// {"id":31,"type":"block","username":"mallory"}: mallory can no longer message the caller directly.
export function block(ctx: UserContext, req: RequestParams<'block'>) {
  return setBlock(ctx, req.username, true);
}

// {"id":32,"type":"unblock","username":"mallory"}
export function unblock(ctx: UserContext, req: RequestParams<'unblock'>) {
  return setBlock(ctx, req.username, false);
}

async function setBlock(ctx: UserContext, name: string, blocked: boolean) {
  const {hub, store, clock} = ctx.services;
  const other = await hub.findPerson(name);
  if (!other) throw new ChatError('UNKNOWN_USER', `No user named ${JSON.stringify(name)}.`, {username: name});
  if (other === ctx.user) throw new ChatError('BAD_REQUEST', 'You cannot block yourself.');
  await store.setBlock(ctx.user.id, other.id, blocked, clock());
  hub.publish({kind: 'block', username: ctx.user.username, blockedId: other.id, blocked});
  return {username: other.username, blocked};
}
