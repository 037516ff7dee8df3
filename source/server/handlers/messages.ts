/** send and history. */
import {ChatError} from '../../protocol/errors.js';
import type {RequestParams} from '../../protocol/frames.js';
import {limits} from '../../protocol/limits.js';
import {TokenBucket} from '../guards.js';
import type {UserContext} from '../context.js';
import type {StoredMessage} from '../../store/types.js';
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
    // Checked against memory only, so that the send takes its place in the queue at once
    // and a connection's sends keep their order: an earlier seq of this conversation. The
    // preview is read with pages; live, clients show the message they hold.
    replyTo: req.replyTo !== undefined && req.replyTo >= 1 && req.replyTo <= ctx.services.hub.lastSeq(salon.id) ? req.replyTo : undefined,
  });
  return {message: messageInfo(stored)};
}

/**
 * Messages as they stand for this reader: with their reactions counted (their own marked)
 * and the start of the message each reply answers. Two reads at most, only for the
 * messages that need them (a reaction leaves changedSeq set).
 */
async function asTheyStand(ctx: UserContext, salonId: number, page: readonly StoredMessage[]) {
  const infos = page.map(messageInfo);
  const reacted = page.filter((m) => m.kind === 'message' && m.changedSeq > 0 && m.deletedAt === null).map((m) => m.seq);
  const answered = [...new Set(page.flatMap((m) => (m.replyTo === null ? [] : [m.replyTo])))];
  if (reacted.length === 0 && answered.length === 0) return infos;
  const {store} = ctx.services;
  const [counts, targets] = await Promise.all([store.reactionCounts(salonId, reacted, ctx.user.id), store.findMessages(salonId, answered)]);
  for (const info of infos) {
    const reactions = counts.get(info.seq);
    if (reactions) info.reactions = reactions;
    const target = info.replyTo === undefined ? undefined : targets.get(info.replyTo);
    if (target) {
      info.reply =
        target.deletedAt === null
          ? {seq: target.seq, alias: target.alias, text: [...target.text].slice(0, limits.replyPreviewChars).join('')}
          : {seq: target.seq, alias: target.alias, text: '', deleted: true};
    }
  }
  return infos;
}

// {"id":13,"type":"search","salon":1,"text":"budget"}: newest matches first; `before` pages on.
export async function search(ctx: UserContext, req: RequestParams<'search'>) {
  const salon = requireMember(ctx, req.salon);
  const limit = req.limit ?? limits.historyDefaultPage;
  const found = await ctx.services.store.search(salon.id, req.text, req.before, limit);
  return {salon: salon.id, messages: await asTheyStand(ctx, salon.id, found), hasMore: found.length === limit};
}

// {"id":12,"type":"history","salon":1,"before":120,"limit":50}: older pages, or with
// "after": the messages that follow a seq (catching up after a reconnect).
export async function history(ctx: UserContext, req: RequestParams<'history'>) {
  const salon = requireMember(ctx, req.salon);
  const limit = req.limit ?? limits.historyDefaultPage;
  if (req.after !== undefined) {
    const next = await ctx.services.store.messagesAfter(salon.id, req.after, limit);
    return {salon: salon.id, messages: await asTheyStand(ctx, salon.id, next), hasMore: next.length === limit};
  }
  // The store bounds a page on both sides (seq has no gaps); a cursor past the newest
  // message means "the newest page".
  const before = req.before === undefined ? undefined : Math.min(req.before, ctx.services.hub.lastSeq(salon.id) + 1);
  const page = await ctx.services.store.history(salon.id, before, limit);
  const first = page[0];
  return {salon: salon.id, messages: await asTheyStand(ctx, salon.id, page), hasMore: page.length === limit && first !== undefined && first.seq > 1};
}
