/**
 * The one Store implementation, written once over Kysely. The backends differ only in the
 * few facts a `Flavor` holds (how times are stored, how rows are locked, how errors read).
 */
import type {Kysely} from 'kysely';
import type {Role} from '../protocol/frames.js';
import type {Answer, ChangeOutcome, ChangeRules, NewChange, Submission} from './changes.js';
import {writeBatchInOneTrip} from './changes-mysql.js';
import {writeBatchInTransaction} from './changes-sqlite.js';
import type {Flavor} from './flavor.js';
import {KnownMessages} from './known-messages.js';
import {createSalon, listSalons, openConversation, setArchived} from './conversations.js';
import {type HookRecord, createHook, findHook, listHooks, revokeHook} from './hooks.js';
import {updateDirectoryUser} from './directory.js';
import * as accounts from './accounts.js';
import * as memberships from './memberships.js';
import * as reactionStore from './reactions.js';
import * as backlog from './search-backlog.js';
import {
  type AuditQuery,
  type AuditRecord,
  type BanRecord,
  type BotRecord,
  type NewAuditRecord,
  appendAudit,
  createBot,
  findBotByToken,
  listAudit,
  listBans,
  listBots,
  revokeBot,
  unban,
} from './operator.js';
import {type StoreSearch, findMessages} from './search.js';
import * as retention from './retention.js';
import {ExportReader} from './export.js';
import {appendInOneTrip, appendInTransaction, historyPage, messagesAfter, messagesAt, toMessage} from './messages.js';
import {type Database, type TimeValue, toMs} from './schema.js';
import {
  type BlockRecord,
  ConflictError,
  type JoinRequestRecord,
  type MembershipRecord,
  type NewMessage,
  type NewUser,
  type ReactionCount,
  type ReactionRecord,
  type SalonRecord,
  type SearchPage,
  type Store,
  type StoreKind,
  StoreUnavailableError,
  type StoredMessage,
  type UserRecord,
} from './types.js';

export type {Flavor};

/** How long a busy database is retried before the caller hears STORE_UNAVAILABLE. */
const BUSY_RETRY_MS = 2000;

export class SqlStore implements Store {
  readonly kind: StoreKind;
  readonly location: string;
  /** MySQL: recent messages as this node left them, so that most changes need no read (changes-mysql.ts). */
  private readonly known = new KnownMessages();

  constructor(private readonly db: Kysely<Database>, private readonly flavor: Flavor) {
    this.kind = flavor.kind;
    this.location = flavor.location;
  }

  async prepareSearch(): Promise<void> {
    await Promise.all([this.flavor.reader?.prepare(), this.flavor.searchThread?.prepare({prepare: true})]);
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.flavor.destroy();
  }

  /**
   * Every call goes through here so that callers see two kinds of failure, not twenty. A
   * busy database is retried here, asynchronously, rather than waited for inside the driver:
   * better-sqlite3 would wait on the event loop and freeze every connection meanwhile.
   */
  private async run<T>(work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + BUSY_RETRY_MS;
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      try {
        return await work();
      } catch (error) {
        if (this.flavor.isBusy(error) && Date.now() + pause < deadline) {
          await new Promise((resolve) => setTimeout(resolve, pause));
          continue;
        }
        const field = this.flavor.conflictField(error);
        if (field) throw new ConflictError(field);
        if (this.flavor.isUnavailable(error)) throw new StoreUnavailableError(error);
        throw error;
      }
    }
  }

  createUser(user: NewUser): Promise<UserRecord> {
    return this.run(() => accounts.createUser(this.db, this.flavor, user));
  }

  findUser(username: string): Promise<UserRecord | undefined> {
    return this.run(() => accounts.findUser(this.db, username));
  }

  findUserById(id: number): Promise<UserRecord | undefined> {
    return this.run(() => accounts.findUserById(this.db, id));
  }

  listUsers(): Promise<UserRecord[]> {
    return this.run(() => accounts.listUsers(this.db));
  }

  countModerators(): Promise<number> {
    return this.run(() => accounts.countModerators(this.db));
  }

  setPasswordHash(clientId: number, hash: string): Promise<void> {
    return this.run(() => accounts.setPasswordHash(this.db, clientId, hash));
  }

  setStatus(clientIds: readonly number[], status: 'connected' | 'disconnected'): Promise<void> {
    if (clientIds.length === 0) return Promise.resolve();
    return this.run(() => accounts.setStatus(this.db, clientIds, status));
  }

  resetStatuses(): Promise<number> {
    return this.run(() => accounts.resetStatuses(this.db));
  }

  setKickedUntil(clientId: number, until: number | null, reason: string | null = null): Promise<void> {
    return this.run(() => accounts.setKickedUntil(this.db, this.flavor, clientId, until, reason));
  }

  banUser(clientId: number, username: string, by: string, ts: number, reason: string | null = null): Promise<void> {
    return this.run(() => accounts.banUser(this.db, this.flavor, clientId, username, by, ts, reason));
  }

  findUserByDirectoryId(directoryId: string): Promise<UserRecord | undefined> {
    return this.run(() => accounts.findUserByDirectoryId(this.db, directoryId));
  }

  listDirectoryUsers(): Promise<UserRecord[]> {
    return this.run(() => accounts.listDirectoryUsers(this.db));
  }

  updateDirectoryUser(clientId: number, change: {alias: string; role: Role; disabled: boolean}, ts: number): Promise<void> {
    return this.run(() => updateDirectoryUser(this.db, this.flavor, clientId, change, ts));
  }

  isBanned(username: string): Promise<boolean> {
    return this.run(() => accounts.isBanned(this.db, username));
  }

  listSalons(): Promise<SalonRecord[]> {
    return this.run(() => listSalons(this.db));
  }

  openConversation(clientIds: readonly number[], ts: number): Promise<{record: SalonRecord; created: boolean}> {
    return this.run(() => openConversation(this.db, this.flavor, clientIds, ts));
  }

  createSalon(name: string, moderated: boolean, ts: number): Promise<SalonRecord> {
    return this.run(() => createSalon(this.db, this.flavor, name, moderated, ts));
  }

  setArchived(salonId: number, archived: boolean): Promise<void> {
    return this.run(() => setArchived(this.db, salonId, archived));
  }

  setBlock(blockerId: number, blockedId: number, blocked: boolean, ts: number): Promise<void> {
    return this.run(() => memberships.setBlock(this.db, this.flavor, blockerId, blockedId, blocked, ts));
  }

  listBlocks(): Promise<BlockRecord[]> {
    return this.run(() => memberships.listBlocks(this.db));
  }

  listMemberships(): Promise<MembershipRecord[]> {
    return this.run(() => memberships.listMemberships(this.db));
  }

  addMembership(username: string, salonId: number): Promise<void> {
    return this.run(() => memberships.addMembership(this.db, username, salonId));
  }

  setReadMarker(username: string, salonId: number, seq: number): Promise<void> {
    return this.run(() => memberships.setReadMarker(this.db, username, salonId, seq));
  }

  addJoinRequest(clientId: number, salonId: number, ts: number): Promise<void> {
    return this.run(() => memberships.addJoinRequest(this.db, this.flavor, clientId, salonId, ts));
  }

  resolveJoinRequest(clientId: number, username: string, salonId: number, accept: boolean): Promise<boolean> {
    return this.run(() => memberships.resolveJoinRequest(this.db, clientId, username, salonId, accept));
  }

  listJoinRequests(): Promise<JoinRequestRecord[]> {
    return this.run(() => memberships.listJoinRequests(this.db));
  }

  createSession(tokenHash: string, clientId: number, ts: number, expiresAt: number, keep: number): Promise<boolean> {
    return this.run(() => accounts.createSession(this.db, this.flavor, tokenHash, clientId, ts, expiresAt, keep));
  }

  findSession(tokenHash: string, now: number): Promise<number | undefined> {
    return this.run(() => accounts.findSession(this.db, this.flavor, tokenHash, now));
  }

  deleteSession(tokenHash: string): Promise<void> {
    return this.run(() => accounts.deleteSession(this.db, tokenHash));
  }

  deleteSessionsOf(clientId: number): Promise<void> {
    return this.run(() => accounts.deleteSessionsOf(this.db, clientId));
  }

  appendMessages(batch: readonly NewMessage[]): Promise<StoredMessage[]> {
    if (batch.length === 0) return Promise.resolve([]);
    if (this.flavor.append === 'one-trip') {
      return this.run(() =>
        this.withTerms(async () => {
          const stored = await this.db.connection().execute((db) => appendInOneTrip(db, this.flavor, batch));
          this.known.rememberSent(stored);
          return stored;
        }),
      );
    }
    return this.run(() => this.withTerms(() => this.db.transaction().execute((trx) => appendInTransaction(trx, this.flavor, batch))));
  }

  createHook(hook: {name: string; salonId: number; secretHash: string; ts: number; by: string}): Promise<HookRecord> {
    return this.run(() => createHook(this.db, this.flavor, hook));
  }

  findHook(secretHash: string): Promise<HookRecord | undefined> {
    return this.run(() => findHook(this.db, secretHash, (v) => toMs(v as TimeValue | null)));
  }

  listHooks(): Promise<HookRecord[]> {
    return this.run(() => listHooks(this.db, (v) => toMs(v as TimeValue | null)));
  }

  revokeHook(name: string, ts: number): Promise<number> {
    return this.run(() => revokeHook(this.db, this.flavor, name, ts));
  }

  createBot(bot: {name: string; salonIds: readonly number[]; tokenHash: string; ts: number; by: string}): Promise<number> {
    return this.run(() => createBot(this.db, this.flavor, bot));
  }

  revokeBot(name: string, ts: number): Promise<boolean> {
    return this.run(() => revokeBot(this.db, this.flavor, name, ts));
  }

  listBots(): Promise<BotRecord[]> {
    return this.run(() => listBots(this.db));
  }

  findBotByToken(tokenHash: string): Promise<number | undefined> {
    return this.run(() => findBotByToken(this.db, tokenHash));
  }

  listBans(): Promise<BanRecord[]> {
    return this.run(() => listBans(this.db));
  }

  unban(username: string): Promise<boolean> {
    return this.run(() => unban(this.db, username));
  }

  appendAudit(record: NewAuditRecord): Promise<void> {
    return this.run(() => appendAudit(this.db, this.flavor, record));
  }

  listAudit(query: AuditQuery): Promise<AuditRecord[]> {
    return this.run(() => listAudit(this.db, this.flavor, query));
  }

  writeBatch(batch: readonly Submission[], rules: ChangeRules): Promise<Answer[]> {
    if (batch.length === 0) return Promise.resolve([]);
    if (this.flavor.append === 'one-trip') return this.run(() => this.withTerms(() => this.db.connection().execute((db) => writeBatchInOneTrip(db, this.flavor, batch, rules, this.known))));
    return this.run(() => this.withTerms(() => this.db.transaction().execute((trx) => writeBatchInTransaction(trx, this.flavor, batch, rules))));
  }

  /**
   * A write (its own transaction) that may add words to search's vocabulary: the words it
   * wrote are remembered only once it committed (store/search-terms.ts).
   */
  private async withTerms<T>(write: () => Promise<T>): Promise<T> {
    try {
      const result = await write();
      const learned = this.flavor.terms?.committed() ?? [];
      if (learned.length > 0) this.flavor.searchThread?.tell({learned});
      return result;
    } catch (error) {
      this.flavor.terms?.forget();
      throw error;
    }
  }

  async applyChanges(batch: readonly NewChange[], rules: ChangeRules): Promise<ChangeOutcome[]> {
    return (await this.writeBatch(
      batch.map((change) => ({change})),
      rules,
    )) as ChangeOutcome[];
  }

  countAt(salonId: number, seq: number): Promise<number> {
    if (seq <= 0) return Promise.resolve(0);
    return this.run(() => retention.countAt(this.db, salonId, seq));
  }

  findMessages(salonId: number, seqs: readonly number[]): Promise<Map<number, StoredMessage>> {
    if (seqs.length === 0) return Promise.resolve(new Map());
    return this.run(() => messagesAt(this.db, salonId, seqs));
  }

  reactionCounts(salonId: number, seqs: readonly number[], readerId: number): Promise<Map<number, ReactionCount[]>> {
    if (seqs.length === 0) return Promise.resolve(new Map());
    return this.run(() => reactionStore.reactionCounts(this.db, salonId, seqs, readerId));
  }

  reactions(salonId: number, seq: number): Promise<ReactionRecord[]> {
    return this.run(() => reactionStore.reactions(this.db, salonId, seq));
  }

  history(salonId: number, before: number | undefined, limit: number): Promise<StoredMessage[]> {
    return this.run(() => historyPage(this.db, salonId, before, limit));
  }

  search(search: StoreSearch): Promise<SearchPage> {
    if (search.salonIds.length === 0) return Promise.resolve({messages: [], next: null});
    return this.run(async () => {
      const {rows, next} = await findMessages(this.db, this.flavor, search);
      return {messages: (rows as Parameters<typeof toMessage>[0][]).map(toMessage), next};
    });
  }

  indexBacklog(beforeId: number | null, limit: number): Promise<{next: number | null; newest: number}> {
    return this.run(() => backlog.indexBacklog(this.db, beforeId, limit));
  }

  hasBacklog(): Promise<boolean> {
    return this.run(() => backlog.hasBacklog(this.db, this.flavor));
  }

  messagesAfter(salonId: number, after: number, limit: number): Promise<StoredMessage[]> {
    return this.run(() => messagesAfter(this.db, salonId, after, limit));
  }

  exportReader(): ExportReader {
    return new ExportReader(this.db, this.flavor, (work) => this.run(work));
  }

  retentionPolicy(): Promise<retention.RetentionPolicy> {
    return this.run(() => retention.retentionPolicy(this.db));
  }

  setRetention(salonId: number | null, days: number | null): Promise<void> {
    return this.run(() => retention.setRetention(this.db, salonId, days));
  }

  purgeBatch(salonId: number, cutoff: number, limit: number): Promise<retention.PurgeStep> {
    return this.run(() => retention.purgeBatch(this.db, this.flavor.kind, salonId, cutoff, limit));
  }

  purgedUpTo(salonId: number): Promise<number> {
    return this.run(() => retention.purgedUpTo(this.db, salonId));
  }

  oldestKept(salonId: number): Promise<number | null> {
    return this.run(() => retention.oldestKept(this.db, salonId));
  }
}
