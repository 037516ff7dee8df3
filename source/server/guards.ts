/**
 * Rate limits, in memory: a token bucket for messages, and the login and registration
 * guards. Each node keeps its own; they bound abuse, they are not a record (a restart
 * forgets them, which SECURITY.md says). Every limit is taken synchronously when a request
 * starts, before its first await, so that requests arriving at once are counted as surely
 * as requests arriving one after another.
 */
import {ChatError} from '../protocol/errors.js';
import type {Policy} from './policy.js';

/** Sustained `rate` per second with bursts up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly rate: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }

  /** Tokens available now (fractional). */
  available(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    return this.tokens;
  }

  /** Milliseconds until a token is there (0 when one is). */
  waitMs(now: number): number {
    const tokens = this.available(now);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / this.rate) * 1000);
  }

  /** Takes a token, or throws RATE_LIMITED saying when one will be there. */
  take(now: number, what = 'messages'): void {
    const waitMs = this.waitMs(now);
    if (waitMs === 0) {
      this.tokens -= 1;
      return;
    }
    throw new ChatError('RATE_LIMITED', `Too many ${what}; wait ${waitMs} ms.`, {retryAfterMs: waitMs});
  }

  isFull(now: number): boolean {
    return this.available(now) >= this.burst;
  }
}

/** One bucket per key (an account, an address), forgetting full ones when there are many. */
class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly perMinute: number) {}

  waitMs(key: string, now: number): number {
    return this.buckets.get(key)?.waitMs(now) ?? 0;
  }

  take(key: string, now: number): void {
    if (this.buckets.size > 100_000) for (const [k, b] of this.buckets) if (b.isFull(now)) this.buckets.delete(k);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(this.perMinute / 60, this.perMinute, now)));
    if (bucket.waitMs(now) === 0) bucket.take(now);
  }
}

interface Window {
  count: number;
  start: number;
}

/** Counts events per key within a window that starts at the first event, forgetting old keys. */
class WindowCounter {
  private readonly entries = new Map<string, Window>();

  constructor(private readonly windowMs: number) {}

  count(key: string, now: number): number {
    const entry = this.entries.get(key);
    if (!entry || now - entry.start > this.windowMs) return 0;
    return entry.count;
  }

  add(key: string, now: number): number {
    if (this.entries.size > 100_000) this.prune(now);
    const entry = this.entries.get(key);
    if (!entry || now - entry.start > this.windowMs) {
      this.entries.set(key, {count: 1, start: now});
      return 1;
    }
    entry.count++;
    return entry.count;
  }

  /** Takes back one event counted in advance. */
  remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry && --entry.count <= 0) this.entries.delete(key);
  }

  retryAfterMs(key: string, now: number): number {
    const entry = this.entries.get(key);
    return entry ? Math.max(0, entry.start + this.windowMs - now) : 0;
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (now - entry.start > this.windowMs) this.entries.delete(key);
  }
}

/**
 * One holder at a time per key, the others waiting in arrival order. A key's queue exists
 * only while someone holds or waits for it.
 */
class Turns {
  private readonly queues = new Map<string, Array<() => void>>();

  /** Resolves when it is the caller's turn; the returned function passes the turn on. */
  async take(key: string): Promise<() => void> {
    const queue = this.queues.get(key);
    if (!queue) this.queues.set(key, []);
    else await new Promise<void>((resolve) => queue.push(resolve));
    let passed = false;
    return () => {
      if (passed) return;
      passed = true;
      const next = this.queues.get(key)?.shift();
      if (next) next();
      else this.queues.delete(key);
    };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rateLimited = (message: string, retryAfterMs: number) =>
  new ChatError('RATE_LIMITED', message, {retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000))});

/** A login attempt admitted by the guard: its password may be checked now. */
export interface LoginAttempt {
  /** The password hash is done: the address's next attempt may hash. */
  hashed(): void;
  /** The password was right: the attempt was not a failure, and counts as a login. */
  succeeded(now: number): void;
  /** Lets the next attempt for the same name and address go; always called, once. */
  release(): void;
}

/**
 * Guessing passwords, and logging in in a loop, at any speed and in parallel:
 * - an attempt counts as a failure from the moment it starts, until its password proves right;
 * - one attempt per username and address at a time (another one at once is refused);
 * - one attempt per username at a time, across addresses, in arrival order, so that parallel
 *   guesses from many connections are as slow as serial ones, while the owner waits for at
 *   most one attempt per other address;
 * - one password hash per address at a time, so that one address cannot take every core;
 * - delays grow with the failures of the username, of the address and of the pair; only the
 *   pair is ever locked out, so that guessing cannot lock the owner or an office out;
 * - successful logins per account and per address are limited too (checked before the hash,
 *   counted after it), so a loop of right passwords cannot keep the server busy either.
 */
export class LoginGuard {
  private readonly failures: WindowCounter;
  private readonly accountLogins: KeyedBuckets;
  private readonly addressLogins: KeyedBuckets;
  private readonly inFlight = new Set<string>();
  private readonly userTurns = new Turns();
  private readonly hashTurns = new Turns();

  constructor(private readonly policy: Policy) {
    this.failures = new WindowCounter(policy.loginWindowMs);
    this.accountLogins = new KeyedBuckets(policy.loginsPerAccountPerMinute);
    this.addressLogins = new KeyedBuckets(policy.loginsPerAddressPerMinute);
  }

  /**
   * Admits one attempt, waiting for its turn and its delay, or throws RATE_LIMITED at once.
   * `clock` is read again after the waits. `refuse`, run when the turn comes and before the
   * delay, may refuse the attempt for a reason that is not a wrong password (a banned name):
   * it is then not counted as a failure, and does not wait.
   */
  async begin(username: string, address: string, clock: () => number, refuse: () => Promise<void> = async () => {}): Promise<LoginAttempt> {
    const now = clock();
    const user = `user:${username.toLowerCase()}`;
    const addr = `addr:${address}`;
    const pair = `pair:${username.toLowerCase()}\u0000${address}`;
    if (this.inFlight.has(pair)) throw rateLimited('A login for this name from your address is already in progress.', 1000);
    if (this.failures.count(pair, now) >= this.policy.loginLockFailures) {
      throw rateLimited('Too many failed logins; try again later.', this.failures.retryAfterMs(pair, now));
    }
    const wait = Math.max(this.accountLogins.waitMs(user, now), this.addressLogins.waitMs(addr, now));
    if (wait > 0) throw rateLimited('Too many logins; try again shortly.', wait);

    for (const key of [pair, user, addr]) this.failures.add(key, now);
    this.inFlight.add(pair);

    let passUser: (() => void) | undefined;
    let passHash: (() => void) | undefined;
    const release = () => {
      passHash?.();
      passUser?.();
      this.inFlight.delete(pair);
    };
    try {
      passUser = await this.userTurns.take(user);
      try {
        await refuse();
      } catch (error) {
        for (const key of [pair, user, addr]) this.failures.remove(key);
        throw error;
      }
      // The failures known when its turn comes, this attempt's own count aside: those of
      // attempts that started with it count, those that proved their password are gone.
      const at = clock();
      const worst = Math.max(this.failures.count(pair, at), this.failures.count(user, at), this.failures.count(addr, at)) - 1;
      const over = worst - this.policy.loginFreeFailures;
      if (over >= 0) await sleep(Math.min(this.policy.loginMaxDelayMs, 500 * 2 ** over));
      passHash = await this.hashTurns.take(addr);
    } catch (error) {
      release();
      throw error;
    }
    return {
      hashed: () => passHash?.(),
      succeeded: (at) => {
        this.failures.clear(pair);
        this.failures.clear(user);
        this.failures.remove(addr);
        this.accountLogins.take(user, at);
        this.addressLogins.take(addr, at);
      },
      release,
    };
  }
}

export class RegistrationGuard {
  private readonly counter: WindowCounter;

  constructor(private readonly policy: Policy) {
    this.counter = new WindowCounter(policy.registrationWindowMs);
  }

  /** Counts an attempt as it starts (taken or not, it costs a password hash), or refuses it. */
  take(address: string, now: number): void {
    if (this.counter.count(address, now) >= this.policy.registrationsPerAddress) {
      throw rateLimited('Too many accounts registered from this address; try again later.', this.counter.retryAfterMs(address, now));
    }
    this.counter.add(address, now);
  }
}
