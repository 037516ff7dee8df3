/**
 * Changes to stored messages: edits, deletions, reactions added and taken back. Each one is
 * a row of `messages` with its own seq in the conversation's stream (so catch-up, gap
 * filling and the bus carry it like a message), and the changed message's row is updated in
 * the same transaction, so a page read later shows it as it stands. Changes are rare next
 * to messages, so they take this plain path rather than the send's batched INSERT: one
 * transaction per batch of changes, which first locks the counters of its conversations,
 * as an append does, so the two never interleave their seqs.
 */
import type {Kysely, Transaction} from 'kysely';
import {indexedText} from '../protocol/search.js';
import type {RowKind} from './message-fields.js';
import {messageQuery, storedEarlier, toMessage} from './messages.js';
import type {Database} from './schema.js';
import type {Flavor} from './sql-store.js';
import type {StoredMessage} from './types.js';

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

/** Stores a batch of changes, in order, in one transaction; one outcome per change. */
export async function applyChanges(db: Kysely<Database>, flavor: Flavor, batch: readonly NewChange[], rules: ChangeRules): Promise<ChangeOutcome[]> {
  return db.transaction().execute(async (trx) => {
    const earlier = await storedEarlier(trx, batch);
    const salonIds = [...new Set(batch.map((c) => c.salonId))];
    // The counters first, locked, as an append takes them: changes and messages take turns.
    let counters = trx.selectFrom('salons').select(['salon_id', 'seq', 'msgs']).where('salon_id', 'in', salonIds);
    if (flavor.kind === 'mysql') counters = counters.forUpdate();
    const next = new Map((await counters.execute()).map((r) => [r.salon_id, {seq: Number(r.seq), n: Number(r.msgs)}]));
    const outcomes: ChangeOutcome[] = [];
    const seen = new Map<string, ChangeOutcome>();
    for (const change of batch) {
      const key = change.clientMsgId === undefined ? undefined : `${change.clientId}\u0000${change.clientMsgId}`;
      // A retry: stored by an earlier attempt, or twice in this batch.
      const before = key === undefined ? undefined : earlier.get(key);
      if (before) {
        outcomes.push({stored: before});
        continue;
      }
      const again = key === undefined ? undefined : seen.get(key);
      if (again) {
        outcomes.push('stored' in again ? {stored: {...again.stored, replayed: true}} : again);
        continue;
      }
      const counter = next.get(change.salonId);
      const outcome = counter ? await applyOne(trx, flavor, change, rules, counter) : ({refused: 'UNKNOWN_MESSAGE'} as const);
      if (key !== undefined) seen.set(key, outcome);
      outcomes.push(outcome);
    }
    for (const [salonId, {seq}] of next) await trx.updateTable('salons').set({seq}).where('salon_id', '=', salonId).execute();
    return outcomes;
  });
}

async function applyOne(trx: Transaction<Database>, flavor: Flavor, change: NewChange, rules: ChangeRules, counter: {seq: number; n: number}): Promise<ChangeOutcome> {
  const row = await messageQuery(trx).where('m.salon_id', '=', change.salonId).where('m.seq', '=', change.target).executeTakeFirst();
  const target = row ? toMessage(row) : undefined;
  if (!target || target.kind !== 'message') return {refused: 'UNKNOWN_MESSAGE'};
  if (target.deletedAt !== null) return {refused: 'DELETED'};
  const own = target.clientId === change.clientId;
  const late = rules.editWindowMs !== null && change.ts - target.ts > rules.editWindowMs;
  const where = {salon_id: change.salonId, seq: change.target};
  if (change.kind === 'edit') {
    if (!own) return {refused: 'NOT_YOURS'};
    if (late) return {refused: 'EDIT_WINDOW'};
    if (target.text === change.text) return {unchanged: true};
  } else if (change.kind === 'delete') {
    if (own ? !rules.authorsMayDelete && !change.moderator : !change.moderator) return {refused: 'NOT_YOURS'};
    if (own && late && !change.moderator) return {refused: 'EDIT_WINDOW'};
  } else {
    const reactions = await trx.selectFrom('reactions').select(['emoji', 'client_id']).where('salon_id', '=', where.salon_id).where('seq', '=', where.seq).execute();
    const mine = reactions.some((r) => r.client_id === change.clientId && r.emoji === change.text);
    if (change.kind === 'react') {
      if (mine) return {unchanged: true};
      const distinct = new Set(reactions.map((r) => r.emoji));
      if (!distinct.has(change.text) && distinct.size >= rules.maxReactions) return {refused: 'TOO_MANY_REACTIONS'};
      await trx.insertInto('reactions').values({...where, client_id: change.clientId, emoji: change.text, created_at: flavor.time(change.ts)}).execute();
    } else {
      if (!mine) return {unchanged: true};
      await trx.deleteFrom('reactions').where('salon_id', '=', where.salon_id).where('seq', '=', where.seq).where('client_id', '=', change.clientId).where('emoji', '=', change.text).execute();
    }
  }

  counter.seq += 1;
  const seq = counter.seq;
  const inserted = await trx
    .insertInto('messages')
    .values({
      salon_id: change.salonId,
      seq,
      client_id: change.clientId,
      author_alias: change.alias,
      contenu: change.text,
      timestamp: flavor.time(change.ts),
      client_msg_id: change.clientMsgId ?? null,
      kind: change.kind,
      target_seq: change.target,
      reply_to: null,
      n: counter.n,
    })
    .executeTakeFirstOrThrow();
  const targetRow = trx.updateTable('messages').where('salon_id', '=', where.salon_id).where('seq', '=', where.seq);
  if (change.kind === 'edit') {
    await targetRow.set({contenu: change.text, search_words: indexedText(change.text), edited_at: flavor.time(change.ts), changed_seq: seq}).execute();
  } else if (change.kind === 'delete') {
    // The text goes from the message, from every edit of it, and from search.
    await targetRow.set({contenu: '', search_words: null, deleted_at: flavor.time(change.ts), deleted_by: change.username, changed_seq: seq}).execute();
    await trx.updateTable('messages').set({contenu: ''}).where('salon_id', '=', where.salon_id).where('target_seq', '=', where.seq).where('kind', '=', 'edit').execute();
    await trx.deleteFrom('reactions').where('salon_id', '=', where.salon_id).where('seq', '=', where.seq).execute();
  } else {
    await targetRow.set({changed_seq: seq}).execute();
  }
  return {
    stored: {
      id: Number(inserted.insertId),
      salonId: change.salonId,
      seq,
      clientId: change.clientId,
      username: change.username,
      alias: change.alias,
      text: change.text,
      ts: change.ts,
      clientMsgId: change.clientMsgId ?? null,
      kind: change.kind,
      target: change.target,
      replyTo: null,
      n: counter.n,
      editedAt: null,
      deletedAt: null,
      deletedBy: null,
      changedSeq: 0,
    },
  };
}
