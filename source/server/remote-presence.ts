/**
 * Which users have connections on the other nodes, as the cluster hears it (cluster.ts):
 * a user is online while connected here or anywhere else.
 */
import type {LiveModel, UserState} from './model.js';
import {userKey} from './model.js';

export class RemotePresence {
  constructor(
    private readonly model: LiveModel,
    /** A user came online or went offline, counting every node. */
    private readonly changed: (user: UserState, online: boolean) => void,
  ) {}

  /** Another node says the user has (or no longer has) a connection there. */
  set(username: string, instance: string, online: boolean): void {
    const user = this.model.user(username);
    if (!user || user.remote.has(instance) === online) return;
    const wasOnline = this.model.isOnline(user);
    if (online) user.remote.add(instance);
    else user.remote.delete(instance);
    if (this.model.isOnline(user) !== wasOnline) this.changed(user, !wasOnline);
  }

  /** What a node says is the whole list of its users, replacing what we knew of it. */
  replace(instance: string, usernames: readonly string[]): void {
    const now = new Set(usernames.map(userKey));
    for (const [key, user] of this.model.users) if (user.remote.has(instance) && !now.has(key)) this.set(user.username, instance, false);
    for (const username of usernames) this.set(username, instance, true);
  }

  /** A node stopped or stopped answering: its users are offline unless connected elsewhere. */
  drop(instance: string): void {
    this.replace(instance, []);
  }
}
