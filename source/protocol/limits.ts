/**
 * Every limit of the wire, defined once. Server and client import these; docs/PROTOCOL.md
 * lists them with the same values.
 */
export const PROTOCOL_VERSION = 1;

export const limits = {
  /** Longest frame in bytes, newline excluded. Longer lines are refused and skipped. */
  maxFrameBytes: 64 * 1024,
  /** An oversized line is skipped to its newline; one that runs on past this closes the connection. */
  maxSkipBytes: 1024 * 1024,
  /** Longest message text, in Unicode code points. */
  maxMessageChars: 4000,
  usernameMin: 2,
  usernameMax: 32,
  aliasMax: 32,
  passwordMin: 8,
  passwordMax: 1024,
  /** Largest history page a client may ask for, and the page size when it does not say. */
  historyMaxPage: 200,
  historyDefaultPage: 50,
  /** Longest search text. */
  searchMaxChars: 200,
  /** Longest client-chosen send id. */
  clientMsgIdMax: 64,
  /** Longest salon name, in code points. */
  salonNameMax: 64,
  /** Most participants of a group conversation, the one who opens it included. */
  groupMaxParticipants: 8,
  /** Characters of the answered message a reply shows above itself. */
  replyPreviewChars: 80,
  /** Longest reaction: one emoji (a grapheme cluster) or a :shortcode:, in UTF-16 units. */
  reactionMaxChars: 32,
  /** Distinct reactions one message may carry (the server's default; it may allow fewer). */
  maxReactionsPerMessage: 20,
  /** A client sends at most one typing notice per conversation in this time... */
  typingIntervalMs: 3000,
  /** ...and forgets one it received after this time. */
  typingExpiryMs: 6000,
  /** Minutes a KICK refuses reconnection for when no duration is given (as the original). */
  kickMinutes: 5,
  /** Characters in the reason of a kick or a ban. */
  maxReasonLength: 300,
} as const;
