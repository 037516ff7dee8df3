/**
 * The search queries' own cost, one at a time, without a server or traffic: the
 * `search` scenario's kinds of query (search-corpus.ts) through the store's own search
 * (store.search, as the server calls it: salons 1-5, 50 results), on a store seeded as
 * the scenario seeds it. What a query costs alone is what a searcher waits for at best,
 * and what the machine's noise cannot hide as much as the scenario's latencies.
 *
 *   node build/bench/search-alone.js [--messages N] [--db mysql://root@127.0.0.1:3306/] [--queries 15] [--json]
 */
import {parseArgs} from 'node:util';
import {QUERY_KINDS, queryOf, random} from './search-corpus.js';
import {createBenchDatabase} from './database.js';
import {seedAccounts, seedCorpus, clientIdOf} from './seed.js';
import {openStore} from '../source/store/open.js';
import {parseSearch} from '../source/protocol/search.js';

const {values} = parseArgs({options: {messages: {type: 'string', default: '100000'}, db: {type: 'string'}, queries: {type: 'string', default: '15'}, json: {type: 'boolean', default: false}}});
const messages = Number(values.messages);
const perKind = Number(values.queries);
const AUTHORS = 1000;

const db = await createBenchDatabase(values.db);
try {
  await db.migrate();
  await seedAccounts(db, AUTHORS, 'general');
  const now = Date.now();
  const started = Date.now();
  await seedCorpus(db, 1, messages, AUTHORS, now);
  const seedMs = Date.now() - started;
  const sizes = await db.searchSizes();
  const store = await openStore(db.kind === 'mysql' ? {dbUrl: db.serverArgs[1], dataDir: db.workDir} : {dataDir: `${db.workDir}/data`});
  try {
    const rows: Record<string, {p50: number; max: number; found: number}> = {};
    const rnd = random(18);
    // Both readers started, their statements prepared: the first query pays neither.
    const warm = () => store.search({salonIds: [1, 2, 3, 4, 5], prefixes: ['bonjour'], phrases: [], limit: 50});
    await Promise.all([warm(), warm()]);
    for (const kind of QUERY_KINDS) {
      const times: number[] = [];
      let found = 0;
      for (let k = 0; k < perKind; k++) {
        const query = parseSearch(queryOf(kind, rnd, AUTHORS, now));
        if ('problem' in query) throw new Error(`${kind}: ${query.problem}`);
        const author = query.from === undefined ? undefined : clientIdOf(Number(query.from.replace(/^bench/, '')));
        const t = process.hrtime.bigint();
        const page = await store.search({salonIds: query.in === undefined ? [1, 2, 3, 4, 5] : [1], prefixes: query.prefixes, phrases: query.phrases, authorId: author, after: query.after, before: query.before, limit: 50});
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
        found += page.messages.length;
      }
      times.sort((a, b) => a - b);
      rows[kind] = {p50: times[Math.floor(times.length / 2)] as number, max: times.at(-1) as number, found: Math.round(found / perKind)};
    }
    if (values.json) console.log(JSON.stringify({kind: db.kind, messages, seedMs, sizes, rows}));
    else {
      console.log(`${db.kind}, ${messages.toLocaleString('en-US')} messages (seeded in ${(seedMs / 1000).toFixed(1)} s), index ${sizes.searchIndexMB} MB`);
      for (const [kind, r] of Object.entries(rows)) console.log(`${kind.padEnd(14)} p50 ${r.p50.toFixed(1).padStart(7)} ms  max ${r.max.toFixed(1).padStart(7)} ms  results ${r.found}`);
    }
  } finally {
    await store.close();
  }
} finally {
  await db.drop();
}
