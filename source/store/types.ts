/**
 * The seam between the server and its database. The server sees only this interface; the
 * SQLite and MySQL backends implement it and pass one conformance suite (test/store/).
 * Times are milliseconds since the epoch, UTC.
 */
import type {ReactionCount, ReplyPreview, Role} from '../protocol/frames.js';
import type {MessageValues} from './message-fields.js';

export interface UserRecord {
  id: number;
  username: string;
  alias: string;
  role: Role;
  passwordHash: string;
  kickedUntil: number | null;
  /** Why the account was kicked, shown to its owner until the kick ends. */
  kickReason?: string | null;
  /** The directory's stable id (entryUUID, objectGUID) of an account made by directory sign-in; absent or null: local. */
  directoryId?: string | null;
  /** The directory sync found the person gone or disabled: no sign-in, no resume. */
  disabled?: boolean;
}

/** A salon (named, listed to everyone), a direct message between two accounts, or a group of 3 to 8. */
export type ConversationKind = 'salon' | 'dm' | 'group';

export interface SalonRecord {
  id: number;
  name: string;
  moderated: boolean;
  /** Sequence number of the newest stored message; 0 for an empty salon. */
  seq: number;
  kind: ConversationKind;
  /** Read-only and hidden from the salon list; history kept. */
  archived: boolean;
  /** When its newest message was sent (ms), 0 when it has none. Filled by listSalons only. */
  lastTs?: number;
  /** Messages it holds (changes not counted): the n of its newest row. */
  msgs?: number;
}

export interface BlockRecord {
  blockerId: number;
  blockedId: number;
}

export interface MembershipRecord {
  username: string;
  salonId: number;
  lastReadSeq: number;
  /** The messages counted up to the read marker's row (its n; 0 when there is none). */
  readN: number;
}

export interface JoinRequestRecord {
  clientId: number;
  username: string;
  salonId: number;
  ts: number;
}

export interface NewMessage {
  clientId: number;
  username: string;
  alias: string;
  salonId: number;
  text: string;
  ts: number;
  clientMsgId?: string | undefined;
  /** The seq of the message this one answers, in the same conversation. */
  replyTo?: number | undefined;
  /** Posted by a bot account (a webhook). */
  bot?: true;
}

/** A stored message: its fields, defined once in message-fields.ts, and its author's username. */
export interface StoredMessage extends MessageValues {
  /** Author's username; null once the account was deleted by a BAN. */
  username: string | null;
  /** Set when a retry returned a message stored earlier: it must not be delivered again. */
  replayed?: true;
  /** Posted by a bot (a webhook): its author's account has the role 'bot' (not a column). */
  bot?: true;
  /** A reply: the start of the message answered, read when it was sent (not a column). */
  reply?: ReplyPreview;
}

/** A reply's preview and a message's reaction counts are kept as the wire shows them. */
export type {ReactionCount, ReplyPreview};

/** Who reacted to a message with what. */
export interface ReactionRecord {
  emoji: string;
  username: string;
  alias: string;
}

export type {Answer, ChangeOutcome, ChangeRules, NewChange, Submission} from './changes.js';
export type {StoreSearch} from './search.js';

/**
 * A page of search results and the `beforeId` of the next page: null when there is none.
 * The page may hold fewer than the limit, even none, with a next page, when the search
 * reached its bound of work (store/search-mysql.ts).
 */
export interface SearchPage {
  messages: StoredMessage[];
  next: number | null;
}
export type {HookRecord} from './hooks.js';
export type {PurgeStep, RetentionPolicy} from './retention.js';
import type {PurgeStep, RetentionPolicy} from './retention.js';
export type {ExportReader, ExportScope} from './export.js';
import type {ExportReader} from './export.js';
export type {AuditQuery, AuditRecord, AuditVia, BanRecord, BotRecord, NewAuditRecord} from './operator.js';
import type {AuditQuery, AuditRecord, BanRecord, BotRecord, NewAuditRecord} from './operator.js';
import type {HookRecord} from './hooks.js';
import type {StoreSearch} from './search.js';
import type {Answer, ChangeOutcome, ChangeRules, NewChange, Submission} from './changes.js';

export interface NewUser {
  username: string;
  alias: string;
  passwordHash: string;
  role: Role;
  ts: number;
  /** Set for an account made at a person's first directory sign-in (see store/directory.ts). */
  directoryId?: string;
}

export type StoreKind = 'sqlite' | 'mysql';

export interface Store {
  readonly kind: StoreKind;
  /** Where the data lives, for logs: a file path or a URL without its password. */
  readonly location: string;
  close(): Promise<void>;
  /**
   * Starts the threads searches run on now rather than at the first search, which waited
   * for them (MySQL's: 230 ms idle, 400-560 ms under load, the searches meanwhile holding
   * the node's search slots; SQLite's two readers 80-100 ms each). chat-server calls it once
   * it listens, without waiting; resolves once they are ready (a failure is the first
   * search's to report). Costs 12-20 MB of memory.
   */
  prepareSearch(): Promise<void>;

  /** @throws ConflictError when the username or alias exists. */
  createUser(user: NewUser): Promise<UserRecord>;
  findUser(username: string): Promise<UserRecord | undefined>;
  findUserById(id: number): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  countModerators(): Promise<number>;
  setPasswordHash(clientId: number, hash: string): Promise<void>;
  setStatus(clientIds: readonly number[], status: 'connected' | 'disconnected'): Promise<void>;
  /** Marks every account disconnected (at start: nobody is connected to a fresh process). */
  resetStatuses(): Promise<number>;
  setKickedUntil(clientId: number, until: number | null, reason?: string | null): Promise<void>;
  /** Deletes the account with its memberships, requests and sessions, and bans the name. */
  banUser(clientId: number, username: string, by: string, ts: number, reason?: string | null): Promise<void>;
  isBanned(username: string): Promise<boolean>;
  listBans(): Promise<BanRecord[]>;
  /** Lifts the ban on a name; false when it was not banned. */
  unban(username: string): Promise<boolean>;

  /** @throws ConflictError when an account has that name (as username or alias). */
  createBot(bot: {name: string; salonIds: readonly number[]; tokenHash: string; ts: number; by: string}): Promise<number>;
  /** Disables a live bot: token, memberships and sessions gone, account kept; false when none. */
  revokeBot(name: string, ts: number): Promise<boolean>;
  listBots(): Promise<BotRecord[]>;
  /** The client id of the live bot holding this token. */
  findBotByToken(tokenHash: string): Promise<number | undefined>;

  /** Append-only: there is no way to change or delete a record. */
  appendAudit(record: NewAuditRecord): Promise<void>;
  listAudit(query: AuditQuery): Promise<AuditRecord[]>;
  /** The account made for this directory person (see store/directory.ts), disabled or not. */
  findUserByDirectoryId(directoryId: string): Promise<UserRecord | undefined>;
  /** Every account made by directory sign-in, disabled or not, for the directory sync. */
  listDirectoryUsers(): Promise<UserRecord[]>;
  /**
   * What the directory says of a directory account now: its alias, its role, and whether it
   * is disabled. Disabling deletes its sessions in the same transaction (nobody resumes).
   * @throws ConflictError('alias') when the alias is another account's.
   */
  updateDirectoryUser(clientId: number, change: {alias: string; role: Role; disabled: boolean}, ts: number): Promise<void>;

  listSalons(): Promise<SalonRecord[]>;
  /**
   * The direct message or group of exactly these accounts (2 to 8 client ids), created with
   * their memberships if it does not exist; the same set always gives the same one, also
   * when two callers open it at once.
   */
  openConversation(clientIds: readonly number[], ts: number): Promise<{record: SalonRecord; created: boolean}>;
  /** @throws ConflictError('salon') when a salon has that name, ignoring case and accents. */
  createSalon(name: string, moderated: boolean, ts: number): Promise<SalonRecord>;
  setArchived(salonId: number, archived: boolean): Promise<void>;
  setBlock(blockerId: number, blockedId: number, blocked: boolean, ts: number): Promise<void>;
  listBlocks(): Promise<BlockRecord[]>;
  listMemberships(): Promise<MembershipRecord[]>;
  /** Idempotent: adding an existing membership is not an error. */
  addMembership(username: string, salonId: number): Promise<void>;
  setReadMarker(username: string, salonId: number, seq: number): Promise<void>;
  /** The messages counted up to the row at seq (its n), 0 for seq 0. */
  countAt(salonId: number, seq: number): Promise<number>;

  addJoinRequest(clientId: number, salonId: number, ts: number): Promise<void>;
  /** Removes the request and, when accepted, adds the membership, in one transaction. */
  resolveJoinRequest(clientId: number, username: string, salonId: number, accept: boolean): Promise<boolean>;
  listJoinRequests(): Promise<JoinRequestRecord[]>;

  /**
   * Creates a session unless the account is gone or kicked at `ts`, checked in the same
   * statement (so a KICK or BAN committed first wins); then keeps only the account's `keep`
   * newest live sessions. False when refused.
   */
  createSession(tokenHash: string, clientId: number, ts: number, expiresAt: number, keep: number): Promise<boolean>;
  findSession(tokenHash: string, now: number): Promise<number | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteSessionsOf(clientId: number): Promise<void>;

  /**
   * Stores a batch in one transaction and returns one stored message per input, in input
   * order. Each salon's counter advances in the same transaction, so sequence numbers are
   * gap-free and equal to the stored order. An input whose (clientId, clientMsgId) was stored
   * before returns that first stored message instead of a new one.
   */
  appendMessages(batch: readonly NewMessage[]): Promise<StoredMessage[]>;
  /** Stores changes to messages in order, in one transaction (see changes.ts). */
  applyChanges(batch: readonly NewChange[], rules: ChangeRules): Promise<ChangeOutcome[]>;
  /**
   * Stores sends and changes in submission order, in one transaction with one commit: one
   * answer per input, a stored message for a send, an outcome for a change. A change
   * refused by the rules is an answer, not a failure: the sends beside it are stored.
   */
  writeBatch(batch: readonly Submission[], rules: ChangeRules): Promise<Answer[]>;
  /** The messages (not changes) at these seqs, as they stand. */
  findMessages(salonId: number, seqs: readonly number[]): Promise<Map<number, StoredMessage>>;
  /** Reactions of these messages as they stand, counted, with the reader's own marked. */
  reactionCounts(salonId: number, seqs: readonly number[], readerId: number): Promise<Map<number, ReactionCount[]>>;
  /** Who reacted to the message with what, oldest first. */
  reactions(salonId: number, seq: number): Promise<ReactionRecord[]>;
  /** Up to `limit` messages with seq < before (or the newest), oldest first. */
  history(salonId: number, before: number | undefined, limit: number): Promise<StoredMessage[]>;
  /** Creates a webhook with its bot account. @throws ConflictError('alias') when the name is an account's alias. */
  createHook(hook: {name: string; salonId: number; secretHash: string; ts: number; by: string}): Promise<HookRecord>;
  /** The hook with this secret's hash, revoked or not. */
  findHook(secretHash: string): Promise<HookRecord | undefined>;
  listHooks(): Promise<HookRecord[]>;
  /** Revokes the live hooks of that name; how many. */
  revokeHook(name: string, ts: number): Promise<number>;
  /** Messages matching a search, newest first (see store/search.ts); off the server's thread. */
  search(search: StoreSearch): Promise<SearchPage>;
  /**
   * Indexes for search the messages stored before the index existed, walking down from
   * `beforeId` by up to `limit` rows; returns where to go on from (null: done) and the
   * newest id (for progress) when `beforeId` is null.
   */
  indexBacklog(beforeId: number | null, limit: number): Promise<{next: number | null; newest: number}>;
  /** Whether a message waits to be indexed (read off the server's thread on SQLite). */
  hasBacklog(): Promise<boolean>;
  /** Up to `limit` messages with seq > after, oldest first (catch-up and gap filling). */
  messagesAfter(salonId: number, after: number, limit: number): Promise<StoredMessage[]>;

  /** Reads for `chat-server export`, in pages (store/export.ts). */
  exportReader(): ExportReader;

  /** Retention (store/retention.ts): the periods set, per salon and by default. */
  retentionPolicy(): Promise<RetentionPolicy>;
  /** salonId null: the default. days null: a salon follows the default, the default keeps all. */
  setRetention(salonId: number | null, days: number | null): Promise<void>;
  /** Deletes up to `limit` of the conversation's oldest rows sent before `cutoff`, in one short transaction. */
  purgeBatch(salonId: number, cutoff: number, limit: number): Promise<PurgeStep>;
  /** Every row of the conversation up to this seq was deleted by retention (0: none). */
  purgedUpTo(salonId: number): Promise<number>;
  /** When the conversation's oldest kept row was sent, null when it has none. */
  oldestKept(salonId: number): Promise<number | null>;
}

export class ConflictError extends Error {
  constructor(readonly field: 'username' | 'alias' | 'salon') {
    super(`${field} already exists`);
    this.name = 'ConflictError';
  }
}

/** The database cannot be reached or is locked; the operation had no effect. */
export class StoreUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoreUnavailableError';
  }
}
