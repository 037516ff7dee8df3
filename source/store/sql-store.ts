/**
 * The one Store implementation, written once over Kysely. The backends differ only in the
 * few facts a `Flavor` holds (how times are stored, how rows are locked, how errors read).
 */
import {type Kysely, type Transaction, sql} from 'kysely';
import type {Role} from '../protocol/frames.js';
import type {Answer, ChangeOutcome, ChangeRules, NewChange, Submission} from './changes.js';
import {writeBatchInOneTrip} from './changes-mysql.js';
import {writeBatchInTransaction} from './changes-sqlite.js';
import {KnownMessages} from './known-messages.js';
import {SALON_COLUMNS, createSalon, openConversation, toSalon} from './conversations.js';
import {type HookRecord, createHook, findHook, listHooks, revokeHook} from './hooks.js';
import {updateDirectoryUser} from './directory.js';
import * as accounts from './accounts.js';
import {indexedText} from '../protocol/search.js';
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
import type {SearchTerms} from './search-terms.js';
import * as retention from './retention.js';
import {ExportReader} from './export.js';
import type {ReaderThreads} from './reader-threads.js';
import type {SqliteReader} from './sqlite-reader.js';
import {appendInOneTrip, appendInTransaction, messageQuery, toMessage} from './messages.js';
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

export interface Flavor {
  readonly kind: StoreKind;
  readonly location: string;
  /** How a time in ms is written to a time column. */
  time(ms: number): TimeValue;
  /** A multi-row INSERT's AUTO_INCREMENT ids are consecutive from its insertId. */
  readonly consecutiveIds?: boolean;
  /**
   * How a batch of messages is appended: in one local transaction, step by step (SQLite,
   * where a step costs no round trip), or as one multi-statement query (MySQL).
   */
  readonly append: 'in-transaction' | 'one-trip';
  conflictField(error: unknown): 'username' | 'alias' | null;
  isUnavailable(error: unknown): boolean;
  /** Contention that clears by itself (another process holds a lock): worth a retry. */
  isBusy(error: unknown): boolean;
  /** The unique (client, clientMsgId) key refused a send: it is a retry already stored. */
  isDuplicateSend(error: unknown): boolean;
  /** Where reads that grow with the data run off the server's thread (SQLite); absent: the pool. */
  readonly reader?: SqliteReader;
  /** Search's vocabulary, written with each batch (store/search-terms.ts). */
  readonly terms?: SearchTerms;
  /** Where MySQL's search runs, off the server's thread (mysql-search-worker.ts). */
  readonly searchThread?: ReaderThreads;
  destroy(): Promise<void>;
}

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
    return this.run(async () => {
      // The newest message of each, by the unique (salon_id, seq) key: one index lookup per row.
      const rows = await this.db
        .selectFrom('salons')
        .leftJoin('messages', (join) => join.onRef('messages.salon_id', '=', 'salons.salon_id').onRef('messages.seq', '=', 'salons.seq'))
        .select(SALON_COLUMNS.map((c) => `salons.${c}` as const))
        .select('messages.timestamp as last_ts')
        .orderBy('salons.salon_id')
        .execute();
      return rows.map((r) => ({...toSalon(r), lastTs: toMs(r.last_ts) ?? 0}));
    });
  }

  openConversation(clientIds: readonly number[], ts: number): Promise<{record: SalonRecord; created: boolean}> {
    return this.run(() => openConversation(this.db, this.flavor, clientIds, ts));
  }

  createSalon(name: string, moderated: boolean, ts: number): Promise<SalonRecord> {
    return this.run(() => createSalon(this.db, this.flavor, name, moderated, ts));
  }

  setArchived(salonId: number, archived: boolean): Promise<void> {
    return this.run(async () => {
      await this.db.updateTable('salons').set({archived: archived ? 1 : 0}).where('salon_id', '=', salonId).execute();
    });
  }

  setBlock(blockerId: number, blockedId: number, blocked: boolean, ts: number): Promise<void> {
    return this.run(async () => {
      await this.db.deleteFrom('blocks').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).execute();
      if (blocked) await this.db.insertInto('blocks').values({blocker_id: blockerId, blocked_id: blockedId, created_at: this.flavor.time(ts)}).execute();
    });
  }

  listBlocks(): Promise<BlockRecord[]> {
    return this.run(async () => {
      const rows = await this.db.selectFrom('blocks').select(['blocker_id', 'blocked_id']).execute();
      return rows.map((r) => ({blockerId: r.blocker_id, blockedId: r.blocked_id}));
    });
  }

  listMemberships(): Promise<MembershipRecord[]> {
    return this.run(async () => {
      // The marker's row by the unique (salon_id, seq) key, for its n.
      const rows = await this.db
        .selectFrom('salons_adheres')
        .innerJoin('clients', 'clients.username', 'salons_adheres.username')
        .leftJoin('messages', (join) => join.onRef('messages.salon_id', '=', 'salons_adheres.salon_id').onRef('messages.seq', '=', 'salons_adheres.last_read_seq'))
        .innerJoin('salons', 'salons.salon_id', 'salons_adheres.salon_id')
        .select(['clients.username', 'salons_adheres.salon_id', 'salons_adheres.last_read_seq', 'messages.n', 'salons.purged_seq', 'salons.purged_n'])
        .execute();
      // A marker on a row that retention deleted counts what was deleted as read (store/retention.ts).
      const readN = (r: (typeof rows)[number]) => (r.n !== null ? Number(r.n) : Number(r.last_read_seq) <= Number(r.purged_seq) ? Number(r.purged_n) : 0);
      return rows.map((r) => ({username: r.username, salonId: r.salon_id, lastReadSeq: Number(r.last_read_seq), readN: readN(r)}));
    });
  }

  addMembership(username: string, salonId: number): Promise<void> {
    return this.run(() => this.db.transaction().execute((trx) => this.addMembershipIn(trx, username, salonId)));
  }

  private async addMembershipIn(trx: Transaction<Database>, username: string, salonId: number): Promise<void> {
    const existing = await trx
      .selectFrom('salons_adheres')
      .select('id')
      .where('username', '=', username)
      .where('salon_id', '=', salonId)
      .executeTakeFirst();
    if (!existing) await trx.insertInto('salons_adheres').values({username, salon_id: salonId}).execute();
  }

  setReadMarker(username: string, salonId: number, seq: number): Promise<void> {
    return this.run(async () => {
      await this.db
        .updateTable('salons_adheres')
        .set({last_read_seq: seq})
        .where('username', '=', username)
        .where('salon_id', '=', salonId)
        .where('last_read_seq', '<', seq)
        .execute();
    });
  }

  addJoinRequest(clientId: number, salonId: number, ts: number): Promise<void> {
    return this.run(async () => {
      await this.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('join_requests')
          .select('request_id')
          .where('client_id', '=', clientId)
          .where('salon_id', '=', salonId)
          .executeTakeFirst();
        if (!existing) {
          await trx.insertInto('join_requests').values({client_id: clientId, salon_id: salonId, requested_at: this.flavor.time(ts)}).execute();
        }
      });
    });
  }

  resolveJoinRequest(clientId: number, username: string, salonId: number, accept: boolean): Promise<boolean> {
    return this.run(() =>
      this.db.transaction().execute(async (trx) => {
        const deleted = await trx
          .deleteFrom('join_requests')
          .where('client_id', '=', clientId)
          .where('salon_id', '=', salonId)
          .executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) return false;
        if (accept) await this.addMembershipIn(trx, username, salonId);
        return true;
      }),
    );
  }

  listJoinRequests(): Promise<JoinRequestRecord[]> {
    return this.run(async () => {
      const rows = await this.db
        .selectFrom('join_requests')
        .innerJoin('clients', 'clients.client_id', 'join_requests.client_id')
        .select(['join_requests.client_id', 'clients.username', 'join_requests.salon_id', 'join_requests.requested_at'])
        .orderBy('join_requests.request_id')
        .execute();
      return rows.map((r) => ({clientId: r.client_id, username: r.username, salonId: r.salon_id, ts: toMs(r.requested_at) ?? 0}));
    });
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
    return this.run(async () => {
      const rows = await messageQuery(this.db).where('m.salon_id', '=', salonId).where('m.seq', 'in', [...seqs]).where('m.kind', '=', 'message').execute();
      return new Map(rows.map((row) => [Number(row.seq), toMessage(row)]));
    });
  }

  reactionCounts(salonId: number, seqs: readonly number[], readerId: number): Promise<Map<number, ReactionCount[]>> {
    if (seqs.length === 0) return Promise.resolve(new Map());
    return this.run(async () => {
      const rows = await this.db
        .selectFrom('reactions')
        .select(['seq', 'emoji', 'client_id', 'created_at'])
        .where('salon_id', '=', salonId)
        .where('seq', 'in', [...seqs])
        .orderBy('created_at')
        .execute();
      const counts = new Map<number, Map<string, ReactionCount>>();
      for (const r of rows) {
        const seq = Number(r.seq);
        const forSeq = counts.get(seq) ?? new Map<string, ReactionCount>();
        counts.set(seq, forSeq);
        const count = forSeq.get(r.emoji) ?? {emoji: r.emoji, count: 0};
        count.count += 1;
        if (r.client_id === readerId) count.mine = true;
        forSeq.set(r.emoji, count);
      }
      // Most given first; the first given first among equals (a stable sort keeps that order).
      return new Map([...counts].map(([seq, byEmoji]) => [seq, [...byEmoji.values()].sort((a, b) => b.count - a.count)]));
    });
  }

  reactions(salonId: number, seq: number): Promise<ReactionRecord[]> {
    return this.run(async () => {
      const rows = await this.db
        .selectFrom('reactions as r')
        .innerJoin('clients as c', 'c.client_id', 'r.client_id')
        .select(['r.emoji', 'c.username', 'c.alias'])
        .where('r.salon_id', '=', salonId)
        .where('r.seq', '=', seq)
        .orderBy('r.created_at')
        .execute();
      return rows.map((r) => ({emoji: r.emoji, username: r.username, alias: r.alias}));
    });
  }

  history(salonId: number, before: number | undefined, limit: number): Promise<StoredMessage[]> {
    return this.run(async () => {
      let query = messageQuery(this.db).where('m.salon_id', '=', salonId);
      // Sequence numbers have no gaps, so the page's lower bound is known too: with both
      // bounds MariaDB reads a 50-row range instead of walking down from the newest row.
      if (before !== undefined) query = query.where('m.seq', '<', before).where('m.seq', '>=', before - limit);
      // Keyset pagination on the unique (salon_id, seq) index: any page costs the same.
      const rows = await query.orderBy('m.seq', 'desc').limit(limit).execute();
      return rows.reverse().map(toMessage);
    });
  }

  search(search: StoreSearch): Promise<SearchPage> {
    if (search.salonIds.length === 0) return Promise.resolve({messages: [], next: null});
    return this.run(async () => {
      const {rows, next} = await findMessages(this.db, this.flavor, search);
      return {messages: (rows as Parameters<typeof toMessage>[0][]).map(toMessage), next};
    });
  }

  indexBacklog(beforeId: number | null, limit: number): Promise<{next: number | null; newest: number}> {
    return this.run(() =>
      this.db.transaction().execute(async (trx) => {
        let newest = 0;
        if (beforeId === null) {
          const top = await trx.selectFrom('messages').select((eb) => eb.fn.max('message_id').as('id')).executeTakeFirst();
          newest = Number(top?.id ?? 0);
          beforeId = newest + 1;
        }
        // A range of the primary key per batch: the walk reads each row once.
        const rows = await trx
          .selectFrom('messages')
          .select(['message_id', 'contenu', 'search_words', 'kind', 'deleted_at'])
          .where('message_id', '<', beforeId)
          .orderBy('message_id', 'desc')
          .limit(limit)
          .execute();
        const missing = rows.filter((r) => r.search_words === null && r.kind === 'message' && r.deleted_at === null);
        if (missing.length > 0) {
          const words = sql<string>`CASE message_id ${sql.join(
            missing.map((r) => sql`WHEN ${r.message_id} THEN ${indexedText(r.contenu ?? '')}`),
            sql` `,
          )} END`;
          await trx
            .updateTable('messages')
            .set({search_words: words})
            .where('message_id', 'in', missing.map((r) => r.message_id))
            .execute();
        }
        const last = rows.at(-1);
        return {next: rows.length === limit && last ? Number(last.message_id) : null, newest};
      }),
    );
  }

  hasBacklog(): Promise<boolean> {
    const statement = this.db
      .selectFrom('messages')
      .select('message_id')
      .where('search_words', 'is', null)
      .where('kind', '=', 'message')
      .where('deleted_at', 'is', null)
      .limit(1)
      .compile();
    return this.run(async () => {
      const rows = this.flavor.reader ? await this.flavor.reader.all(statement.sql, statement.parameters) : (await this.db.executeQuery(statement)).rows;
      return rows.length > 0;
    });
  }

  messagesAfter(salonId: number, after: number, limit: number): Promise<StoredMessage[]> {
    const page = (from: number) =>
      messageQuery(this.db).where('m.salon_id', '=', salonId).where('m.seq', '>', from).where('m.seq', '<=', from + limit).orderBy('m.seq', 'asc').limit(limit).execute();
    return this.run(async () => {
      let rows = await page(after);
      // The page does not start right after `after`: the rows there may have been deleted by
      // retention, and then the stream goes on from where deletion stopped.
      if (rows[0] === undefined || Number(rows[0].seq) !== after + 1) {
        const floor = await retention.purgedUpTo(this.db, salonId);
        if (floor > after) rows = await page(floor);
      }
      return rows.map(toMessage);
    });
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
