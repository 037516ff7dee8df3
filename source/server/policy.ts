/**
 * The server's defences against abuse, with their defaults, in one place. SECURITY.md lists
 * the same values; the CLI can change the ones an operator is likely to tune.
 */
export interface Policy {
  /** Open connections allowed from one IP address. */
  maxConnectionsPerAddress: number;
  /** A connection that sends nothing for this long is closed (clients ping every 15 s). */
  idleTimeoutMs: number;
  /** Token bucket per connection for `send`: sustained rate and burst. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Failed logins (per username and per address): free attempts, then a growing delay. */
  loginFreeFailures: number;
  loginMaxDelayMs: number;
  /** After this many failures in the window, logins are refused until the window ends. */
  loginLockFailures: number;
  loginWindowMs: number;
  /** Accounts one address may register per window. */
  registrationsPerAddress: number;
  registrationWindowMs: number;
  /** Requests a connection may have waiting before its socket stops being read. */
  maxQueuedRequests: number;
}

export const defaultPolicy: Policy = {
  maxConnectionsPerAddress: 50,
  idleTimeoutMs: 90_000,
  messagesPerSecond: 10,
  messageBurst: 30,
  loginFreeFailures: 3,
  loginMaxDelayMs: 8_000,
  loginLockFailures: 10,
  loginWindowMs: 15 * 60_000,
  registrationsPerAddress: 10,
  registrationWindowMs: 60 * 60_000,
  maxQueuedRequests: 500,
};
