/**
 * The writer alone, in this process, over a throwaway store: sends at a steady rate from
 * 10 senders, `--changes` of them replaced by a change (alternately an edit of the
 * sender's newest acknowledged message and a reaction to the newest message it has not
 * reacted to), as `fanout --changes` offers them, without the 1,000 clients and their
 * deliveries. What it prints is what the store path costs, which the fan-out's latency hides
 * under the machine's other load: acknowledgement latency, this process's CPU per row, its
 * event loop's busy share, transactions (writer batches), and on MySQL the round trips
 * (queries sent by this process) per batch with changes and per row.
 *
 *   node build/bench/writer-mix.js [--db mysql://root@127.0.0.1:3306/] [--changes 0.1] [--rate 500] [--seconds 10]
 */
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import mysql from 'mysql2';
import {Writer} from '../source/server/writer.js';
import {openStore} from '../source/store/open.js';
import type {NewChange, NewMessage, Store, UserRecord} from '../source/store/types.js';
import {createBenchDatabase} from './database.js';
import {summarize} from './stats.js';

const {values} = parseArgs({
  options: {db: {type: 'string'}, changes: {type: 'string', default: '0.1'}, rate: {type: 'string', default: '500'}, seconds: {type: 'string', default: '10'}},
});
const changeShare = Number(values.changes);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const SENDERS = 10;
const EMOJI = ['👍', '🎉', '👀', '🚀', '❤', ':tada:', ':ok:', '😀', '🔥', '✅'];

// Every query this process sends to MySQL is one round trip (Kysely's mysql dialect calls query()).
let roundTrips = 0;
const proto = (mysql as unknown as {Connection: {prototype: {query: (...args: unknown[]) => unknown}}}).Connection.prototype;
const query = proto.query;
proto.query = function (this: unknown, ...args: unknown[]) {
  roundTrips += 1;
  return query.apply(this, args);
};

const db = await createBenchDatabase(values.db);
let store: Store | undefined;
try {
  await db.migrate();
  store = await openStore(db.kind === 'mysql' ? {dbUrl: db.serverArgs[1], dataDir: ''} : {dataDir: db.serverArgs[1] as string});
  const users: UserRecord[] = [];
  for (let i = 0; i < SENDERS; i++) users.push(await store.createUser({username: `w${i}`, alias: `W${i}`, passwordHash: 'x', role: 'user', ts: Date.now()}));
  let batches = 0;
  let changeBatches = 0;
  let tripsInChangeBatches = 0;
  // Counts the writer's transactions, and the round trips of those with changes, by wrapping the store it calls.
  const counted: Store = Object.create(store);
  counted.appendMessages = (batch) => {
    batches += 1;
    return (store as Store).appendMessages(batch);
  };
  const countChanges = async <T>(work: () => Promise<T>) => {
    batches += 1;
    changeBatches += 1;
    const before = roundTrips;
    try {
      return await work();
    } finally {
      tripsInChangeBatches += roundTrips - before;
    }
  };
  // applyChanges: the writer before changes shared the sends' batches; writeBatch: after.
  const methods = counted as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of ['applyChanges', 'writeBatch']) {
    const real = (store as unknown as Record<string, ((...args: unknown[]) => Promise<unknown>) | undefined>)[name];
    if (real) methods[name] = (...args: unknown[]) => countChanges(() => real.apply(store, args));
  }
  const writer = new Writer(counted, {maxBatch: 1000, maxQueue: 100_000, concurrency: 1, commitTimeoutMs: 30_000, deliver: async () => {}, onFailure: (e) => console.error(e), onRecovery: () => {}});

  const newest = new Map<number, number>(); // sender -> seq of its newest acknowledged message
  const reacted = new Map<number, Set<number>>();
  let lastSeq = 0;
  const latencies: number[] = [];
  const changeLatencies: number[] = [];
  let rows = 0;
  let changes = 0;
  const submitOne = (n: number) => {
    // Senders take turns, and so do the ones whose turn is a change.
    const i = (n + Math.floor(n / SENDERS)) % SENDERS;
    const user = users[i] as UserRecord;
    const started = performance.now();
    const base = {clientId: user.id, username: user.username, alias: user.alias, salonId: 1, ts: Date.now(), clientMsgId: `w${i}-${n}`};
    const mine = reacted.get(i) ?? new Set<number>();
    reacted.set(i, mine);
    const wantChange = changeShare > 0 && n % Math.round(1 / changeShare) === Math.round(1 / changeShare) - 1;
    const target = Math.floor(n / Math.round(1 / changeShare)) % 2 === 0 ? {kind: 'edit' as const, seq: newest.get(i)} : {kind: 'react' as const, seq: lastSeq > 0 && !mine.has(lastSeq) ? lastSeq : undefined};
    if (wantChange && target.seq !== undefined) {
      changes += 1;
      if (target.kind === 'react') mine.add(target.seq);
      const change: NewChange = {...base, kind: target.kind, target: target.seq, text: target.kind === 'edit' ? `edited ${n}` : (EMOJI[i] as string), moderator: false};
      void writer.submitChange(change).then((outcome) => {
        if ('refused' in outcome) console.error('refused', outcome, change);
        rows += 'stored' in outcome ? 1 : 0;
        const ms = performance.now() - started;
        latencies.push(ms);
        changeLatencies.push(ms);
      });
      return;
    }
    const message: NewMessage = {...base, text: `message ${n} from w${i}`};
    void writer.submit(message).then((stored) => {
      rows += 1;
      newest.set(i, stored.seq);
      lastSeq = Math.max(lastSeq, stored.seq);
      latencies.push(performance.now() - started);
    });
  };

  // A tick every 10 ms, each offering what the rate owes by then: sends arrive in small groups, as from sockets.
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const trips = roundTrips;
  const t0 = performance.now();
  let offered = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(rate * seconds, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (offered < due) submitOne(offered++);
      if (offered >= rate * seconds) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await writer.drain();
  const used = process.cpuUsage(cpu);
  const busy = performance.eventLoopUtilization(elu);
  const all = summarize(latencies);
  const ofChanges = summarize(changeLatencies);
  console.log(
    JSON.stringify({
      store: db.kind,
      rate,
      seconds,
      offered,
      changes,
      rows,
      ackMs: {p50: all.p50, p95: all.p95, p99: all.p99, max: all.max},
      changeAckMs: {p50: ofChanges.p50, p99: ofChanges.p99},
      cpuUsPerRow: Math.round((used.user + used.system) / Math.max(rows, 1)),
      eventLoopBusy: Number(busy.utilization.toFixed(3)),
      batches,
      changeBatches,
      roundTripsPerChangeBatch: changeBatches ? Number((tripsInChangeBatches / changeBatches).toFixed(2)) : 0,
      roundTripsPerRow: Number(((roundTrips - trips) / Math.max(rows, 1)).toFixed(3)),
    }),
  );
} finally {
  await store?.close();
  await db.drop();
}
