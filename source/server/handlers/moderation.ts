/** pending, accept, reject, kick, ban: for moderator accounts, through the Moderation service. */
import type {RequestParams} from '../../protocol/frames.js';
import type {UserContext} from '../context.js';

// {"id":25,"type":"salon_create","name":"Projets","moderated":false}
export async function salonCreate(ctx: UserContext, req: RequestParams<'salon_create'>) {
  const salon = await ctx.services.moderation.createSalon(req.name, req.moderated ?? false);
  return {salon: ctx.services.hub.salonInfo(ctx.user, salon)};
}

// {"id":26,"type":"salon_archive","salon":"Projets"}
export async function salonArchive(ctx: UserContext, req: RequestParams<'salon_archive'>) {
  const salon = await ctx.services.moderation.archiveSalon(req.salon);
  return {salon: salon.id};
}

// {"id":20,"type":"pending"}
export function pending(ctx: UserContext) {
  return {requests: ctx.services.moderation.pending()};
}

// {"id":21,"type":"accept","username":"exemple","salon":"Comptabilité"}
export async function accept(ctx: UserContext, req: RequestParams<'accept'>) {
  const {user, salon} = await ctx.services.moderation.accept(req.username, req.salon);
  return {username: user.username, salon: salon.id};
}

// {"id":22,"type":"reject","username":"exemple","salon":"Informatique"}
export async function reject(ctx: UserContext, req: RequestParams<'reject'>) {
  const {user, salon} = await ctx.services.moderation.reject(req.username, req.salon);
  return {username: user.username, salon: salon.id};
}

// {"id":23,"type":"kick","username":"exemple"}
export function kick(ctx: UserContext, req: RequestParams<'kick'>) {
  return ctx.services.moderation.kick(req.username);
}

// {"id":24,"type":"ban","username":"exemple"}
export function ban(ctx: UserContext, req: RequestParams<'ban'>) {
  return ctx.services.moderation.ban(req.username, ctx.user.username);
}
