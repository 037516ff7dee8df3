/**
 * What `chat-server export` reads: accounts, salons, memberships, join requests, the stream
 * of messages with their changes, and the audit log, as plain records. Messages and audit
 * records are read in pages by their primary key, so an export holds one page in memory
 * whatever the database's size, and each read is short (a server may be running on the same
 * database). Nothing secret is ever selected: no password hash, token or webhook secret.
 */
import type {Kysely} from 'kysely';
import {messageQuery, toMessage} from './messages.js';
import type {Database} from './schema.js';
import {toMs} from './schema.js';
import type {Flavor} from './sql-store.js';
import {toAuditRecord} from './operator.js';
import type {AuditRecord, ConversationKind, StoredMessage} from './types.js';

/** What an export covers. Times are ms; `until` is exclusive. */
export interface ExportScope {
  since?: number | undefined;
  until?: number | undefined;
  /** One conversation only (its id). */
  salonId?: number | undefined;
  /** One person only: their account, memberships, rows, requests and the audit records about them. */
  username?: string | undefined;
}

export interface ExportAccount {
  id: number;
  username: string;
  alias: string;
  role: string;
  status: string;
  createdAt: number | null;
  disabledAt: number | null;
  kickedUntil: number | null;
  kickReason: string | null;
}

export interface ExportSalon {
  id: number;
  name: string;
  kind: ConversationKind;
  moderated: boolean;
  archived: boolean;
  createdAt: number | null;
  seq: number;
  /** Rows up to this seq were deleted by retention. */
  purgedSeq: number;
  retentionDays: number | null;
}

export interface ExportMembership {
  username: string;
  salonId: number;
  lastReadSeq: number;
}

export interface ExportJoinRequest {
  username: string;
  salonId: number;
  requestedAt: number | null;
}

/** A page of rows: at most this many in memory at once. */
const PAGE = 1000;

type Run = <T>(work: () => Promise<T>) => Promise<T>;

export class ExportReader {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly flavor: Flavor,
    private readonly run: Run,
  ) {}

  /** The account of `username` (even a disabled one), or every account but webhooks'. */
  accounts(scope: ExportScope): Promise<ExportAccount[]> {
    return this.run(async () => {
      let query = this.db
        .selectFrom('clients')
        .select(['client_id', 'username', 'alias', 'role', 'status', 'created_at', 'disabled_at', 'kicked_until', 'kick_reason'])
        .orderBy('client_id');
      if (scope.username !== undefined) query = query.where('username', '=', scope.username);
      else query = query.where('role', '!=', 'hook');
      if (scope.salonId !== undefined) {
        const members = this.db.selectFrom('salons_adheres').select('username').where('salon_id', '=', scope.salonId);
        query = query.where('username', 'in', members);
      }
      return (await query.execute()).map((r) => ({
        id: Number(r.client_id),
        username: r.username,
        alias: r.alias,
        role: r.role,
        status: r.status,
        createdAt: toMs(r.created_at),
        disabledAt: toMs(r.disabled_at),
        kickedUntil: toMs(r.kicked_until),
        kickReason: r.kick_reason,
      }));
    });
  }

  salons(scope: ExportScope): Promise<ExportSalon[]> {
    return this.run(async () => {
      let query = this.db
        .selectFrom('salons')
        .select(['salon_id', 'nom_salon', 'kind', 'moderated', 'archived', 'created_at', 'seq', 'purged_seq', 'retention_days'])
        .orderBy('salon_id');
      if (scope.salonId !== undefined) query = query.where('salon_id', '=', scope.salonId);
      if (scope.username !== undefined) {
        const theirs = this.db.selectFrom('salons_adheres').select('salon_id').where('username', '=', scope.username);
        query = query.where('salon_id', 'in', theirs);
      }
      return (await query.execute()).map((r) => ({
        id: Number(r.salon_id),
        name: r.nom_salon,
        kind: r.kind as ConversationKind,
        moderated: Boolean(Number(r.moderated)),
        archived: Boolean(Number(r.archived)),
        createdAt: toMs(r.created_at),
        seq: Number(r.seq),
        purgedSeq: Number(r.purged_seq),
        retentionDays: r.retention_days === null ? null : Number(r.retention_days),
      }));
    });
  }

  memberships(scope: ExportScope): Promise<ExportMembership[]> {
    return this.run(async () => {
      let query = this.db.selectFrom('salons_adheres').select(['username', 'salon_id', 'last_read_seq']).orderBy('id');
      if (scope.salonId !== undefined) query = query.where('salon_id', '=', scope.salonId);
      if (scope.username !== undefined) query = query.where('username', '=', scope.username);
      return (await query.execute()).map((r) => ({username: r.username, salonId: Number(r.salon_id), lastReadSeq: Number(r.last_read_seq)}));
    });
  }

  joinRequests(scope: ExportScope): Promise<ExportJoinRequest[]> {
    return this.run(async () => {
      let query = this.db
        .selectFrom('join_requests as j')
        .innerJoin('clients as c', 'c.client_id', 'j.client_id')
        .select(['c.username', 'j.salon_id', 'j.requested_at'])
        .orderBy('j.request_id');
      if (scope.salonId !== undefined) query = query.where('j.salon_id', '=', scope.salonId);
      if (scope.username !== undefined) query = query.where('c.username', '=', scope.username);
      return (await query.execute()).map((r) => ({username: r.username, salonId: Number(r.salon_id), requestedAt: toMs(r.requested_at)}));
    });
  }

  /** Every row of the streams in scope (messages and changes), by id, a page at a time. */
  async *messages(scope: ExportScope): AsyncGenerator<StoredMessage> {
    const authorId = scope.username === undefined ? undefined : await this.clientId(scope.username);
    if (scope.username !== undefined && authorId === undefined) return;
    for (let after = 0; ; ) {
      const rows = await this.run(() => {
        let query = messageQuery(this.db).where('m.message_id', '>', after);
        if (scope.salonId !== undefined) query = query.where('m.salon_id', '=', scope.salonId);
        if (authorId !== undefined) query = query.where('m.client_id', '=', authorId);
        if (scope.since !== undefined) query = query.where('m.timestamp', '>=', this.flavor.time(scope.since));
        if (scope.until !== undefined) query = query.where('m.timestamp', '<', this.flavor.time(scope.until));
        return query.orderBy('m.message_id').limit(PAGE).execute();
      });
      for (const row of rows) yield toMessage(row);
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) return;
      after = Number(last.message_id);
    }
  }

  /** The audit log in scope, oldest first, a page at a time. */
  async *audit(scope: ExportScope): AsyncGenerator<AuditRecord> {
    let salonName: string | undefined;
    if (scope.salonId !== undefined) {
      const salon = await this.run(() => this.db.selectFrom('salons').select('nom_salon').where('salon_id', '=', scope.salonId as number).executeTakeFirst());
      salonName = salon?.nom_salon;
    }
    for (let after = 0; ; ) {
      const rows = await this.run(() => {
        let query = this.db.selectFrom('audit_log').selectAll().where('audit_id', '>', after);
        if (scope.username !== undefined) query = query.where('target_user', '=', scope.username);
        if (salonName !== undefined) query = query.where('target_salon', '=', salonName);
        if (scope.since !== undefined) query = query.where('at', '>=', this.flavor.time(scope.since));
        if (scope.until !== undefined) query = query.where('at', '<', this.flavor.time(scope.until));
        return query.orderBy('audit_id').limit(PAGE).execute();
      });
      for (const r of rows) yield toAuditRecord(r);
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) return;
      after = Number(last.audit_id);
    }
  }

  private async clientId(username: string): Promise<number | undefined> {
    const row = await this.run(() => this.db.selectFrom('clients').select('client_id').where('username', '=', username).executeTakeFirst());
    return row ? Number(row.client_id) : undefined;
  }
}
