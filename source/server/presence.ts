/**
 * Who is told when a user comes online or goes offline: the connections that show a
 * salon's member list (they "watch" it), not everyone. With N users online, telling
 * everyone would cost N writes per login, N² for a reconnection storm.
 *
 * Changes go out in rounds: those of ROUND_MS are joined, per watched salon, into one
 * buffer written once to each watcher, so a storm of N users watched by W connections
 * costs W writes per round, not N x W.
 */
import {encodeFrame} from '../protocol/codec.js';
import type {Peer} from './peer.js';

const ROUND_MS = 50;

interface Member {
  username: string;
  alias: string;
  salons: ReadonlyMap<number, number>;
}

export class PresenceRounds<U extends Member> {
  private readonly watchers = new Map<number, Set<Peer>>();
  private readonly watching = new Map<Peer, number>();
  private readonly changes = new Map<U, boolean>();
  private timer: NodeJS.Timeout | undefined;

  /** The salon whose member list a connection shows, or null for none. */
  watch(peer: Peer, salonId: number | null): void {
    const before = this.watching.get(peer);
    if (before !== undefined) this.watchers.get(before)?.delete(peer);
    if (salonId === null) return void this.watching.delete(peer);
    this.watching.set(peer, salonId);
    const set = this.watchers.get(salonId) ?? new Set<Peer>();
    set.add(peer);
    this.watchers.set(salonId, set);
  }

  /** The user's state at the end of the round is what watchers hear. */
  changed(user: U, online: boolean): void {
    this.changes.set(user, online);
    this.timer ??= setTimeout(() => this.flush(), ROUND_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const changes = [...this.changes];
    this.changes.clear();
    for (const [salonId, watchers] of this.watchers) {
      if (watchers.size === 0) continue;
      const frames = changes
        .filter(([user]) => user.salons.has(salonId))
        .map(([user, online]) => encodeFrame({event: 'presence', username: user.username, alias: user.alias, online}));
      if (frames.length === 0) continue;
      const bytes = Buffer.concat(frames);
      for (const peer of watchers) peer.write(bytes);
    }
  }
}
