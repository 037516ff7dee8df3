/**
 * A message's fields, defined once. Each entry is a field of StoredMessage and says
 * - `column`: the column of `messages` that keeps it (the original's names stay, so that a
 *   sysadmin's `SELECT * FROM messages` reads as before);
 * - `read`: from the column, as either backend returns it (its parameter's type), to what
 *   the server holds (its result's type);
 * - `write`: what a send stores in it, from the NewMessage, the seq the append gives it and
 *   the backend's way of writing times; `null` when no send writes it (the database fills
 *   it, or a later change sets it).
 *
 * Everything else follows from this table: StoredMessage, the table's Kysely type, the
 * SELECT and INSERT column lists (computed once, below), both backends' INSERT rows and the
 * row -> StoredMessage mapping. A new field is an entry here and a migration per backend
 * (sql/mysql, sql/sqlite); then the compiler points at the rest: NewMessage (when `write`
 * reads something it lacks), the stored message built without a read (`finish` in
 * messages.ts), and what goes on the wire (server/views.ts, then MessageInfo in
 * protocol/frames.ts).
 */
import type {ColumnType} from 'kysely';
import {type TimeValue, toMs} from './schema.js';
import type {NewMessage, StoredMessage} from './types.js';

/** What a send's write sees besides the message. */
export interface Insertion {
  /**
   * The value of the row's seq placeholder: the seq itself, or on MySQL how far below its
   * salon's advanced counter it is (see `insertStatement` in messages.ts).
   */
  seq: number;
  /** The value of the row's n placeholder, the same way as `seq`. */
  n: number;
  /** How the backend writes a time in ms to a time column. */
  time(ms: number): TimeValue;
}

interface Field {
  readonly column: string;
  read(value: never): unknown;
  /** Never undefined: a placeholder needs a value (null for SQL's NULL). */
  readonly write: ((message: NewMessage, at: Insertion) => NonNullable<unknown> | null) | null;
}

/** What a row of the stream is: a message, or a change to one. */
export type RowKind = 'message' | 'edit' | 'delete' | 'react' | 'unreact';

const nullableNumber = (v: number | null): number | null => (v === null ? null : Number(v));

/** MySQL keeps client_msg_id as bytes so that ids differing in case or spaces stay distinct. */
const toText = (value: string | Buffer | null): string | null => (value === null ? null : Buffer.isBuffer(value) ? value.toString('utf8') : value);

export const messageFields = {
  id: {column: 'message_id', read: (v: number) => Number(v), write: null},
  salonId: {column: 'salon_id', read: (v: number) => v, write: (m) => m.salonId},
  /** Gap-free per salon and equal to the stored order: the append numbers the batch. */
  seq: {column: 'seq', read: (v: number) => Number(v), write: (_, at) => at.seq},
  /** The author's account; null once it was deleted by a BAN. */
  clientId: {column: 'client_id', read: (v: number | null) => v, write: (m) => m.clientId},
  /** The author's alias when sending: it outlives the account. */
  alias: {column: 'author_alias', read: (v: string | null) => v, write: (m) => m.alias},
  text: {column: 'contenu', read: (v: string | null) => v ?? '', write: (m) => m.text},
  /** Milliseconds since the epoch, UTC. */
  ts: {column: 'timestamp', read: (v: TimeValue) => toMs(v) ?? 0, write: (m, at) => at.time(m.ts)},
  /** The sender's idempotency key: a retry with it returns the first stored message. */
  clientMsgId: {column: 'client_msg_id', read: toText, write: (m) => m.clientMsgId ?? null},
  /** 'message', or the change the row is: 'edit', 'delete', 'react', 'unreact'. */
  kind: {column: 'kind', read: (v: string) => v as RowKind, write: () => 'message'},
  /** A change: the seq of the message it changes. */
  target: {column: 'target_seq', read: nullableNumber, write: null},
  /** A reply: the seq of the message it answers, in the same conversation. */
  replyTo: {column: 'reply_to', read: nullableNumber, write: (m) => m.replyTo ?? null},
  /** Messages in the conversation up to this row: what unread counts count (changes do not). */
  n: {column: 'n', read: (v: number) => Number(v), write: (_, at) => at.n},
  /** A message: when its text was last edited (ms), null when never. */
  editedAt: {column: 'edited_at', read: (v: TimeValue | null) => toMs(v), write: null},
  /** A message: when it was deleted (ms); its text is gone. */
  deletedAt: {column: 'deleted_at', read: (v: TimeValue | null) => toMs(v), write: null},
  /** Who deleted it: its author's or a moderator's username. */
  deletedBy: {column: 'deleted_by', read: (v: string | null) => v, write: null},
  /** A message: the seq of the latest change applied to it (0: none), so an older one replayed is ignored. */
  changedSeq: {column: 'changed_seq', read: (v: number) => Number(v), write: null},
} as const satisfies Record<string, Field>;

type Fields = typeof messageFields;
type FieldName = keyof Fields;
type Written = {[K in FieldName]: Fields[K]['write'] extends null ? never : K}[FieldName];

/** What the backends return for the field's column. */
type Read<K extends FieldName> = Parameters<Fields[K]['read']>[0];
/** What a send stores in the field's column. */
type Write<K extends FieldName> = Fields[K]['write'] extends (...args: never[]) => infer W ? W : never;

/** A message's stored fields as the server holds them (StoredMessage adds the author's username). */
export type MessageValues = {[K in FieldName]: ReturnType<Fields[K]['read']>};

export type MessageColumn = Fields[FieldName]['column'];

/**
 * The `messages` table as Kysely sees it: each column selects as the backends return it;
 * a column a send writes takes what `write` returns; the others are optional on insert.
 */
export type MessagesTable = {
  [K in FieldName as Fields[K]['column']]: K extends Written ? ColumnType<Read<K>, Write<K>, Write<K>> : ColumnType<Read<K>, Read<K> | undefined, Read<K>>;
};

/** A row read with the columns of SELECT_COLUMNS (and the author's username). */
export type MessageRow = {[K in FieldName as Fields[K]['column']]: Read<K>};

// Computed once at load: the hot path (the writer's batch INSERT, see insertStatement in
// messages.ts) loops over these arrays and never enumerates an object's keys per row.
const fieldNames = Object.keys(messageFields) as FieldName[];
const readers = fieldNames.map((name) => [name, messageFields[name].column, messageFields[name].read as (v: unknown) => unknown] as const);
const writers = fieldNames.flatMap((name) => {
  const {column, write} = messageFields[name];
  return write === null ? [] : [[column, write as (m: NewMessage, at: Insertion) => unknown] as const];
});

/** The columns a send's INSERT lists, in the order of `insertValues`. */
export const INSERT_COLUMNS: readonly MessageColumn[] = writers.map(([column]) => column);
/** Where `seq` and `n` sit in INSERT_COLUMNS (MySQL writes them as expressions). */
export const INSERT_SEQ_INDEX = INSERT_COLUMNS.indexOf(messageFields.seq.column);
export const INSERT_N_INDEX = INSERT_COLUMNS.indexOf(messageFields.n.column);
/** Every column of the table, for reads. */
export const SELECT_COLUMNS: readonly MessageColumn[] = fieldNames.map((name) => messageFields[name].column);

/** The values of one row of a send's INSERT, in INSERT_COLUMNS order. */
export function insertValues(m: NewMessage, at: Insertion): unknown[] {
  const values = new Array<unknown>(writers.length);
  for (let i = 0; i < writers.length; i++) values[i] = (writers[i] as (typeof writers)[number])[1](m, at);
  return values;
}

// The row mapping, written out once at load from the table above as one object literal:
// every message read (history pages, catch-up, search) gets one object of one shape, where
// a loop adding fields one by one cost about four times as much per row (18-20 µs per
// page of 50 against 2-5, bench/README.md, history on SQLite). Only names from the table
// above go into the source text, and they are checked to be plain identifiers.
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;
for (const [name, column] of readers) if (!IDENTIFIER.test(name) || !IDENTIFIER.test(column)) throw new Error(`message-fields: ${name}/${column} is not a plain identifier`);
const mapRow = new Function(
  'reads',
  'row',
  `return {username: row.username, ${readers.map(([name, column], i) => `${name}: reads[${i}](row.${column})`).join(', ')}};`,
) as (reads: readonly ((v: unknown) => unknown)[], row: Record<string, unknown>) => StoredMessage;
const reads = readers.map(([, , read]) => read);

/** A row read with SELECT_COLUMNS and the author's username, as the server holds it. */
export function toMessage(row: MessageRow & {username: string | null; author_role?: string | null}): StoredMessage {
  const message = mapRow(reads, row as unknown as Record<string, unknown>);
  if (row.author_role === 'hook' || row.author_role === 'bot') message.bot = true;
  return message;
}
