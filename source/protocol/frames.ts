/**
 * Every frame of the wire, typed. Requests are validated here (zod schemas); responses and
 * events are plain types that the server builds and the client validates loosely.
 */
import {z} from 'zod';
import {limits} from './limits.js';
import {aliasProblem} from './names.js';

// C0 controls except \n, DEL and C1 controls: they could repaint a terminal or hide text.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u;
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f]/u;

const codePoints = (s: string) => [...s].length;

const requestId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]);
const salonRef = z.union([z.number().int().positive().max(2 ** 31 - 1), z.string().min(1).max(64)]);
// A lone surrogate cannot be stored as UTF-8: the database would keep something else than
// what was delivered. Every text the server keeps or compares must be well formed.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);
const WELL_FORMED = 'not valid Unicode (lone surrogate)';

const plainLine = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL_OR_NEWLINE.test(s), 'control characters are not allowed')
    .refine(wellFormed, WELL_FORMED);

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/u;
export const ALIAS_PATTERN = /^[\p{L}\p{M}\p{N}_.'-]+(?: [\p{L}\p{M}\p{N}_.'-]+)*$/u;

const newUsername = z
  .string()
  .min(limits.usernameMin)
  .max(limits.usernameMax)
  .regex(USERNAME_PATTERN, 'letters, digits, dot, dash and underscore only');
const newAlias = z
  .string()
  .refine((s) => codePoints(s) >= 1 && codePoints(s) <= limits.aliasMax, `1 to ${limits.aliasMax} characters`)
  .refine((s) => ALIAS_PATTERN.test(s), 'letters, digits, single spaces and . _ - \' only')
  .superRefine((s, ctx) => {
    const problem = aliasProblem(s);
    if (problem) ctx.addIssue({code: 'custom', message: problem});
  });
const newPassword = z.string().min(limits.passwordMin).max(limits.passwordMax).refine(wellFormed, WELL_FORMED);
// Accounts from the original application may have any username, so login is lenient.
const anyUsername = plainLine(255);
const anyPassword = z.string().min(1).max(limits.passwordMax).refine(wellFormed, WELL_FORMED);
const messageText = z
  .string()
  .refine((s) => s.trim().length > 0, 'empty message')
  .refine((s) => codePoints(s) <= limits.maxMessageChars, `at most ${limits.maxMessageChars} characters`)
  .refine((s) => !CONTROL.test(s), 'control characters are not allowed')
  .refine(wellFormed, WELL_FORMED);
const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)/u;
export const SHORTCODE = /^:[a-z0-9_+-]{1,30}:$/u;
/** One emoji (a single grapheme cluster that starts as an emoji does) or a :shortcode:. */
export const isReaction = (s: string): boolean => {
  if (SHORTCODE.test(s)) return true;
  if (s.length > limits.reactionMaxChars || !wellFormed(s) || CONTROL_OR_NEWLINE.test(s)) return false;
  const clusters = [...graphemes.segment(s)];
  return clusters.length === 1 && EMOJI.test(s);
};
const reaction = z.string().min(1).max(limits.reactionMaxChars).refine(isReaction, 'one emoji or a :shortcode:');
const clientMsgId = plainLine(limits.clientMsgIdMax).optional();

const empty = z.object({});

export const requestSchemas = {
  hello: z.object({version: z.number().int().positive(), client: plainLine(64).optional()}),
  register: z.object({username: newUsername, alias: newAlias, password: newPassword}),
  login: z.object({username: anyUsername, password: anyPassword}),
  resume: z.object({token: z.string().min(1).max(128).refine(wellFormed, WELL_FORMED)}),
  logout: empty,
  ping: empty,
  salons: empty,
  join: z.object({salon: salonRef}),
  history: z
    .object({
      salon: salonRef,
      before: seq.optional(),
      after: seq.optional(),
      limit: z.number().int().min(1).max(limits.historyMaxPage).optional(),
    })
    .refine((r) => r.before === undefined || r.after === undefined, 'give before or after, not both'),
  send: z.object({salon: salonRef, text: messageText, clientMsgId, replyTo: seq.optional()}),
  edit: z.object({salon: salonRef, seq, text: messageText, clientMsgId}),
  delete: z.object({salon: salonRef, seq, clientMsgId}),
  /** `on`: true (the default) adds the reaction, false takes it back. */
  react: z.object({salon: salonRef, seq, emoji: reaction, on: z.boolean().optional(), clientMsgId}),
  reactions: z.object({salon: salonRef, seq}),
  /** `active`: false when the input was cleared or the message sent. */
  typing: z.object({salon: salonRef, active: z.boolean().optional()}),
  /** `salon` absent: every conversation the caller can read. `beforeId`: the next page (the last result's id). */
  search: z.object({
    salon: salonRef.optional(),
    text: plainLine(limits.searchMaxChars),
    before: seq.optional(),
    beforeId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().min(1).max(limits.historyMaxPage).optional(),
  }),
  members: z.object({salon: salonRef}),
  read: z.object({salon: salonRef, seq}),
  pending: empty,
  accept: z.object({username: anyUsername, salon: salonRef}),
  reject: z.object({username: anyUsername, salon: salonRef}),
  /** `seconds`: how long logins are refused (default limits.kickMinutes); `reason`: shown to the user. */
  kick: z.object({
    username: anyUsername,
    seconds: z.number().int().min(1).max(366 * 24 * 3600).optional(),
    reason: plainLine(limits.maxReasonLength).optional(),
  }),
  ban: z.object({username: anyUsername, reason: plainLine(limits.maxReasonLength).optional()}),
  /** Current kicks and bans. */
  blocks: empty,
  /** Ends a kick early, or lifts a ban on a name. */
  lift: z.object({username: anyUsername}),
  dm: z.object({with: z.array(anyUsername).min(1).max(limits.groupMaxParticipants - 1)}),
  salon_create: z.object({
    name: plainLine(limits.salonNameMax)
      .refine((s) => s.trim() === s && !/^\d+$/u.test(s), 'no surrounding spaces, not only digits (it would read as an id)'),
    moderated: z.boolean().optional(),
  }),
  salon_archive: z.object({salon: salonRef}),
  block: z.object({username: anyUsername}),
  unblock: z.object({username: anyUsername}),
} as const;

export type RequestType = keyof typeof requestSchemas;

/** A kick (until when) or a ban (until: null), as moderators see them. */
export interface BlockInfo {
  username: string;
  kind: 'kick' | 'ban';
  until: number | null;
  reason: string | null;
}
export type RequestId = z.infer<typeof requestId>;
export type SalonRef = z.infer<typeof salonRef>;
export type RequestParams<T extends RequestType> = z.infer<(typeof requestSchemas)[T]>;
export type Request = {[T in RequestType]: {id: RequestId; type: T} & RequestParams<T>}[RequestType];

export const requestIdSchema = requestId;

// ---- what the server sends ------------------------------------------------------------

export type Role = 'user' | 'moderator' | 'bot';
export type MembershipState = 'member' | 'pending' | 'none';

export interface UserInfo {
  id: number;
  username: string;
  alias: string;
  role: Role;
}

export type ConversationKind = 'salon' | 'dm' | 'group';

/** Who takes part in a direct message or group. */
export interface ParticipantInfo {
  username: string;
  alias: string;
}

/** A conversation as the caller sees it: a salon, or one of the caller's direct messages and groups. */
export interface SalonInfo {
  id: number;
  /** A salon's name; for a direct message or group, the other participants' aliases. */
  name: string;
  /** Always sent by this server; absent means a salon. */
  kind?: ConversationKind;
  moderated: boolean;
  state: MembershipState;
  /** Direct messages and groups: every participant, the caller included. */
  participants?: ParticipantInfo[];
  /** Present and true only in the event that archives a salon. */
  archived?: boolean;
  /** Sequence number of the salon's newest row (0 when empty); members only, else 0. */
  lastSeq: number;
  /** The caller's read marker (a seq). */
  readSeq: number;
  /**
   * Messages counted up to the newest row and up to the read marker: unread = lastN - readN
   * (changes to messages take seqs but are not counted). Always sent by this server.
   */
  lastN?: number;
  readN?: number;
  /** In the `salons` list, for members: when the newest message was sent (ms), 0 when none. Orders direct messages by last activity. */
  lastTs?: number;
}

/** The result of login and resume. */
export interface LoginResult {
  user: UserInfo;
  /** Give it to `resume` after a reconnect; revoked by logout, KICK and BAN. */
  token: string;
  salons: SalonInfo[];
}

export interface MessageInfo {
  id: number;
  salon: number;
  seq: number;
  /** Author's username; null once the account was banned (deleted). */
  author: string | null;
  alias: string | null;
  text: string;
  /** Milliseconds since the epoch, UTC. */
  ts: number;
  clientMsgId?: string;
  /**
   * Messages in the conversation up to this one (a change: up to it). Unread counts count
   * messages, so they are differences of n, not of seq. Always sent by this server.
   */
  n?: number;
  /** Absent for a message; a change to the message at `target` otherwise (see PROTOCOL.md). */
  kind?: ChangeKind;
  target?: number;
  /** The seq of the message this one answers. */
  replyTo?: number;
  /** In pages and answers: the start of the message answered, as it stands. */
  reply?: ReplyPreview;
  /** When the text was last edited. */
  editedAt?: number;
  /** A deleted message: no text, when and by whom (the author, or a moderator). */
  deletedAt?: number;
  deletedBy?: string;
  /** The seq of the latest change applied to this message: an older change is not applied again. */
  changedSeq?: number;
  /** In pages: the reactions as they stand, most given first. */
  reactions?: ReactionCount[];
  /** Posted by a bot (an incoming webhook): clients mark it. */
  bot?: true;
}

export type ChangeKind = 'edit' | 'delete' | 'react' | 'unreact';

export interface ReplyPreview {
  seq: number;
  alias: string | null;
  /** At most limits.replyPreviewChars characters; empty when deleted. */
  text: string;
  deleted?: true;
}

export interface ReactionCount {
  emoji: string;
  count: number;
  /** The caller is among them. */
  mine?: true;
}

export interface MemberInfo {
  username: string;
  alias: string;
  online: boolean;
}

export interface JoinRequestInfo {
  username: string;
  alias: string;
  salon: number;
  salonName: string;
  ts: number;
}

export type MembershipReason = 'joined' | 'requested' | 'accepted' | 'rejected' | 'left' | 'banned';

export type Event =
  | ({event: 'message'} & MessageInfo)
  | {event: 'membership'; salon: number; salonName: string; username: string; alias: string; state: MembershipState; reason: MembershipReason}
  | ({event: 'join_request'} & JoinRequestInfo)
  | {event: 'join_request_closed'; username: string; salon: number; outcome: 'accepted' | 'rejected' | 'withdrawn'}
  | {event: 'presence'; username: string; alias: string; online: boolean}
  /** `n`: the messages counted up to the marker (unread = the newest row's n − n). */
  | {event: 'read'; salon: number; seq: number; n?: number}
  /** Someone else is typing in a conversation (never stored; forget it after limits.typingExpiryMs). */
  | {event: 'typing'; salon: number; username: string; alias: string; active: boolean}
  | {event: 'kicked'; minutes: number; until: number; reason?: string}
  | {event: 'banned'; reason?: string}
  /** The operator ended this session: its token is revoked, the client signs in again. */
  | {event: 'disconnected'; reason: 'operator'}
  /** The company directory disabled the account (or it left the directory): the session is over. */
  | {event: 'disabled'}
  /** A direct message or group the user takes part in, new to this connection (opened by anyone). */
  | {event: 'conversation'; conversation: SalonInfo}
  /** A salon created (or archived: `archived` true) while the user is connected. */
  | {event: 'salon'; salon: SalonInfo}
  | {event: 'shutdown'; reason: string};

export type ServerEventName = Event['event'];

/** What the server's limits look like in the hello result. */
export type WireLimits = Record<string, number>;

export interface MessagePage {
  salon: number;
  messages: MessageInfo[];
  /** More messages lie beyond this page in the direction asked. */
  hasMore: boolean;
}

/**
 * The result of each request type: the server's handlers must return it and the client's
 * `request` resolves with it, both checked by the compiler.
 */
export interface ResponseMap {
  hello: {version: number; server: string; serverVersion: string; limits: WireLimits};
  ping: {time: number};
  register: {user: {username: string; alias: string}};
  login: LoginResult;
  resume: LoginResult;
  logout: Record<string, never>;
  salons: {salons: SalonInfo[]};
  join: {salon: SalonInfo};
  history: MessagePage;
  send: {message: MessageInfo};
  /** The change as stored (a row of the stream), or null when it changed nothing. */
  edit: {change: MessageInfo | null};
  delete: {change: MessageInfo | null};
  react: {change: MessageInfo | null};
  reactions: {salon: number; seq: number; reactions: {emoji: string; username: string; alias: string}[]};
  typing: Record<string, never>;
  /**
   * `salon`: the conversation searched, when one was given. `next`: the `beforeId` of the
   * next page, present when `hasMore` (a page may be short, even empty, and still have one:
   * the server bounds the work of each search).
   */
  search: {salon?: number; messages: MessageInfo[]; hasMore: boolean; next?: number};
  members: {salon: number; members: MemberInfo[]};
  read: {salon: number; seq: number; n: number};
  pending: {requests: JoinRequestInfo[]};
  accept: {username: string; salon: number};
  reject: {username: string; salon: number};
  kick: {username: string; minutes: number; until: number; reason: string | null};
  ban: {username: string; reason: string | null};
  blocks: {blocks: BlockInfo[]; now: number};
  lift: {username: string; was: 'kick' | 'ban'};
  dm: {salon: SalonInfo};
  salon_create: {salon: SalonInfo};
  salon_archive: {salon: number};
  block: {username: string; blocked: boolean};
  unblock: {username: string; blocked: boolean};
}

export type ResponseOf<T extends RequestType> = ResponseMap[T];

export interface OkResponse<R = unknown> {
  id: RequestId;
  ok: true;
  result: R;
}

export interface ErrorResponse {
  id: RequestId | null;
  ok: false;
  error: {code: string; message: string; details?: Record<string, unknown>};
}

export type Response = OkResponse | ErrorResponse;
