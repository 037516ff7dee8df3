/**
 * Storing and reading messages: the batch append behind group commit (gap-free sequence
 * numbers, idempotent retries, one multi-row INSERT) and the query reads share. Which
 * columns a message has, and how each is written and read, is message-fields.ts.
 */
import {CompiledQuery, type Kysely, type Transaction, sql} from 'kysely';
import {INSERT_COLUMNS, INSERT_N_INDEX, INSERT_SEQ_INDEX, SELECT_COLUMNS, insertValues, toMessage} from './message-fields.js';
import {indexedText} from '../protocol/search.js';
import {termsStatement} from './search-mysql-terms.js';
import {purgedUpTo} from './retention.js';
import type {Database} from './schema.js';
import type {Flavor} from './sql-store.js';
import type {NewMessage, StoredMessage} from './types.js';

export {toMessage};

export const keyOf = (clientId: number | null, id: string) => `${clientId}\u0000${id}`;

/** What a batch needs written, once the earlier attempts of its retries are known. */
interface Plan {
  results: (StoredMessage | undefined)[];
  /** Indexes of the messages to insert, in batch order. */
  fresh: number[];
  /** A clientMsgId sent twice in one batch: the later index answers as the first. */
  duplicateOf: Map<number, number>;
}

function plan(batch: readonly NewMessage[], earlier: ReadonlyMap<string, StoredMessage>): Plan {
  const results: (StoredMessage | undefined)[] = new Array(batch.length);
  const firstIndex = new Map<string, number>();
  const duplicateOf = new Map<number, number>();
  const fresh: number[] = [];
  batch.forEach((message, index) => {
    if (message.clientMsgId === undefined) return void fresh.push(index);
    const key = keyOf(message.clientId, message.clientMsgId);
    const stored = earlier.get(key);
    if (stored) return void (results[index] = stored);
    const first = firstIndex.get(key);
    if (first !== undefined) return void duplicateOf.set(index, first);
    firstIndex.set(key, index);
    fresh.push(index);
  });
  return {results, fresh, duplicateOf};
}

type Keyed = Pick<NewMessage, 'clientId' | 'clientMsgId'>;

/** Retries: a (client, clientMsgId) stored before returns the first stored message. */
export async function storedEarlier(db: Kysely<Database>, batch: readonly Keyed[]): Promise<Map<string, StoredMessage>> {
  const query = earlierQuery(db, batch);
  return earlierFrom(query ? (await db.executeQuery(query)).rows : []);
}

/** The query that finds earlier attempts of the batch's keyed rows; undefined when none is keyed. */
export function earlierQuery(db: Kysely<Database>, batch: readonly Keyed[]) {
  const withId = batch.filter((m) => m.clientMsgId !== undefined);
  if (withId.length === 0) return undefined;
  // By (client, id) pairs: two separate IN lists would make the database probe every
  // sender with every id (20 senders x 1,000 ids = 20,000 probes for one batch).
  const pairs = [...new Map(withId.map((m) => [keyOf(m.clientId, m.clientMsgId as string), m])).values()];
  return messageQuery(db)
    .where((eb) => eb(eb.refTuple('m.client_id', 'm.client_msg_id'), 'in', pairs.map((m) => eb.tuple(m.clientId, m.clientMsgId as string))))
    .compile();
}

/** What earlierQuery read, by (client, clientMsgId) key, each marked as a replay. */
export function earlierFrom(rows: readonly unknown[]): Map<string, StoredMessage> {
  const earlier = new Map<string, StoredMessage>();
  for (const row of rows as Parameters<typeof toMessage>[0][]) {
    const message = toMessage(row);
    earlier.set(keyOf(row.client_id, message.clientMsgId ?? ''), {...message, replayed: true});
  }
  return earlier;
}

/**
 * The stored messages, built from what was sent without reading them back: a field added to
 * the message (message-fields.ts) is a compile error here until it is given its value as
 * stored (what its `write` stores, or the column's default).
 */
function finish(batch: readonly NewMessage[], {results, fresh, duplicateOf}: Plan, written: Written): StoredMessage[] {
  fresh.forEach((i, k) => {
    results[i] = sentMessage(batch[i] as NewMessage, written.ids[k] as number, written.seqs[k] as number, written.ns[k] as number);
  });
  for (const [index, first] of duplicateOf) results[index] = {...(results[first] as StoredMessage), replayed: true};
  return results as StoredMessage[];
}

/** A send as stored, written out in full: one object shape, built fast. */
export function sentMessage(m: NewMessage, id: number, seq: number, n: number): StoredMessage {
  const sent: StoredMessage = {
    id,
    salonId: m.salonId,
    seq,
    clientId: m.clientId,
    username: m.username,
    alias: m.alias,
    text: m.text,
    ts: m.ts,
    clientMsgId: m.clientMsgId ?? null,
    kind: 'message',
    target: null,
    replyTo: m.replyTo ?? null,
    n,
    editedAt: null,
    deletedAt: null,
    deletedBy: null,
    changedSeq: 0,
  };
  if (m.bot) sent.bot = true;
  return sent;
}

/** Each fresh message's seq and n (see message-fields.ts), and its id. */
interface Written {
  seqs: number[];
  ns: number[];
  ids: number[];
}
const NOTHING_WRITTEN: Written = {seqs: [], ns: [], ids: []};

const salonsOf = (batch: readonly NewMessage[], fresh: number[]) => [...new Set(fresh.map((i) => (batch[i] as NewMessage).salonId))];

/**
 * SQLite: one write transaction excludes every other writer and costs no round trip, so
 * the steps run one after the other inside it.
 */
export async function appendInTransaction(trx: Transaction<Database>, flavor: Flavor, batch: readonly NewMessage[]): Promise<StoredMessage[]> {
  const steps = plan(batch, await storedEarlier(trx, batch));
  if (steps.fresh.length === 0) return finish(batch, steps, NOTHING_WRITTEN);
  const salonIds = salonsOf(batch, steps.fresh);
  // 2. Advance each salon's counters in this transaction: gap-free, in stored order. Every
  // row of a send is a message, so seq and n advance together.
  const counters = await trx.selectFrom('salons').select(['salon_id', 'seq', 'msgs']).where('salon_id', 'in', salonIds).execute();
  const next = new Map(counters.map((r) => [r.salon_id, {seq: Number(r.seq), n: Number(r.msgs)}]));
  const seqs: number[] = [];
  const ns: number[] = [];
  for (const i of steps.fresh) {
    const salonId = (batch[i] as NewMessage).salonId;
    const at = next.get(salonId) ?? {seq: 0, n: 0};
    next.set(salonId, {seq: at.seq + 1, n: at.n + 1});
    seqs.push(at.seq + 1);
    ns.push(at.n + 1);
  }
  // One statement for every salon of the batch.
  const value = (pick: (c: {seq: number; n: number}) => number) =>
    sql<number>`CASE salon_id ${sql.join(
      salonIds.map((id) => sql`WHEN ${id} THEN ${pick(next.get(id) ?? {seq: 0, n: 0})}`),
      sql` `,
    )} END`;
  await trx.updateTable('salons').set({seq: value((c) => c.seq), msgs: value((c) => c.n)}).where('salon_id', 'in', salonIds).execute();
  // 3. One multi-row INSERT for the whole batch: the reason batching is fast.
  const insert = insertStatement(batch, steps.fresh, flavor, (_, k) => ({seq: ['?', seqs[k] as number], n: ['?', ns[k] as number]}));
  const inserted = await trx.executeQuery<{message_id: number}>(CompiledQuery.raw(`${insert.sql} RETURNING message_id`, insert.parameters));
  // 4. The words search's vocabulary does not hold yet (store/search-terms.ts).
  if (flavor.terms) {
    const words = flavor.terms.unknown(insert.indexed);
    for (const statement of flavor.terms.statements(words)) await trx.executeQuery(statement);
    flavor.terms.written(words);
  }
  return finish(batch, steps, {seqs, ns, ids: inserted.rows.map((r) => Number(r.message_id))});
}

/**
 * MySQL: every round trip costs a turn of this process's event loop, which under load is
 * the larger part of an acknowledgement's latency, so a batch takes one. It is written
 * as if none of its messages were a retry: a retry is rare (an acknowledgement lost with
 * its connection), and the unique (client, clientMsgId) key refuses it if it is one. Only
 * then are the earlier attempts looked up and the rest written.
 */
export async function appendInOneTrip(db: Kysely<Database>, flavor: Flavor, batch: readonly NewMessage[]): Promise<StoredMessage[]> {
  const optimistic = plan(batch, new Map());
  try {
    return finish(batch, optimistic, await writeInOneTrip(db, flavor, batch, optimistic.fresh));
  } catch (error) {
    await rollback(db);
    if (!flavor.isDuplicateSend(error)) throw error;
  }
  const steps = plan(batch, await storedEarlier(db, batch));
  if (steps.fresh.length === 0) return finish(batch, steps, NOTHING_WRITTEN);
  try {
    return finish(batch, steps, await writeInOneTrip(db, flavor, batch, steps.fresh));
  } catch (error) {
    // Another attempt of one of these sends committed meanwhile (another node): the store
    // runs the whole append again, and the lookup then finds it.
    await rollback(db);
    throw error;
  }
}

/** A failed multi-statement query stops at the failing statement, inside its transaction. */
export async function rollback(db: Kysely<Database>): Promise<void> {
  await db.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => {});
}

// A send's INSERT is spelled here rather than with Kysely's builders: it is the part of a
// batch's work that grows with the batch, and building it with Kysely (values() on SQLite, a
// template per row on MySQL) cost 3-5 µs per message, these strings 0.5-1 µs (measured on
// the 2-core machine, batches of 500). The columns and values come from message-fields.ts;
// values still travel as placeholders.
// After the message's fields, what search matches of it (see sql/*/..._search.sql): an
// index of the text, not a field of the message, so it is written here and never read back.
const INSERT_HEAD = `INSERT INTO messages (${INSERT_COLUMNS.join(', ')}, search_words) VALUES `;
if (!(INSERT_SEQ_INDEX >= 0 && INSERT_SEQ_INDEX < INSERT_N_INDEX)) throw new Error('message-fields: seq must come before n');
/** A row's placeholders around its seq and its n, which may be expressions. */
const ROW_BEFORE_SEQ = `(${'?, '.repeat(INSERT_SEQ_INDEX)}`;
const ROW_BETWEEN = `${', ?'.repeat(INSERT_N_INDEX - INSERT_SEQ_INDEX - 1)}, `;
const ROW_AFTER_N = `${', ?'.repeat(INSERT_COLUMNS.length - INSERT_N_INDEX - 1)}, ?)`;

/** A counted column's SQL, with one placeholder, and that placeholder's value. */
export type Counted = [sql: string, value: number];

/**
 * One multi-row INSERT of the messages at `fresh` (indexes into the batch), in that order.
 * `countedOf` gives the SQL of a row's seq and n.
 */
export function insertStatement(batch: readonly NewMessage[], fresh: readonly number[], flavor: Flavor, countedOf: (m: NewMessage, k: number) => {seq: Counted; n: Counted}) {
  const tuples: string[] = new Array(fresh.length);
  const parameters: unknown[] = [];
  const indexed: string[] = new Array(fresh.length);
  const at = {seq: 0, n: 0, time: flavor.time};
  fresh.forEach((i, k) => {
    const m = batch[i] as NewMessage;
    const {seq, n} = countedOf(m, k);
    at.seq = seq[1];
    at.n = n[1];
    for (const value of insertValues(m, at)) parameters.push(value);
    indexed[k] = indexedText(m.text);
    parameters.push(indexed[k]);
    tuples[k] = `${ROW_BEFORE_SEQ}${seq[0]}${ROW_BETWEEN}${n[0]}${ROW_AFTER_N}`;
  });
  return {sql: `${INSERT_HEAD}${tuples.join(', ')}`, parameters, indexed};
}

/**
 * The counters' row locks are what every writer of every node waits for, so they are
 * held for one round trip only. Opening the transaction, advancing the counters (which
 * takes the locks), the INSERT (each row's seq computed in SQL from its salon's advanced
 * counter), reading the counters back and the COMMIT (which releases the locks) go to the
 * server as one multi-statement query.
 */
async function writeInOneTrip(db: Kysely<Database>, flavor: Flavor, batch: readonly NewMessage[], fresh: number[]): Promise<Written> {
  const salonIds = salonsOf(batch, fresh);
  const count = new Map<number, number>();
  const nth = fresh.map((i) => {
    const salonId = (batch[i] as NewMessage).salonId;
    const n = (count.get(salonId) ?? 0) + 1;
    count.set(salonId, n);
    return n;
  });
  // Every row of a send is a message: seq and n advance together.
  const added = sql<number>`CASE salon_id ${sql.join(salonIds.map((id) => sql`WHEN ${id} THEN ${count.get(id) ?? 0}`), sql` `)} END`;
  const advance = db
    .updateTable('salons')
    .set({seq: sql<number>`seq + ${added}`, msgs: sql<number>`msgs + ${added}`})
    .where('salon_id', 'in', salonIds)
    .compile();
  // Each salon's advanced counters, read once into session variables that the INSERT's
  // rows use: no per-row subquery. (Salon ids are integers from the database.)
  const variable = (name: 'seq' | 'n', id: number) => `@chat_${name}_${Math.trunc(Number(id))}`;
  const reads = salonIds.map((id) => sql`SELECT seq, msgs INTO ${sql.raw(variable('seq', id))}, ${sql.raw(variable('n', id))} FROM salons WHERE salon_id = ${id}`.compile(db));
  // Each row's seq and n, computed in SQL: its salon's advanced counter minus how many of
  // the salon's rows follow it in the batch.
  const insert = insertStatement(batch, fresh, flavor, (m, k) => {
    const below = (count.get(m.salonId) ?? 0) - (nth[k] as number);
    return {seq: [`${variable('seq', m.salonId)} - ?`, below], n: [`${variable('n', m.salonId)} - ?`, below]};
  });
  const readBack = db.selectFrom('salons').select(['salon_id', 'seq', 'msgs']).where('salon_id', 'in', salonIds).compile();
  // The words search's vocabulary does not hold yet (store/search-terms.ts), last: the locks they take are the latest.
  const words = flavor.terms?.unknown(insert.indexed) ?? [];
  const parts = [advance, ...reads, insert, readBack, termsStatement(count), ...(flavor.terms?.statements(words) ?? [])];
  const query = CompiledQuery.raw(`START TRANSACTION;\n${parts.map((p) => p.sql).join(';\n')};\nCOMMIT`, parts.flatMap((p) => [...p.parameters]));
  // One result per statement, START TRANSACTION's first.
  const {rows} = await db.executeQuery(query);
  flavor.terms?.written(words);
  const inserted = rows[2 + reads.length] as {insertId?: number | string} | undefined;
  const counters = rows[3 + reads.length] as unknown as {salon_id: number; seq: number | string; msgs: number | string}[];
  const last = new Map(counters.map((r) => [r.salon_id, {seq: Number(r.seq), n: Number(r.msgs)}]));
  const seqs: number[] = [];
  const ns: number[] = [];
  fresh.forEach((i, k) => {
    const salonId = (batch[i] as NewMessage).salonId;
    const below = (count.get(salonId) ?? 0) - (nth[k] as number);
    const after = last.get(salonId) ?? {seq: 0, n: 0};
    seqs.push(after.seq - below);
    ns.push(after.n - below);
  });
  if (flavor.consecutiveIds && inserted?.insertId !== undefined) {
    const first = Number(inserted.insertId);
    return {seqs, ns, ids: fresh.map((_, k) => first + k)};
  }
  // Committed: reading the ids back holds no lock any more.
  const ids = await readIds(db, fresh.map((i, k) => ({salon_id: (batch[i] as NewMessage).salonId, seq: seqs[k] as number})));
  return {seqs, ns, ids};
}

/**
 * AUTO_INCREMENT ids of a multi-row insert are not promised to be consecutive on every
 * MySQL setting, so they are read back by the unique (salon_id, seq) key: one query for all
 * the batch's salons, each a range of that key.
 */
export async function readIds(db: Kysely<Database>, rows: {salon_id: number; seq: number}[]): Promise<number[]> {
  const wanted = new Map(rows.map((r, k) => [`${r.salon_id}:${r.seq}`, k]));
  const range = new Map<number, {low: number; high: number}>();
  for (const r of rows) {
    const seen = range.get(r.salon_id);
    range.set(r.salon_id, {low: Math.min(seen?.low ?? r.seq, r.seq), high: Math.max(seen?.high ?? r.seq, r.seq)});
  }
  const found = await db
    .selectFrom('messages')
    .select(['message_id', 'salon_id', 'seq'])
    .where((eb) =>
      eb.or([...range].map(([salonId, {low, high}]) => eb.and([eb('salon_id', '=', salonId), eb('seq', '>=', low), eb('seq', '<=', high)]))),
    )
    .execute();
  const ids: number[] = new Array(rows.length);
  for (const f of found) {
    const k = wanted.get(`${f.salon_id}:${Number(f.seq)}`);
    if (k !== undefined) ids[k] = Number(f.message_id);
  }
  return ids;
}

const selectColumns = SELECT_COLUMNS.map((column) => `m.${column}` as const);

/** Messages with their author's username (null once the account was banned). */
export function messageQuery(db: Kysely<Database> | Transaction<Database>) {
  return db
    .selectFrom('messages as m')
    .leftJoin('clients as c', 'c.client_id', 'm.client_id')
    .select([...selectColumns, 'c.username', 'c.role as author_role']);
}

/** A page of a conversation's history, oldest first: the `limit` messages before seq `before` (undefined: the newest). */
export async function historyPage(db: Kysely<Database>, salonId: number, before: number | undefined, limit: number): Promise<StoredMessage[]> {
  let query = messageQuery(db).where('m.salon_id', '=', salonId);
  // Sequence numbers have no gaps, so the page's lower bound is known too: with both
  // bounds MariaDB reads a 50-row range instead of walking down from the newest row.
  if (before !== undefined) query = query.where('m.seq', '<', before).where('m.seq', '>=', before - limit);
  // Keyset pagination on the unique (salon_id, seq) index: any page costs the same.
  const rows = await query.orderBy('m.seq', 'desc').limit(limit).execute();
  return rows.reverse().map(toMessage);
}

/** The rows of a conversation after seq `after`, in order, at most `limit` (what a connection catching up missed). */
export async function messagesAfter(db: Kysely<Database>, salonId: number, after: number, limit: number): Promise<StoredMessage[]> {
  const page = (from: number) => messageQuery(db).where('m.salon_id', '=', salonId).where('m.seq', '>', from).where('m.seq', '<=', from + limit).orderBy('m.seq', 'asc').limit(limit).execute();
  let rows = await page(after);
  // The page does not start right after `after`: the rows there may have been deleted by
  // retention, and then the stream goes on from where deletion stopped.
  if (rows[0] === undefined || Number(rows[0].seq) !== after + 1) {
    const floor = await purgedUpTo(db, salonId);
    if (floor > after) rows = await page(floor);
  }
  return rows.map(toMessage);
}

/** The messages (not change rows) at these seqs, by seq. */
export async function messagesAt(db: Kysely<Database>, salonId: number, seqs: readonly number[]): Promise<Map<number, StoredMessage>> {
  const rows = await messageQuery(db).where('m.salon_id', '=', salonId).where('m.seq', 'in', [...seqs]).where('m.kind', '=', 'message').execute();
  return new Map(rows.map((row) => [Number(row.seq), toMessage(row)]));
}
