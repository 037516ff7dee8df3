/**
 * One timer per kicked account, so that the console says when a kick ends and the live
 * model forgets it: bounded by the number of accounts kicked at once.
 */
import type {UserState} from './model.js';

// setTimeout fires at once for delays over 2^31-1 ms (24.8 days): longer kicks re-arm.
const MAX_DELAY = 2 ** 31 - 1;

export class BlockTimers {
  private readonly timers = new Map<UserState, NodeJS.Timeout>();

  constructor(
    private readonly clock: () => number,
    private readonly ended: (user: UserState) => void,
  ) {}

  /** Arms (or re-arms) the timer for the user's current kick. */
  schedule(user: UserState): void {
    this.cancel(user);
    const until = user.kickedUntil;
    if (until === null) return;
    const timer = setTimeout(() => {
      this.timers.delete(user);
      if (user.kickedUntil !== until) return;
      if (until > this.clock()) return this.schedule(user);
      user.kickedUntil = null;
      user.kickReason = null;
      this.ended(user);
    }, Math.min(Math.max(0, until - this.clock()), MAX_DELAY));
    // A kick must not keep a stopping process alive.
    timer.unref();
    this.timers.set(user, timer);
  }

  cancel(user: UserState): void {
    const timer = this.timers.get(user);
    if (timer) clearTimeout(timer);
    this.timers.delete(user);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
