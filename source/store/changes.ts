/**
 * Changes to stored messages: edits, deletions, reactions added and taken back. Each one is
 * a row of `messages` with its own seq in the conversation's stream (so catch-up, gap
 * filling and the bus carry it like a message), and the changed message's row is updated in
 * the same transaction, so a page read later shows it as it stands.
 *
 * Changes share the writer's batches with sends: a batch is read once (earlier attempts of
 * its keyed rows, the changed messages and their reactions), then planned here, in order,
 * in memory: each change is checked against the message as the changes before it in the
 * batch left it. What the plan writes is a fixed set of multi-row statements whatever the
 * batch's size (changes-statements.ts), in one transaction with one commit; SQLite runs them
 * in its write transaction (changes-sqlite.ts), MySQL sends them in one round trip holding
 * the counters' locks (changes-mysql.ts), as an append of sends does.
 */
import type {RowKind} from './message-fields.js';
import {keyOf, sentMessage} from './messages.js';
import type {NewMessage, StoredMessage} from './types.js';

export type ChangeKind = Exclude<RowKind, 'message'>;

export interface NewChange {
  kind: ChangeKind;
  clientId: number;
  username: string;
  alias: string;
  salonId: number;
  /** The seq of the message changed. */
  target: number;
  /** An edit's new text; a reaction's emoji; '' for a deletion. */
  text: string;
  ts: number;
  clientMsgId?: string | undefined;
  /** A moderator deleting in a salon: someone else's message may go. */
  moderator: boolean;
}

/** What the server allows, checked against the changed message in the transaction. */
export interface ChangeRules {
  /** How long after sending an author may still edit or delete (ms); null: always. */
  editWindowMs: number | null;
  /** Whether authors may delete their own messages. */
  authorsMayDelete: boolean;
  /** Most distinct reactions on one message. */
  maxReactions: number;
}

export type ChangeRefusal = 'UNKNOWN_MESSAGE' | 'NOT_YOURS' | 'EDIT_WINDOW' | 'DELETED' | 'TOO_MANY_REACTIONS';

export type ChangeOutcome =
  /** Stored with its own seq (or, `replayed`, stored by an earlier attempt of the same clientMsgId). */
  | {stored: StoredMessage}
  /** Nothing to do (the same text, a reaction already there or already gone): no row, no seq. */
  | {unchanged: true}
  | {refused: ChangeRefusal};

/** What the writer hands the store, in the order it was submitted: a send or a change. */
export type Submission = {message: NewMessage; change?: undefined} | {change: NewChange; message?: undefined};

/** A send is answered with its stored message, a change with its outcome. */
export type Answer = StoredMessage | ChangeOutcome;

/** A changed message as read before the batch is planned. */
export interface Target {
  id: number;
  salonId: number;
  seq: number;
  kind: string;
  clientId: number | null;
  text: string;
  ts: number;
  deletedAt: number | null;
  /** Its version: every change to it (reactions included) sets it to the change's seq. */
  changedSeq: number;
}

export interface Reaction {
  salonId: number;
  seq: number;
  clientId: number;
  emoji: string;
}

/** What a batch reads before it is planned. */
export interface BatchState {
  /** Rows stored by earlier attempts, by keyOf(client, clientMsgId). */
  earlier: ReadonlyMap<string, StoredMessage>;
  /** The changed messages (or change rows, which cannot be changed), by targetKey. */
  targets: ReadonlyMap<string, Target>;
  reactions: readonly Reaction[];
}

export const targetKey = (salonId: number, seq: number) => `${salonId}:${seq}`;

/** A row the batch inserts: a send (counted in n) or a change. `index` is its place in the batch. */
export type Row = {index: number; salonId: number} & ({message: NewMessage; change?: undefined} | {change: NewChange; message?: undefined});

/** What a changed message becomes once the batch is written. */
export interface TargetWrite {
  target: Target;
  /** Index in `rows` of the last change applied to it: its seq is the message's changed_seq. */
  lastRow: number;
  /** The latest edit in the batch. */
  edit?: {text: string; ts: number};
  deletion?: {ts: number; by: string};
  /** Reactions as they stand after the batch, by client and emoji; `added`: when added in it. */
  reactions: Map<string, {clientId: number; emoji: string; added?: number}>;
  /** Reactions it had before the batch, the same way. */
  before: Map<string, {clientId: number; emoji: string}>;
}

export interface Plan {
  /** Known before writing: retries of earlier batches, refusals, changes that change nothing. */
  answers: (Answer | undefined)[];
  rows: Row[];
  /** A key sent again in this batch: its answer is the earlier one's, as a replay. */
  duplicateOf: Map<number, number>;
  writes: TargetWrite[];
  /** Messages whose state the checks read: MySQL's optimistic path checks they did not change since. */
  relied: Target[];
}

const reactionKey = (clientId: number, emoji: string) => `${clientId}\u0000${emoji}`;

/** Plans a batch: which rows it inserts, what becomes of each changed message, and each answer known now. */
export function planBatch(batch: readonly Submission[], state: BatchState, rules: ChangeRules): Plan {
  const plan: Plan = {answers: new Array(batch.length), rows: [], duplicateOf: new Map(), writes: [], relied: []};
  const writes = new Map<string, TargetWrite>();
  const firstRow = new Map<string, number>();
  const answeredWithoutRow = new Map<string, number>();
  batch.forEach((item, index) => {
    const {clientId, clientMsgId} = item.message ?? item.change;
    const key = clientMsgId === undefined ? undefined : keyOf(clientId, clientMsgId);
    if (key !== undefined) {
      const before = state.earlier.get(key);
      if (before) return void (plan.answers[index] = item.message ? before : {stored: before});
      const first = firstRow.get(key);
      if (first !== undefined) return void plan.duplicateOf.set(index, first);
      const prior = item.change && answeredWithoutRow.get(key);
      if (prior !== undefined) return void (plan.answers[index] = plan.answers[prior]);
    }
    if (item.message) {
      plan.rows.push({index, salonId: item.message.salonId, message: item.message});
      if (key !== undefined) firstRow.set(key, index);
      return;
    }
    const outcome = check(item.change, state, writes, plan, rules);
    if (outcome) {
      plan.answers[index] = outcome;
      if (key !== undefined) answeredWithoutRow.set(key, index);
      return;
    }
    apply(item.change, writes.get(targetKey(item.change.salonId, item.change.target)) as TargetWrite, plan.rows.length);
    plan.rows.push({index, salonId: item.change.salonId, change: item.change});
    if (key !== undefined) firstRow.set(key, index);
  });
  plan.writes = [...writes.values()].filter((w) => w.lastRow >= 0);
  return plan;
}

/** The change's answer when it writes nothing (refused or unchanged); undefined when it is to be stored. */
function check(change: NewChange, state: BatchState, writes: Map<string, TargetWrite>, plan: Plan, rules: ChangeRules): ChangeOutcome | undefined {
  const key = targetKey(change.salonId, change.target);
  let write = writes.get(key);
  if (!write) {
    const target = state.targets.get(key);
    if (!target || target.kind !== 'message') return {refused: 'UNKNOWN_MESSAGE'};
    const mine = state.reactions.filter((r) => r.salonId === target.salonId && r.seq === target.seq);
    const reactions = new Map(mine.map((r) => [reactionKey(r.clientId, r.emoji), {clientId: r.clientId, emoji: r.emoji}]));
    write = {target, lastRow: -1, reactions, before: new Map(reactions)};
    writes.set(key, write);
    plan.relied.push(target);
  }
  const {target} = write;
  if (write.deletion || target.deletedAt !== null) return {refused: 'DELETED'};
  const own = target.clientId === change.clientId;
  const late = rules.editWindowMs !== null && change.ts - target.ts > rules.editWindowMs;
  if (change.kind === 'edit') {
    if (!own) return {refused: 'NOT_YOURS'};
    if (late) return {refused: 'EDIT_WINDOW'};
    if ((write.edit?.text ?? target.text) === change.text) return {unchanged: true};
  } else if (change.kind === 'delete') {
    if (own ? !rules.authorsMayDelete && !change.moderator : !change.moderator) return {refused: 'NOT_YOURS'};
    if (own && late && !change.moderator) return {refused: 'EDIT_WINDOW'};
  } else {
    const mine = write.reactions.has(reactionKey(change.clientId, change.text));
    if (change.kind === 'unreact') return mine ? undefined : {unchanged: true};
    if (mine) return {unchanged: true};
    const distinct = new Set([...write.reactions.values()].map((r) => r.emoji));
    if (!distinct.has(change.text) && distinct.size >= rules.maxReactions) return {refused: 'TOO_MANY_REACTIONS'};
  }
  return undefined;
}

/** The message as the change leaves it, for the checks of the changes after it in the batch. */
function apply(change: NewChange, write: TargetWrite, row: number): void {
  write.lastRow = row;
  if (change.kind === 'edit') write.edit = {text: change.text, ts: change.ts};
  else if (change.kind === 'delete') {
    write.deletion = {ts: change.ts, by: change.username};
    write.reactions.clear();
  } else if (change.kind === 'react') write.reactions.set(reactionKey(change.clientId, change.text), {clientId: change.clientId, emoji: change.text, added: change.ts});
  else write.reactions.delete(reactionKey(change.clientId, change.text));
}

/** Where each written row landed: its seq, its n and its id, by index in `rows`. */
export interface Landed {
  seqs: number[];
  ns: number[];
  ids: number[];
}

/** Each row's distance to its salon's advanced counters: rows and sends of its salon after it in the batch. */
export function countersOf(rows: readonly Row[]): {rows: Map<number, number>; sends: Map<number, number>; belowSeq: number[]; belowN: number[]} {
  const totalRows = new Map<number, number>();
  const totalSends = new Map<number, number>();
  for (const r of rows) {
    totalRows.set(r.salonId, (totalRows.get(r.salonId) ?? 0) + 1);
    if (r.message) totalSends.set(r.salonId, (totalSends.get(r.salonId) ?? 0) + 1);
  }
  const seenRows = new Map<number, number>();
  const seenSends = new Map<number, number>();
  const belowSeq: number[] = [];
  const belowN: number[] = [];
  for (const r of rows) {
    const nth = (seenRows.get(r.salonId) ?? 0) + 1;
    seenRows.set(r.salonId, nth);
    const nthSend = (seenSends.get(r.salonId) ?? 0) + (r.message ? 1 : 0);
    seenSends.set(r.salonId, nthSend);
    belowSeq.push((totalRows.get(r.salonId) ?? 0) - nth);
    belowN.push((totalSends.get(r.salonId) ?? 0) - nthSend);
  }
  return {rows: totalRows, sends: totalSends, belowSeq, belowN};
}

/**
 * The answers, once the rows are written: built from what was submitted, without reading
 * them back, as the append of sends does (messages.ts, `finish`).
 */
export function finishBatch(batch: readonly Submission[], plan: Plan, landed: Landed): Answer[] {
  const answers = plan.answers;
  // Written out in full, not spread from a common part: one object shape, built fast.
  plan.rows.forEach((row, k) => {
    const [id, seq, n] = [landed.ids[k] as number, landed.seqs[k] as number, landed.ns[k] as number];
    const m = row.message;
    if (m) {
      answers[row.index] = sentMessage(m, id, seq, n);
      return;
    }
    const c = row.change;
    answers[row.index] = {
      stored: {
        id,
        salonId: c.salonId,
        seq,
        clientId: c.clientId,
        username: c.username,
        alias: c.alias,
        text: c.text,
        ts: c.ts,
        clientMsgId: c.clientMsgId ?? null,
        kind: c.kind,
        target: c.target,
        replyTo: null,
        n,
        editedAt: null,
        deletedAt: null,
        deletedBy: null,
        changedSeq: 0,
      },
    };
  });
  for (const [index, first] of plan.duplicateOf) {
    const answer = answers[first] as Answer;
    const stored = 'stored' in answer ? answer.stored : (answer as StoredMessage);
    const replayed = {...stored, replayed: true as const};
    answers[index] = batch[index]?.message ? replayed : {stored: replayed};
  }
  return answers as Answer[];
}
