/** send and history. */
import {ChatError} from '../../protocol/errors.js';
import type {MessageInfo, RequestParams} from '../../protocol/frames.js';
import {foldName} from '../../protocol/names.js';
import {parseSearch} from '../../protocol/search.js';
import {limits} from '../../protocol/limits.js';
import {TokenBucket} from '../guards.js';
import type {UserContext} from '../context.js';
import type {SearchPage, StoredMessage} from '../../store/types.js';
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
    ...(user.role === 'bot' ? {bot: true as const} : {}),
  });
  return {message: messageInfo(stored)};
}

/**
 * Messages as they stand for this reader: with their reactions counted (their own marked)
 * and the start of the message each reply answers. Two reads per conversation at most,
 * only for the messages that need them (a reaction leaves changedSeq set).
 */
async function asTheyStand(ctx: UserContext, page: readonly StoredMessage[]): Promise<MessageInfo[]> {
  const infos = page.map(messageInfo);
  const needs = new Map<number, {reacted: number[]; answered: Set<number>}>();
  for (const m of page) {
    const reacted = m.kind === 'message' && m.changedSeq > 0 && m.deletedAt === null;
    if (!reacted && m.replyTo === null) continue;
    const salon = needs.get(m.salonId) ?? {reacted: [], answered: new Set<number>()};
    needs.set(m.salonId, salon);
    if (reacted) salon.reacted.push(m.seq);
    if (m.replyTo !== null) salon.answered.add(m.replyTo);
  }
  if (needs.size === 0) return infos;
  const {store} = ctx.services;
  const found = await Promise.all(
    [...needs].map(async ([salonId, {reacted, answered}]) => {
      const [counts, targets] = await Promise.all([store.reactionCounts(salonId, reacted, ctx.user.id), store.findMessages(salonId, [...answered])]);
      return [salonId, {counts, targets}] as const;
    }),
  );
  const bySalon = new Map(found);
  for (const info of infos) {
    const salon = bySalon.get(info.salon);
    if (!salon) continue;
    const reactions = salon.counts.get(info.seq);
    if (reactions) info.reactions = reactions;
    const target = info.replyTo === undefined ? undefined : salon.targets.get(info.replyTo);
    if (target) {
      info.reply =
        target.deletedAt === null
          ? {seq: target.seq, alias: target.alias, text: [...target.text].slice(0, limits.replyPreviewChars).join('')}
          : {seq: target.seq, alias: target.alias, text: '', deleted: true};
    }
  }
  return infos;
}

// {"id":13,"type":"search","text":"budg from:alice after:2026-11-01"}: every conversation
// the caller reads (or `salon`), newest first; `beforeId` pages on. The index lookup runs
// off the server's thread (SQLite) or in the database (MySQL), at a bounded rate.
export async function search(ctx: UserContext, req: RequestParams<'search'>) {
  const {user, conn} = ctx;
  const {policy, clock, hub, store} = ctx.services;
  const one = req.salon === undefined ? undefined : requireMember(ctx, req.salon);
  conn.searchBucket ??= new TokenBucket(policy.searchesPerSecond, policy.searchBurst, clock());
  conn.searchBucket.take(clock(), 'searches');
  const query = parseSearch(req.text);
  if ('problem' in query) throw new ChatError('BAD_SEARCH', undefined, {problem: query.problem});
  const limit = req.limit ?? limits.historyDefaultPage;
  const none = {...(one ? {salon: one.id} : {}), messages: [], hasMore: false};
  let salonIds = one ? [one.id] : [...user.salons.keys()];
  if (query.in !== undefined) {
    const within = conversationNamed(ctx, query.in);
    if (within === undefined || !salonIds.includes(within)) return none;
    salonIds = [within];
  }
  let authorId: number | undefined;
  if (query.from !== undefined) {
    const author = await hub.findPerson(query.from);
    if (!author) return none;
    authorId = author.id;
  }
  // A `before` seq (the older cursor, with a salon) stands for the id of the message there.
  const {services} = ctx;
  if (services.searching >= policy.maxConcurrentSearches) throw new ChatError('RATE_LIMITED', 'Too many searches running on the server; retry shortly.', {retryAfterMs: 1000});
  services.searching += 1;
  let found: SearchPage;
  try {
    const beforeId = req.beforeId ?? (one && req.before !== undefined ? await idAt(ctx, one.id, req.before) : undefined);
    found = await store.search({salonIds, prefixes: query.prefixes, phrases: query.phrases, authorId, after: query.after, before: query.before, beforeId, limit});
  } finally {
    services.searching -= 1;
  }
  return {...(one ? {salon: one.id} : {}), messages: await asTheyStand(ctx, found.messages), hasMore: found.next !== null, ...(found.next === null ? {} : {next: found.next})};
}

/** The id of the row at `seq`, or of the nearest row below it (ids grow with seqs). */
async function idAt(ctx: UserContext, salonId: number, seq: number): Promise<number> {
  const page = await ctx.services.store.history(salonId, seq + 1, 1);
  return page[0]?.id ?? 0;
}

/** `in:NAME`: a salon by name, else the caller's direct message or group with that person. */
function conversationNamed(ctx: UserContext, name: string): number | undefined {
  const {hub} = ctx.services;
  const salon = hub.visibleSalon(ctx.user, name);
  if (salon) return salon.id;
  const key = foldName(name);
  for (const salonId of ctx.user.salons.keys()) {
    const s = hub.visibleSalon(ctx.user, salonId);
    if (s && s.kind !== 'salon' && [...s.members].some((m) => m !== ctx.user && (foldName(m.alias) === key || foldName(m.username) === key))) return salonId;
  }
  return undefined;
}

// {"id":12,"type":"history","salon":1,"before":120,"limit":50}: older pages, or with
// "after": the messages that follow a seq (catching up after a reconnect).
export async function history(ctx: UserContext, req: RequestParams<'history'>) {
  const salon = requireMember(ctx, req.salon);
  const limit = req.limit ?? limits.historyDefaultPage;
  if (req.after !== undefined) {
    const next = await ctx.services.store.messagesAfter(salon.id, req.after, limit);
    return {salon: salon.id, messages: await asTheyStand(ctx, next), hasMore: next.length === limit};
  }
  // The store bounds a page on both sides (seq has no gaps); a cursor past the newest
  // message means "the newest page".
  const before = req.before === undefined ? undefined : Math.min(req.before, ctx.services.hub.lastSeq(salon.id) + 1);
  const page = await ctx.services.store.history(salon.id, before, limit);
  const first = page[0];
  // Below the first seq there is more unless retention deleted it: a page never promises
  // older messages that cannot come (the client shows where the kept history begins).
  const hasMore = page.length === limit && first !== undefined && first.seq > 1 && first.seq - 1 > (await ctx.services.store.purgedUpTo(salon.id));
  return {salon: salon.id, messages: await asTheyStand(ctx, page), hasMore};
}
