/** What a request handler is given: its connection and the server's services. */
import type {Store} from '../store/types.js';
import type {Connection} from './connection.js';
import type {DirectoryServices} from './directory-login.js';
import type {Hub, UserState} from './hub.js';
import type {Moderation} from './moderation.js';
import type {Notify} from './notices.js';
import type {LoginGuard, RegistrationGuard} from './guards.js';
import type {Policy} from './policy.js';
import type {StatusWriter} from './status.js';
import type {Writer} from './writer.js';

export interface Services {
  store: Store;
  hub: Hub;
  writer: Writer;
  moderation: Moderation;
  clock: () => number;
  notify: Notify;
  sessionTtlMs: number;
  statuses: StatusWriter;
  policy: Policy;
  logins: LoginGuard;
  registrations: RegistrationGuard;
  /** Sign-in with the company directory, when configured (directory-login.ts). */
  directory?: DirectoryServices | undefined;
  /** Set once a graceful stop begins: new requests are refused. */
  stopping: boolean;
  /** Searches this node has running (policy.maxConcurrentSearches bounds it). */
  searching: number;
}

export interface Context {
  conn: Connection;
  services: Services;
}

/** A handler of a logged-in request also gets the user. */
export interface UserContext extends Context {
  user: UserState;
}
