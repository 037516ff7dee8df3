/**
 * The statements of a batch with changes, for both backends: what it reads before it is
 * planned (changes.ts), and what it writes, a fixed number of multi-row statements
 * whatever its size. A row's seq and n are given by the backend as SQL with one placeholder
 * (`Counted`): the number itself on SQLite, an expression over the advanced counter on MySQL.
 */
import type {CompiledQuery, Kysely} from 'kysely';
import {indexedText} from '../protocol/search.js';
import {type BatchState, type Plan, type Submission, type Target, targetKey} from './changes.js';
import {type Counted, earlierFrom, earlierQuery, insertStatement} from './messages.js';
import {type Database, type TimeValue, toMs} from './schema.js';
import type {Flavor} from './sql-store.js';
import type {NewMessage} from './types.js';

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** The reads of a batch, each absent when it has nothing to read. */
export interface StateQueries {
  earlier: CompiledQuery | undefined;
  targets: CompiledQuery | undefined;
  reactions: CompiledQuery | undefined;
}

/**
 * `keyed`: whose earlier attempts are looked up. A change's must be (stored again, it could
 * not tell it was, and would answer "unchanged"); a send's may be left to the unique
 * (client, clientMsgId) key, which refuses a retry (MySQL's optimistic path).
 */
export function stateQueries(db: Kysely<Database>, batch: readonly Submission[], keyed: 'all' | 'changes' = 'all'): StateQueries {
  const changed = [...new Map(batch.flatMap((item) => (item.change ? [[targetKey(item.change.salonId, item.change.target), item.change] as const] : []))).values()];
  const earlier = earlierQuery(
    db,
    batch.flatMap((item): {clientId: number; clientMsgId?: string | undefined}[] => (item.change ? [item.change] : keyed === 'all' ? [item.message] : [])),
  );
  if (changed.length === 0) return {earlier, targets: undefined, reactions: undefined};
  // Each changed message by the unique (salon_id, seq) key, its reactions by their primary
  // key's prefix, as one IN list per salon: an OR of (salon_id, seq) pairs of one salon
  // made SQLite search the whole salon (it keeps the common salon_id=? and drops the seqs).
  const bySalon = new Map<number, number[]>();
  for (const c of changed) bySalon.set(c.salonId, [...(bySalon.get(c.salonId) ?? []), c.target]);
  const targets = db
    .selectFrom('messages')
    .select(['message_id', 'salon_id', 'seq', 'client_id', 'kind', 'contenu', 'timestamp', 'deleted_at', 'changed_seq'])
    .where((eb) => eb.or([...bySalon].map(([salonId, seqs]) => eb.and([eb('salon_id', '=', salonId), eb('seq', 'in', seqs)]))))
    .compile();
  const reactions = db
    .selectFrom('reactions')
    .select(['salon_id', 'seq', 'client_id', 'emoji'])
    .where((eb) => eb.or([...bySalon].map(([salonId, seqs]) => eb.and([eb('salon_id', '=', salonId), eb('seq', 'in', seqs)]))))
    .compile();
  return {earlier, targets, reactions};
}

type TargetRow = {
  message_id: number;
  salon_id: number;
  seq: number;
  client_id: number | null;
  kind: string;
  contenu: string | null;
  timestamp: TimeValue;
  deleted_at: TimeValue | null;
  changed_seq: number;
};
type ReactionRow = {salon_id: number; seq: number; client_id: number; emoji: string};

/** The batch's state from what stateQueries read (absent reads: nothing). */
export function batchState(earlier: readonly unknown[], targets: readonly unknown[], reactions: readonly unknown[]): BatchState {
  const byKey = new Map<string, Target>();
  for (const r of targets as TargetRow[]) {
    const target: Target = {
      id: Number(r.message_id),
      salonId: Number(r.salon_id),
      seq: Number(r.seq),
      kind: r.kind,
      clientId: r.client_id === null ? null : Number(r.client_id),
      text: r.contenu ?? '',
      ts: toMs(r.timestamp) ?? 0,
      deletedAt: toMs(r.deleted_at),
      changedSeq: Number(r.changed_seq),
    };
    byKey.set(targetKey(target.salonId, target.seq), target);
  }
  return {
    earlier: earlierFrom(earlier),
    targets: byKey,
    reactions: (reactions as ReactionRow[]).map((r) => ({salonId: Number(r.salon_id), seq: Number(r.seq), clientId: Number(r.client_id), emoji: r.emoji})),
  };
}

/** A row's seq and n as SQL, by its index in the plan's rows. */
export type CountedOf = (row: number) => {seq: Counted; n: Counted};

/** What a batch writes once its rows have counters: each absent when there is nothing of it. */
export interface Writes {
  /** Advances each salon's seq by its rows and its msgs by its sends: takes the counters' locks. */
  counters: Statement;
  /** The sends, one multi-row INSERT, in batch order. */
  sends: Statement | undefined;
  /** Indexes in the plan's rows of the sends, in the INSERT's order. */
  sendRows: number[];
  /** The change rows, one multi-row INSERT, in batch order. */
  changes: Statement | undefined;
  changeRows: number[];
  /** The changed messages, their edits' texts when deleted, their reactions. */
  after: Statement[];
  /** What search indexes of the new texts (sends and edits), for SQLite's vocabulary. */
  indexed: string[];
}

const CHANGE_COLUMNS = 'salon_id, seq, client_id, author_alias, contenu, timestamp, client_msg_id, kind, target_seq, n';

const caseOf = (column: string, pairs: [id: number, value: Counted | unknown][], asSql = false): Statement => {
  const parameters: unknown[] = [];
  const whens = pairs.map(([id, value]) => {
    parameters.push(id);
    if (asSql) {
      const [text, v] = value as Counted;
      parameters.push(v);
      return `WHEN ? THEN ${text}`;
    }
    parameters.push(value);
    return 'WHEN ? THEN ?';
  });
  return {sql: `${column} = CASE message_id ${whens.join(' ')} ELSE ${column} END`, parameters};
};

export function writeStatements(plan: Plan, flavor: Flavor, counters: {rows: Map<number, number>; sends: Map<number, number>}, countedOf: CountedOf): Writes {
  const salonIds = [...counters.rows.keys()];
  const add = `CASE salon_id ${salonIds.map(() => 'WHEN ? THEN ?').join(' ')} END`;
  const addValues = (totals: Map<number, number>) => salonIds.flatMap((id) => [id, totals.get(id) ?? 0]);
  const counterStatement: Statement = {
    sql: `UPDATE salons SET seq = seq + ${add}, msgs = msgs + ${add} WHERE salon_id IN (${salonIds.map(() => '?').join(', ')})`,
    parameters: [...addValues(counters.rows), ...addValues(counters.sends), ...salonIds],
  };

  const sendRows: number[] = [];
  const changeRows: number[] = [];
  plan.rows.forEach((row, k) => (row.message ? sendRows : changeRows).push(k));
  const sendMessages = sendRows.map((k) => plan.rows[k]?.message as NewMessage);
  const sends =
    sendRows.length === 0
      ? undefined
      : insertStatement(
          sendMessages,
          sendMessages.map((_, i) => i),
          flavor,
          (_, i) => countedOf(sendRows[i] as number),
        );

  let changes: Statement | undefined;
  if (changeRows.length > 0) {
    const parameters: unknown[] = [];
    // An edit of a message this batch deletes is stored without its text.
    const deleted = new Set(plan.writes.flatMap((w) => (w.deletion ? [`${w.target.salonId}:${w.target.seq}`] : [])));
    const tuples = changeRows.map((k) => {
      const c = plan.rows[k]?.change;
      if (!c) throw new Error('changes: a change row without its change');
      const {seq, n} = countedOf(k);
      const text = c.kind === 'edit' && deleted.has(`${c.salonId}:${c.target}`) ? '' : c.text;
      parameters.push(c.salonId, seq[1], c.clientId, c.alias, text, flavor.time(c.ts), c.clientMsgId ?? null, c.kind, c.target, n[1]);
      return `(?, ${seq[0]}, ?, ?, ?, ?, ?, ?, ?, ${n[0]})`;
    });
    changes = {sql: `INSERT INTO messages (${CHANGE_COLUMNS}) VALUES ${tuples.join(', ')}`, parameters};
  }
  const edited = plan.writes.flatMap((w) => (w.edit && !w.deletion ? [indexedText(w.edit.text)] : []));
  return {counters: counterStatement, sends, sendRows, changes, changeRows, after: afterStatements(plan, flavor, countedOf), indexed: [...(sends?.indexed ?? []), ...edited]};
}

/** The changed messages as the batch leaves them, in one UPDATE; then what a deletion takes with it; then reactions. */
function afterStatements(plan: Plan, flavor: Flavor, countedOf: CountedOf): Statement[] {
  if (plan.writes.length === 0) return [];
  const statements: Statement[] = [];
  const sets: Statement[] = [];
  const texts = plan.writes.flatMap((w) => (w.deletion ? [[w.target.id, ''] as [number, unknown]] : w.edit ? [[w.target.id, w.edit.text] as [number, unknown]] : []));
  if (texts.length > 0) {
    sets.push(caseOf('contenu', texts));
    // Search sees the latest text only, and never a deleted message's (the FTS5 triggers and the
    // MySQL term table's triggers follow search_words).
    sets.push(caseOf('search_words', texts.map(([id, text]) => [id, text === '' ? null : indexedText(text as string)])));
  }
  const edited = plan.writes.flatMap((w) => (w.edit ? [[w.target.id, flavor.time(w.edit.ts)] as [number, unknown]] : []));
  if (edited.length > 0) sets.push(caseOf('edited_at', edited));
  const deleted = plan.writes.flatMap((w) => (w.deletion ? [w] : []));
  if (deleted.length > 0) {
    sets.push(caseOf('deleted_at', deleted.map((w) => [w.target.id, flavor.time(w.deletion?.ts ?? 0)])));
    sets.push(caseOf('deleted_by', deleted.map((w) => [w.target.id, w.deletion?.by ?? null])));
  }
  sets.push(caseOf('changed_seq', plan.writes.map((w) => [w.target.id, countedOf(w.lastRow).seq]), true));
  statements.push({
    sql: `UPDATE messages SET ${sets.map((s) => s.sql).join(', ')} WHERE message_id IN (${plan.writes.map(() => '?').join(', ')})`,
    parameters: [...sets.flatMap((s) => s.parameters), ...plan.writes.map((w) => w.target.id)],
  });

  // A deleted text is gone from its edits too. Those of this batch were inserted without it
  // (above); the earlier ones lie between the message and its latest change before the
  // batch (changed_seq, checked under the locks), a bounded range of the (salon_id, seq)
  // key rather than the rest of the conversation.
  const changedBefore = deleted.filter((w) => w.target.changedSeq > w.target.seq);
  if (changedBefore.length > 0) {
    statements.push({
      sql: `UPDATE messages SET contenu = '' WHERE kind = 'edit' AND (${changedBefore.map(() => '(salon_id = ? AND seq > ? AND seq <= ? AND target_seq = ?)').join(' OR ')})`,
      parameters: changedBefore.flatMap((w) => [w.target.salonId, w.target.seq, w.target.changedSeq, w.target.seq]),
    });
  }

  // Reactions: what was there and is not any more (or was taken back and given again: it
  // gets its new time), then what was given in the batch. A deleted message loses them all
  // (a statement of its own: mixed into the OR of full keys, a key's prefix would make
  // SQLite search the whole salon).
  if (deleted.length > 0) {
    statements.push({
      sql: `DELETE FROM reactions WHERE ${deleted.map(() => '(salon_id = ? AND seq = ?)').join(' OR ')}`,
      parameters: deleted.flatMap((w) => [w.target.salonId, w.target.seq]),
    });
  }
  const gone: unknown[] = [];
  const goneSql: string[] = [];
  const given: unknown[] = [];
  for (const w of plan.writes) {
    const {salonId, seq} = w.target;
    if (w.deletion) continue;
    for (const [key, {clientId, emoji}] of w.before) {
      const now = w.reactions.get(key);
      if (now && now.added === undefined) continue;
      goneSql.push('(salon_id = ? AND seq = ? AND client_id = ? AND emoji = ?)');
      gone.push(salonId, seq, clientId, emoji);
    }
    for (const r of w.reactions.values()) if (r.added !== undefined) given.push(salonId, seq, r.clientId, r.emoji, flavor.time(r.added));
  }
  if (goneSql.length > 0) statements.push({sql: `DELETE FROM reactions WHERE ${goneSql.join(' OR ')}`, parameters: gone});
  if (given.length > 0) {
    statements.push({
      sql: `INSERT INTO reactions (salon_id, seq, client_id, emoji, created_at) VALUES ${Array.from({length: given.length / 5}, () => '(?, ?, ?, ?, ?)').join(', ')}`,
      parameters: given,
    });
  }
  return statements;
}
