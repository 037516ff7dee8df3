/**
 * The request table: for each type, who may send it and the handler. The dispatcher checks
 * the gate once, so no handler repeats a login or rights check.
 */
import type {RequestType} from '../../protocol/frames.js';
import type {Context, UserContext} from '../context.js';
import {history, search, send} from './messages.js';
import {accept, ban, kick, pending, reject} from './moderation.js';
import {join, members, read, salons} from './salons.js';
import {hello, login, logout, ping, register, resume} from './session.js';

/** hello: any time; open: after hello; guest: after hello, before login; user/moderator: logged in. */
export type Gate = 'hello' | 'open' | 'guest' | 'user' | 'moderator';

export interface Route {
  gate: Gate;
  /**
   * Ordered requests finish before the connection's next request starts. A send only needs
   * its place in the writer's queue, which it takes at once, so the next frames need not
   * wait for the database: that is what lets one connection's sends share a batch.
   */
  ordered: boolean;
  run(ctx: Context | UserContext, request: never): unknown;
}

const route = <C extends Context, R>(gate: Gate, run: (ctx: C, request: R) => unknown, ordered = true): Route => ({
  gate,
  ordered,
  run: run as Route['run'],
});

export const routes: Record<RequestType, Route> = {
  hello: route('hello', hello),
  ping: route('open', ping),
  register: route('guest', register),
  login: route('guest', login),
  resume: route('guest', resume),
  logout: route('user', logout),
  salons: route('user', salons),
  join: route('user', join),
  members: route('user', members),
  read: route('user', read),
  history: route('user', history),
  search: route('user', search),
  send: route('user', send, false),
  pending: route('moderator', pending),
  accept: route('moderator', accept),
  reject: route('moderator', reject),
  kick: route('moderator', kick),
  ban: route('moderator', ban),
};
