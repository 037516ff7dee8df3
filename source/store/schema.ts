/** Kysely's view of the tables (see sql/). Time columns hold Date on MySQL, numbers on SQLite. */
import type {ColumnType, Generated} from 'kysely';
import type {MessagesTable} from './message-fields.js';

export type TimeValue = Date | number;

/** A time column as milliseconds since the epoch, whichever backend wrote it. */
export const toMs = (value: TimeValue | string | null): number | null =>
  value === null ? null : value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number(value);

export interface ClientsTable {
  client_id: Generated<number>;
  username: string;
  alias: string;
  password_hash: string;
  status: string;
  role: string;
  kicked_until: TimeValue | null;
  created_at: TimeValue | null;
  /**
   * Set for a revoked bot (migration 7 on MySQL, 6 on SQLite), and for a directory account
   * the directory sync found gone or disabled: no sign-in; the account stays for its messages.
   */
  disabled_at: TimeValue | null;
  kick_reason: string | null;
  /** The directory's stable id of the person (migration 9 on MySQL, 8 on SQLite); null: a local account. */
  directory_id: Generated<string | null>;
}

export interface SalonsTable {
  salon_id: Generated<number>;
  nom_salon: string;
  moderated: number;
  seq: number;
  /** 'salon', 'dm' or 'group' (migration 3 on MySQL, 2 on SQLite). */
  kind: Generated<string>;
  /** The participants' client ids, sorted, joined by ':' (direct messages and groups). */
  dm_key: string | null;
  archived: Generated<number>;
  created_at: TimeValue | null;
  /** Messages in the conversation, changes not counted (migration 4 on MySQL, 3 on SQLite). */
  msgs: Generated<number>;
  /** Days its messages are kept: NULL follows the default, 0 keeps all (SQLite 9, MySQL 10). */
  retention_days: number | null;
  /** Every row up to this seq was deleted by retention (0: none); purged_n counts its messages. */
  purged_seq: Generated<number>;
  purged_n: Generated<number>;
}

export interface RetentionDefaultTable {
  id: number;
  days: number;
}

export interface ReactionsTable {
  salon_id: number;
  seq: number;
  client_id: number;
  emoji: string;
  created_at: TimeValue;
}

export interface BlocksTable {
  blocker_id: number;
  blocked_id: number;
  created_at: TimeValue;
}

export interface SalonsAdheresTable {
  id: Generated<number>;
  username: string;
  salon_id: number;
  last_read_seq: Generated<number>;
}

export interface JoinRequestsTable {
  request_id: Generated<number>;
  client_id: number;
  salon_id: number;
  requested_at: TimeValue;
}

export interface BansTable {
  username: string;
  banned_at: TimeValue;
  banned_by: string | null;
  reason: string | null;
}

export interface SessionsTable {
  token_hash: string;
  client_id: number;
  created_at: TimeValue;
  expires_at: TimeValue;
}

export interface HooksTable {
  hook_id: Generated<number>;
  name: string;
  salon_id: number;
  client_id: number;
  secret_hash: string;
  created_at: TimeValue;
  created_by: string | null;
  revoked_at: TimeValue | null;
}

export interface BotTokensTable {
  client_id: number;
  token_hash: string;
  created_at: TimeValue;
  created_by: string | null;
}

export interface AuditLogTable {
  audit_id: Generated<number>;
  at: TimeValue;
  actor: string;
  via: string;
  node: string;
  action: string;
  target_user: string | null;
  target_salon: string | null;
  reason: string | null;
  outcome: string;
  detail: string | null;
}

export interface Database {
  clients: ClientsTable;
  salons: SalonsTable;
  salons_adheres: SalonsAdheresTable;
  /**
   * Derived from the message's fields, defined once in message-fields.ts, and what search
   * matches of it (written with the message, never read back).
   */
  messages: MessagesTable & {search_words: ColumnType<string | null, string | null | undefined, string | null>};
  join_requests: JoinRequestsTable;
  bans: BansTable;
  sessions: SessionsTable;
  blocks: BlocksTable;
  reactions: ReactionsTable;
  hooks: HooksTable;
  bot_tokens: BotTokensTable;
  audit_log: AuditLogTable;
  retention_default: RetentionDefaultTable;
}
