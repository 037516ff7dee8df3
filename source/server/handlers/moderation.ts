/** pending, accept, reject, kick, ban, blocks, lift: for moderator accounts, through the Moderation service. */
import type {RequestParams} from '../../protocol/frames.js';
import type {Actor} from '../moderation.js';
import type {UserContext} from '../context.js';

const actor = (ctx: UserContext): Actor => ({username: ctx.user.username, via: 'client'});

// {"id":25,"type":"salon_create","name":"Projets","moderated":false}
export async function salonCreate(ctx: UserContext, req: RequestParams<'salon_create'>) {
  const salon = await ctx.services.moderation.createSalon(req.name, req.moderated ?? false, actor(ctx));
  return {salon: ctx.services.hub.salonInfo(ctx.user, salon)};
}

// {"id":26,"type":"salon_archive","salon":"Projets"}
export async function salonArchive(ctx: UserContext, req: RequestParams<'salon_archive'>) {
  const salon = await ctx.services.moderation.archiveSalon(req.salon, actor(ctx));
  return {salon: salon.id};
}

// {"id":20,"type":"pending"}
export function pending(ctx: UserContext) {
  return {requests: ctx.services.moderation.pending()};
}

// {"id":21,"type":"accept","username":"exemple","salon":"Comptabilité"}
export async function accept(ctx: UserContext, req: RequestParams<'accept'>) {
  const {user, salon} = await ctx.services.moderation.accept(req.username, req.salon, actor(ctx));
  return {username: user.username, salon: salon.id};
}

// {"id":22,"type":"reject","username":"exemple","salon":"Informatique"}
export async function reject(ctx: UserContext, req: RequestParams<'reject'>) {
  const {user, salon} = await ctx.services.moderation.reject(req.username, req.salon, actor(ctx));
  return {username: user.username, salon: salon.id};
}

// {"id":23,"type":"kick","username":"exemple","seconds":1800,"reason":"flood"}
export function kick(ctx: UserContext, req: RequestParams<'kick'>) {
  return ctx.services.moderation.kick(req.username, {durationMs: req.seconds === undefined ? undefined : req.seconds * 1000, reason: req.reason}, actor(ctx));
}

// {"id":24,"type":"ban","username":"exemple","reason":"spam"}
export function ban(ctx: UserContext, req: RequestParams<'ban'>) {
  return ctx.services.moderation.ban(req.username, req.reason, actor(ctx));
}

// {"id":27,"type":"blocks"}
export async function blocks(ctx: UserContext) {
  return {blocks: await ctx.services.moderation.blocks(), now: ctx.services.clock()};
}

// {"id":28,"type":"lift","username":"exemple"}
export function lift(ctx: UserContext, req: RequestParams<'lift'>) {
  return ctx.services.moderation.unblock(req.username, actor(ctx));
}
