/**
 * Stable error codes of the wire. The code is the contract; the English message is for people
 * reading raw frames. Clients translate by code (see source/i18n).
 */
export const errorMessages = {
  BAD_FRAME: 'The frame is not a JSON object on one line.',
  FRAME_TOO_LARGE: 'The frame is larger than the limit.',
  BAD_REQUEST: 'The request is missing a field or has a field of the wrong type.',
  UNKNOWN_TYPE: 'Unknown request type.',
  HELLO_REQUIRED: 'Send a hello request with the protocol version first.',
  UNSUPPORTED_VERSION: 'This server does not speak that protocol version.',
  NOT_AUTHENTICATED: 'Log in first.',
  ALREADY_AUTHENTICATED: 'This connection is already logged in.',
  USERNAME_TAKEN: 'That username is taken.',
  ALIAS_TAKEN: 'That alias is taken.',
  USERNAME_BANNED: 'That username is banned.',
  INVALID_CREDENTIALS: 'Wrong username or password.',
  REGISTRATION_CLOSED: 'Accounts come from the company directory: sign in with your directory name and password.',
  DIRECTORY_UNAVAILABLE: 'The company directory cannot be reached; try again shortly.',
  ACCOUNT_DISABLED: 'This account is disabled in the company directory.',
  INVALID_TOKEN: 'The session token is unknown, expired or revoked.',
  KICKED: 'You were kicked; try again later.',
  BANNED: 'This account is banned.',
  UNKNOWN_SALON: 'No such salon.',
  UNKNOWN_USER: 'No such user.',
  CANNOT_MESSAGE: 'You cannot message that account.',
  SALON_EXISTS: 'A salon with that name exists already (case and accents ignored).',
  ARCHIVED: 'That salon is archived: it can be read, not written to.',
  NOT_MEMBER: 'You are not a member of that salon.',
  BAD_SEARCH: 'Search for at least one word of 3 letters or more; dates as YYYY-MM-DD; at most 8 words and phrases.',
  UNKNOWN_MESSAGE: 'No such message in that conversation.',
  NOT_YOURS: 'Only its author (or, for a deletion in a salon, a moderator) may change that message.',
  EDIT_WINDOW: 'That message is too old to be changed.',
  DELETED: 'That message was deleted.',
  TOO_MANY_REACTIONS: 'That message carries as many different reactions as allowed.',
  ALREADY_MEMBER: 'Already a member of that salon.',
  ALREADY_PENDING: 'A join request for that salon is already waiting for a moderator.',
  NO_PENDING_REQUEST: 'There is no pending join request for that user and salon.',
  FORBIDDEN: 'Only moderators may do that.',
  BOT_FORBIDDEN: 'A bot account may only read and write in its salons.',
  RATE_LIMITED: 'Too many requests; slow down.',
  TOO_MANY_CONNECTIONS: 'Too many connections from your address.',
  IDLE_TIMEOUT: 'Nothing received for too long; the connection is closed.',
  LOGIN_TIMEOUT: 'No login within the time allowed; the connection is closed.',
  FRAME_TIMEOUT: 'A frame stayed incomplete for too long; the connection is closed.',
  OVERLOADED: 'The server is busy; retry shortly.',
  STORE_UNAVAILABLE: 'The database is unavailable; nothing was stored. Retry shortly.',
  SHUTTING_DOWN: 'The server is shutting down.',
  INTERNAL: 'Internal server error.',
} as const;

export type ErrorCode = keyof typeof errorMessages;

export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  /** Extra facts some codes carry, e.g. `retryAfter` seconds for KICKED and RATE_LIMITED. */
  readonly details?: Record<string, unknown>;
}

/** An error meant for the wire. Handlers throw it; the dispatcher turns it into a response. */
export class ChatError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    // An answer to a client, not a bug: nobody reads its stack, and capturing one was 13 %
    // of the CPU when an overloaded server refused sends by the thousand.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message ?? errorMessages[code]);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'ChatError';
  }

  toWire(): WireError {
    return this.details ? {code: this.code, message: this.message, details: this.details} : {code: this.code, message: this.message};
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorMessages, value);
}
