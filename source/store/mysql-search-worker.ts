/**
 * The thread of MySQL's search (mysql.ts): its own pool of connections, and what searches
 * remember from one to the next (search-mysql-memory.ts). The server's event loop, busy
 * delivering messages, would delay each of a search's round trips; this one is idle.
 */
import {parentPort, workerData} from 'node:worker_threads';
import {createPool, type PoolOptions} from 'mysql2';
import {serveReads} from './reader-threads.js';
import type {StoreSearch} from './search-query.js';
import {type Run, prepareSearch, searchMysql} from './search-mysql.js';
import {SearchMemory} from './search-mysql-memory.js';

/** A node runs at most 2 searches at once (policy maxConcurrentSearches); more would wait in the pool's queue. */
const CONNECTIONS = 2;

const pool = createPool({...(workerData as {connection: PoolOptions}).connection, connectionLimit: CONNECTIONS, supportBigNumbers: true, enableKeepAlive: true, multipleStatements: true});
// mysql2 itself, not Kysely: its import alone took 165 ms of the thread's start, which the
// first search after a start waited for (bench/README.md).
const run: Run = (sql, parameters) => new Promise((resolve, reject) => pool.query(sql, parameters, (error, rows) => (error ? reject(error) : resolve(rows as unknown[]))));
const memory = new SearchMemory();
parentPort?.postMessage({ready: true});

parentPort?.on('message', ({id, search, prepare, learned, close}: {id: number; search?: StoreSearch; prepare?: true; learned?: string[]; close?: true}) => {
  if (close) {
    pool.end(() => parentPort?.close());
    return;
  }
  if (learned) memory.learned(learned);
  else if (search && parentPort) serveReads(parentPort, id, () => searchMysql(run, search, memory));
  else if (prepare && parentPort) serveReads(parentPort, id, () => prepareSearch(run, memory));
});
