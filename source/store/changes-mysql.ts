/**
 * A batch with changes on MySQL, in two round trips, the counters' locks held for the second
 * only, as an append of sends holds them (messages.ts, `writeInOneTrip`):
 *
 * 1. The reads (earlier attempts of its changes, the changed messages, their reactions),
 *    without a lock, as one multi-statement query; the batch is planned from them. A send
 *    is written as if it were not a retry, as in an append: the unique key refuses it if it is.
 * 2. The writes as one multi-statement query: open the transaction, advance the counters
 *    (which takes their locks), check that no changed message moved since it was read, the
 *    INSERT of the sends, the INSERT of the change rows, the changed messages' UPDATE,
 *    the reactions, read the counters back, COMMIT.
 *
 * When this node knows every changed message as its last batches left them
 * (known-messages.ts), the reads are skipped: one round trip, as for sends.
 *
 * A changed message moves only under its salon's counter lock (every change takes it), so
 * its version (changed_seq) read under the lock tells whether the plan still holds. When it
 * does not (another node changed it meanwhile), or another attempt of a keyed row committed
 * meanwhile, the batch is planned again with the counters locked before the reads: two
 * more round trips, rare.
 */
import {CompiledQuery, type Kysely} from 'kysely';
import {type Answer, type ChangeRules, type Landed, type Plan, type Reaction, type Submission, type Target, countersOf, finishBatch, planBatch, targetKey} from './changes.js';
import {type Statement, batchState, stateQueries, writeStatements} from './changes-statements.js';
import type {KnownMessages} from './known-messages.js';
import {readIds, rollback} from './messages.js';
import {termsStatement} from './search-mysql-terms.js';
import type {Database} from './schema.js';
import type {Flavor} from './sql-store.js';

/** The check of the changed messages' versions failed: their scalar subquery returned two rows. */
const isMoved = (error: unknown) => (error as {code?: string})?.code === 'ER_SUBQUERY_NO_1_ROW';

export async function writeBatchInOneTrip(db: Kysely<Database>, flavor: Flavor, batch: readonly Submission[], rules: ChangeRules, known: KnownMessages): Promise<Answer[]> {
  try {
    return await attempt(db, flavor, batch, rules, false, known);
  } catch (error) {
    await rollback(db);
    if (!isMoved(error) && !flavor.isDuplicateSend(error)) throw error;
  }
  try {
    return await attempt(db, flavor, batch, rules, true, known);
  } catch (error) {
    await rollback(db);
    throw error;
  }
}

/**
 * The plan from what this node knows of the changed messages, when it knows them all and
 * trusts every answer given without a row, which no write will check: a refusal no later
 * change can undo (deleted, someone else's, too late) holds; "unchanged" or too many
 * reactions may have moved on another node, and a keyed change answered so may be a retry
 * whose first attempt was stored (a reaction already there, the same text): only the
 * database tells.
 */
function planFromKnown(batch: readonly Submission[], rules: ChangeRules, known: KnownMessages): Plan | undefined {
  const targets = new Map<string, Target>();
  const reactions: Reaction[] = [];
  for (const item of batch) {
    if (!item.change) continue;
    const key = targetKey(item.change.salonId, item.change.target);
    if (targets.has(key)) continue;
    const entry = known.get(item.change.salonId, item.change.target);
    if (!entry) return undefined;
    targets.set(key, entry.target);
    reactions.push(...entry.reactions);
  }
  const plan = planBatch(batch, {earlier: new Map(), targets, reactions}, rules);
  const unsure = batch.some((item, i) => {
    const answer = plan.answers[i];
    if (!item.change || answer === undefined || 'stored' in answer) return false;
    return item.change.clientMsgId !== undefined || 'unchanged' in answer || ('refused' in answer && answer.refused === 'TOO_MANY_REACTIONS');
  });
  return unsure ? undefined : plan;
}

/** What the batch left of its messages, for the next batches' plans. */
function remember(known: KnownMessages, plan: Plan, landed: Landed): void {
  plan.rows.forEach((row, k) => {
    const m = row.message;
    if (!m) return;
    const seq = landed.seqs[k] as number;
    known.remember({id: landed.ids[k] as number, salonId: m.salonId, seq, kind: 'message', clientId: m.clientId, text: m.text, ts: m.ts, deletedAt: null, changedSeq: 0}, []);
  });
  for (const w of plan.writes) {
    const t = w.target;
    const text = w.deletion ? '' : (w.edit?.text ?? t.text);
    const reactions = [...w.reactions.values()].map((r) => ({salonId: t.salonId, seq: t.seq, clientId: r.clientId, emoji: r.emoji}));
    known.remember({...t, text, deletedAt: w.deletion?.ts ?? t.deletedAt, changedSeq: landed.seqs[w.lastRow] as number}, reactions);
  }
}

const BEGIN: Statement = {sql: 'START TRANSACTION', parameters: []};
const COMMIT: Statement = {sql: 'COMMIT', parameters: []};

/** Statements sent as one query; one result per statement. */
async function trip(db: Kysely<Database>, statements: readonly Statement[]): Promise<unknown[]> {
  const query = CompiledQuery.raw(statements.map((s) => s.sql).join(';\n'), statements.flatMap((s) => [...s.parameters]));
  const {rows} = await db.executeQuery(query);
  // A single statement's result is its rows, not a list of results.
  return statements.length === 1 ? [rows] : (rows as unknown[]);
}

async function attempt(db: Kysely<Database>, flavor: Flavor, batch: readonly Submission[], rules: ChangeRules, locked: boolean, known: KnownMessages): Promise<Answer[]> {
  const plan = (!locked && planFromKnown(batch, rules, known)) || (await planFromReads(db, batch, rules, locked));
  if (plan.rows.length === 0) {
    if (locked) await trip(db, [COMMIT]);
    return finishBatch(batch, plan, {seqs: [], ns: [], ids: []});
  }
  let landed: Landed;
  try {
    landed = await write(db, flavor, plan, locked);
  } catch (error) {
    // Whatever this node knew of them may be what failed the batch.
    known.forget(plan.relied);
    throw error;
  }
  remember(known, plan, landed);
  return finishBatch(batch, plan, landed);
}

async function planFromReads(db: Kysely<Database>, batch: readonly Submission[], rules: ChangeRules, locked: boolean): Promise<Plan> {
  const queries = stateQueries(db, batch, locked ? 'all' : 'changes');
  const reads = [queries.earlier, queries.targets, queries.reactions];
  const first: Statement[] = [];
  if (locked) {
    const salonIds = [...new Set(batch.map((item) => (item.message ?? item.change).salonId))];
    first.push(BEGIN, db.selectFrom('salons').select('salon_id').where('salon_id', 'in', salonIds).forUpdate().compile());
  }
  for (const query of reads) if (query) first.push(query);
  const results = first.length === 0 ? [] : await trip(db, first);
  const readRows = (i: number): unknown[] => {
    if (!reads[i]) return [];
    const offset = (locked ? 2 : 0) + reads.slice(0, i).filter(Boolean).length;
    return results[offset] as unknown[];
  };
  return planBatch(batch, batchState(readRows(0), readRows(1), readRows(2)), rules);
}

async function write(db: Kysely<Database>, flavor: Flavor, plan: Plan, locked: boolean): Promise<Landed> {
  const counters = countersOf(plan.rows);
  const salonIds = [...counters.rows.keys()];
  // Each salon's advanced counters, read once into session variables that the rows' seq and
  // n use: its counter minus how many of its salon's rows (sends, for n) follow it in the
  // batch. (Salon ids are integers from the database.)
  const variable = (name: 'seq' | 'n', id: number) => `@chat_${name}_${Math.trunc(Number(id))}`;
  const writes = writeStatements(plan, flavor, counters, (k) => {
    const salonId = plan.rows[k]?.salonId ?? 0;
    return {seq: [`${variable('seq', salonId)} - ?`, counters.belowSeq[k] as number], n: [`${variable('n', salonId)} - ?`, counters.belowN[k] as number]};
  });
  const statements: Statement[] = locked ? [] : [BEGIN];
  statements.push(writes.counters);
  for (const id of salonIds) statements.push({sql: `SELECT seq, msgs INTO ${variable('seq', id)}, ${variable('n', id)} FROM salons WHERE salon_id = ?`, parameters: [id]});
  if (!locked && plan.relied.length > 0) {
    // Under the locks now: a changed message whose version moved since the reads fails the
    // query here, before anything is written, with "Subquery returns more than 1 row".
    statements.push({
      sql: `SET @chat_moved = (SELECT 1 UNION ALL SELECT 2 FROM DUAL WHERE (SELECT COUNT(*) FROM messages WHERE ${plan.relied.map(() => '(message_id = ? AND changed_seq = ?)').join(' OR ')}) <> ?)`,
      parameters: [...plan.relied.flatMap((t) => [t.id, t.changedSeq]), plan.relied.length],
    });
  }
  const at = (s: Statement | undefined) => (s ? statements.push(s) - 1 : -1);
  const sendsAt = at(writes.sends);
  const changesAt = at(writes.changes);
  statements.push(...writes.after);
  const readBackAt = at(db.selectFrom('salons').select(['salon_id', 'seq', 'msgs']).where('salon_id', 'in', salonIds).compile());
  // The words search's vocabulary does not hold yet (store/search-terms.ts), as an append writes them.
  const words = flavor.terms?.unknown(writes.indexed) ?? [];
  if (writes.sends) statements.push(termsStatement(counters.rows));
  statements.push(...(flavor.terms?.statements(words) ?? []), COMMIT);

  const results = await trip(db, statements);
  flavor.terms?.written(words);
  const last = new Map((results[readBackAt] as {salon_id: number; seq: number | string; msgs: number | string}[]).map((r) => [Number(r.salon_id), {seq: Number(r.seq), n: Number(r.msgs)}]));
  const seqs = plan.rows.map((r, k) => (last.get(r.salonId)?.seq ?? 0) - (counters.belowSeq[k] as number));
  const ns = plan.rows.map((r, k) => (last.get(r.salonId)?.n ?? 0) - (counters.belowN[k] as number));
  const insertIdOf = (i: number) => (results[i] as {insertId?: number | string} | undefined)?.insertId;
  if (flavor.consecutiveIds && (sendsAt < 0 || insertIdOf(sendsAt) !== undefined) && (changesAt < 0 || insertIdOf(changesAt) !== undefined)) {
    const ids: number[] = new Array(plan.rows.length);
    writes.sendRows.forEach((k, i) => (ids[k] = Number(insertIdOf(sendsAt)) + i));
    writes.changeRows.forEach((k, i) => (ids[k] = Number(insertIdOf(changesAt)) + i));
    return {seqs, ns, ids};
  }
  // Committed: reading the ids back holds no lock any more.
  return {seqs, ns, ids: await readIds(db, plan.rows.map((r, k) => ({salon_id: r.salonId, seq: seqs[k] as number})))};
}
