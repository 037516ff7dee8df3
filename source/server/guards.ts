/**
 * Rate limits, in memory: a token bucket for messages, and counters with a window for
 * failed logins and registrations. Each node keeps its own; they bound abuse, they are not
 * a record (a restart forgets them, which SECURITY.md says).
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

  /** Takes a token, or throws RATE_LIMITED saying when one will be there. */
  take(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return;
    }
    const retryAfterMs = Math.ceil(((1 - this.tokens) / this.rate) * 1000);
    throw new ChatError('RATE_LIMITED', `Too many messages; wait ${retryAfterMs} ms.`, {retryAfterMs});
  }
}

interface Window {
  count: number;
  start: number;
}

/** Counts events per key within a sliding-start window, forgetting old keys. */
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

export class LoginGuard {
  private readonly failures: WindowCounter;

  constructor(private readonly policy: Policy) {
    this.failures = new WindowCounter(policy.loginWindowMs);
  }

  private keys(username: string, address: string): string[] {
    return [`user:${username.toLowerCase()}`, `addr:${address}`];
  }

  /**
   * Before checking a password: refuses a locked username or address, else returns how long
   * to wait first (0 for the first few failures, then doubling up to the maximum).
   */
  check(username: string, address: string, now: number): number {
    const counts = this.keys(username, address).map((k) => [k, this.failures.count(k, now)] as const);
    for (const [key, count] of counts) {
      if (count >= this.policy.loginLockFailures) {
        const retryAfter = Math.ceil(this.failures.retryAfterMs(key, now) / 1000);
        throw new ChatError('RATE_LIMITED', `Too many failed logins; try again in ${Math.ceil(retryAfter / 60)} minute(s).`, {retryAfter});
      }
    }
    const worst = Math.max(...counts.map(([, c]) => c));
    const over = worst - this.policy.loginFreeFailures;
    return over < 0 ? 0 : Math.min(this.policy.loginMaxDelayMs, 500 * 2 ** over);
  }

  failed(username: string, address: string, now: number): void {
    for (const key of this.keys(username, address)) this.failures.add(key, now);
  }

  /** A right password clears the username's count; the address keeps its history. */
  succeeded(username: string): void {
    this.failures.clear(`user:${username.toLowerCase()}`);
  }
}

export class RegistrationGuard {
  private readonly counter: WindowCounter;

  constructor(private readonly policy: Policy) {
    this.counter = new WindowCounter(policy.registrationWindowMs);
  }

  check(address: string, now: number): void {
    if (this.counter.count(address, now) >= this.policy.registrationsPerAddress) {
      const retryAfter = Math.ceil(this.counter.retryAfterMs(address, now) / 1000);
      throw new ChatError('RATE_LIMITED', 'Too many accounts registered from this address; try again later.', {retryAfter});
    }
  }

  registered(address: string, now: number): void {
    this.counter.add(address, now);
  }
}
