/**
 * A batch with changes on SQLite: in the write transaction, which excludes every other
 * writer and costs no round trip, the reads, the plan and the writes run one after the
 * other, and the batch's sends and changes share one commit (one fsync).
 */
import {CompiledQuery, type Transaction} from 'kysely';
import {type Answer, type ChangeRules, type Submission, countersOf, finishBatch, planBatch} from './changes.js';
import {type Statement, batchState, stateQueries, writeStatements} from './changes-statements.js';
import type {Database} from './schema.js';
import type {Flavor} from './sql-store.js';

export async function writeBatchInTransaction(trx: Transaction<Database>, flavor: Flavor, batch: readonly Submission[], rules: ChangeRules): Promise<Answer[]> {
  const queries = stateQueries(trx, batch);
  const read = async (query: CompiledQuery | undefined) => (query ? (await trx.executeQuery(query)).rows : []);
  const plan = planBatch(batch, batchState(await read(queries.earlier), await read(queries.targets), await read(queries.reactions)), rules);
  if (plan.rows.length === 0) return finishBatch(batch, plan, {seqs: [], ns: [], ids: []});

  const counters = countersOf(plan.rows);
  const salonIds = [...counters.rows.keys()];
  const before = await trx.selectFrom('salons').select(['salon_id', 'seq', 'msgs']).where('salon_id', 'in', salonIds).execute();
  const after = new Map(before.map((r) => [r.salon_id, {seq: Number(r.seq) + (counters.rows.get(r.salon_id) ?? 0), n: Number(r.msgs) + (counters.sends.get(r.salon_id) ?? 0)}]));
  const seqs = plan.rows.map((r, k) => (after.get(r.salonId)?.seq ?? 0) - (counters.belowSeq[k] as number));
  const ns = plan.rows.map((r, k) => (after.get(r.salonId)?.n ?? 0) - (counters.belowN[k] as number));
  const writes = writeStatements(plan, flavor, counters, (k) => ({seq: ['?', seqs[k] as number], n: ['?', ns[k] as number]}));

  const run = (s: Statement) => trx.executeQuery<{message_id: number}>(CompiledQuery.raw(s.sql, [...s.parameters]));
  await run(writes.counters);
  const ids: number[] = new Array(plan.rows.length);
  for (const [insert, rows] of [
    [writes.sends, writes.sendRows],
    [writes.changes, writes.changeRows],
  ] as const) {
    if (!insert) continue;
    const inserted = await run({sql: `${insert.sql} RETURNING message_id`, parameters: insert.parameters});
    inserted.rows.forEach((r, i) => (ids[rows[i] as number] = Number(r.message_id)));
  }
  for (const statement of writes.after) await run(statement);
  // The words search's vocabulary does not hold yet (store/search-terms.ts), as an append writes them.
  if (flavor.terms) {
    const words = flavor.terms.unknown(writes.indexed);
    for (const statement of flavor.terms.statements(words)) await trx.executeQuery(statement);
    flavor.terms.written(words);
  }
  return finishBatch(batch, plan, {seqs, ns, ids});
}
