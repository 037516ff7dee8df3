/**
 * The server's defences against abuse, with their defaults, in one place. SECURITY.md lists
 * the same values; the CLI can change the ones an operator is likely to tune.
 */
export interface Policy {
  /** Open connections allowed from one IP address. */
  maxConnectionsPerAddress: number;
  /** A connection that sends no complete frame for this long is closed (clients ping every 15 s). */
  idleTimeoutMs: number;
  /** A connection that has not logged in (or resumed) this long after it opened is closed. */
  loginTimeoutMs: number;
  /** A frame whose first bytes arrived this long ago and whose newline has not is a stall: closed. */
  frameTimeoutMs: number;
  /** Token bucket per connection for `send`: sustained rate and burst. */
  messagesPerSecond: number;
  messageBurst: number;
  /**
   * Failed logins. Per username and address pair: free attempts, then a growing delay, then
   * refusal until the window ends. Per username alone and per address alone only the delay
   * applies, so that nobody can lock an account's owner, or an office behind one NAT address,
   * out by guessing.
   */
  loginFreeFailures: number;
  loginMaxDelayMs: number;
  loginLockFailures: number;
  loginWindowMs: number;
  /** Successful logins per minute per account and per address; attempts that would pass it are refused before the password hash. */
  loginsPerAccountPerMinute: number;
  loginsPerAddressPerMinute: number;
  /** Live sessions (resumable tokens) per account; a new login past it revokes the oldest. */
  maxSessionsPerAccount: number;
  /** Registration attempts one address may make per window (counted when they start). */
  registrationsPerAddress: number;
  registrationWindowMs: number;
  /** Requests a connection may have waiting before its socket stops being read. */
  maxQueuedRequests: number;
  /** How long after sending an author may edit or delete a message; null: always. */
  editWindowMs: number | null;
  /** Whether authors may delete their own messages (moderators may in salons either way). */
  authorsMayDelete: boolean;
  /** Distinct reactions one message may carry. */
  maxReactionsPerMessage: number;
  /** Typing notices relayed per user and conversation: at most one per this time. */
  typingIntervalMs: number;
  /** Token bucket per connection for `search`: sustained rate (per second) and burst. */
  searchesPerSecond: number;
  searchBurst: number;
  /**
   * Searches running at once on a node, whoever asks: a search for a common word can cost
   * the database seconds at a million messages (bench/README.md, the search scenario), and
   * a few at once must not starve the writer. Past it, RATE_LIMITED.
   */
  maxConcurrentSearches: number;
}

export const defaultPolicy: Policy = {
  maxConnectionsPerAddress: 50,
  idleTimeoutMs: 90_000,
  loginTimeoutMs: 60_000,
  frameTimeoutMs: 30_000,
  messagesPerSecond: 10,
  messageBurst: 30,
  loginFreeFailures: 3,
  loginMaxDelayMs: 8_000,
  loginLockFailures: 10,
  loginWindowMs: 15 * 60_000,
  loginsPerAccountPerMinute: 10,
  loginsPerAddressPerMinute: 60,
  maxSessionsPerAccount: 20,
  registrationsPerAddress: 10,
  registrationWindowMs: 60 * 60_000,
  maxQueuedRequests: 500,
  editWindowMs: null,
  authorsMayDelete: true,
  maxReactionsPerMessage: 20,
  typingIntervalMs: 3_000,
  searchesPerSecond: 0.5,
  searchBurst: 5,
  maxConcurrentSearches: 2,
};
