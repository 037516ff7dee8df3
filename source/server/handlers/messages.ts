/** send and history. */
import {ChatError} from '../../protocol/errors.js';
import type {RequestParams} from '../../protocol/frames.js';
import {limits} from '../../protocol/limits.js';
import {TokenBucket} from '../guards.js';
import type {UserContext} from '../context.js';
import {messageInfo} from '../views.js';
import {requireMember} from './salons.js';

// {"id":11,"type":"send","salon":1,"text":"Bonjour !","clientMsgId":"c1-0001"}
// Answered only once stored. The membership check reads memory; the writer batches.
export async function send(ctx: UserContext, req: RequestParams<'send'>) {
  const salon = requireMember(ctx, req.salon);
  const {user, conn} = ctx;
  const {policy, clock} = ctx.services;
  if (salon.archived) throw new ChatError('ARCHIVED');
  if (ctx.services.hub.blockedIn(salon, user)) throw new ChatError('CANNOT_MESSAGE');
  // A short burst passes; a flood is answered RATE_LIMITED, without disconnecting.
  conn.bucket ??= new TokenBucket(policy.messagesPerSecond, policy.messageBurst, clock());
  conn.bucket.take(clock());
  const stored = await ctx.services.writer.submit({
    clientId: user.id,
    username: user.username,
    alias: user.alias,
    salonId: salon.id,
    text: req.text,
    ts: ctx.services.clock(),
    clientMsgId: req.clientMsgId,
  });
  return {message: messageInfo(stored)};
}

// {"id":13,"type":"search","salon":1,"text":"budget"}: newest matches first; `before` pages on.
export async function search(ctx: UserContext, req: RequestParams<'search'>) {
  const salon = requireMember(ctx, req.salon);
  const limit = req.limit ?? limits.historyDefaultPage;
  const found = await ctx.services.store.search(salon.id, req.text, req.before, limit);
  return {salon: salon.id, messages: found.map(messageInfo), hasMore: found.length === limit};
}

// {"id":12,"type":"history","salon":1,"before":120,"limit":50}: older pages, or with
// "after": the messages that follow a seq (catching up after a reconnect).
export async function history(ctx: UserContext, req: RequestParams<'history'>) {
  const salon = requireMember(ctx, req.salon);
  const limit = req.limit ?? limits.historyDefaultPage;
  if (req.after !== undefined) {
    const next = await ctx.services.store.messagesAfter(salon.id, req.after, limit);
    return {salon: salon.id, messages: next.map(messageInfo), hasMore: next.length === limit};
  }
  // The store bounds a page on both sides (seq has no gaps); a cursor past the newest
  // message means "the newest page".
  const before = req.before === undefined ? undefined : Math.min(req.before, ctx.services.hub.lastSeq(salon.id) + 1);
  const page = await ctx.services.store.history(salon.id, before, limit);
  const first = page[0];
  return {salon: salon.id, messages: page.map(messageInfo), hasMore: page.length === limit && first !== undefined && first.seq > 1};
}
