/**
 * The request table: for each type, who may send it and the handler. The dispatcher checks
 * the gate once, so no handler repeats a login or rights check.
 */
import type {RequestParams, RequestType, ResponseOf} from '../../protocol/frames.js';
import type {Context, UserContext} from '../context.js';
import {edit, react, reactions, remove, typing} from './changes.js';
import {block, dm, unblock} from './conversations.js';
import {history, search, send} from './messages.js';
import {accept, ban, blocks, kick, lift, pending, reject, salonArchive, salonCreate} from './moderation.js';
import {join, members, read, salons} from './salons.js';
import {hello, login, logout, ping, register, resume} from './session.js';

/**
 * hello: any time; open: after hello; guest: after hello, before login; user: logged in;
 * person: logged in, not as a bot (bots read and write in their salons, nothing more);
 * moderator: logged in as a moderator.
 */
export type Gate = 'hello' | 'open' | 'guest' | 'user' | 'person' | 'moderator';

/** The context a gate guarantees: a logged-in gate gives the handler its user. */
type ContextOf<G extends Gate> = G extends 'user' | 'person' | 'moderator' ? UserContext : Context;

export interface Route<T extends RequestType = RequestType> {
  gate: Gate;
  /**
   * Ordered requests finish before the connection's next request starts. A send only needs
   * its place in the writer's queue, which it takes at once, so the next frames need not
   * wait for the database: that is what lets one connection's sends share a batch.
   */
  ordered: boolean;
  run(ctx: Context | UserContext, request: RequestParams<T>): ResponseOf<T> | Promise<ResponseOf<T>>;
}

/**
 * Ties a handler to its request type and its gate: the handler gets the parameters of
 * that type, a user when the gate guarantees one, and must return that type's result.
 */
const route = <T extends RequestType, G extends Gate>(
  _type: T,
  gate: G,
  run: (ctx: ContextOf<G>, request: RequestParams<T>) => ResponseOf<T> | Promise<ResponseOf<T>>,
  ordered = true,
): Route<T> => ({gate, ordered, run: run as Route<T>['run']});

export const routes: {[T in RequestType]: Route<T>} = {
  hello: route('hello', 'hello', hello),
  ping: route('ping', 'open', ping),
  register: route('register', 'guest', register),
  login: route('login', 'guest', login),
  resume: route('resume', 'guest', resume),
  logout: route('logout', 'user', logout),
  salons: route('salons', 'user', salons),
  join: route('join', 'person', join),
  members: route('members', 'user', members),
  read: route('read', 'user', read),
  history: route('history', 'user', history),
  search: route('search', 'user', search),
  send: route('send', 'user', send, false),
  edit: route('edit', 'user', edit, false),
  delete: route('delete', 'user', remove, false),
  react: route('react', 'user', react, false),
  reactions: route('reactions', 'user', reactions),
  typing: route('typing', 'user', typing),
  pending: route('pending', 'moderator', pending),
  accept: route('accept', 'moderator', accept),
  reject: route('reject', 'moderator', reject),
  kick: route('kick', 'moderator', kick),
  ban: route('ban', 'moderator', ban),
  blocks: route('blocks', 'moderator', blocks),
  lift: route('lift', 'moderator', lift),
  dm: route('dm', 'person', dm),
  block: route('block', 'person', block),
  unblock: route('unblock', 'person', unblock),
  salon_create: route('salon_create', 'moderator', salonCreate),
  salon_archive: route('salon_archive', 'moderator', salonArchive),
};
