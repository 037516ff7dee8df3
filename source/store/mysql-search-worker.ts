/**
 * The thread of MySQL's search (mysql.ts): its own pool of connections, and what searches
 * remember from one to the next (search-mysql-memory.ts). The server's event loop, busy
 * delivering messages, would delay each of a search's round trips; this one is idle.
 */
import {parentPort, workerData} from 'node:worker_threads';
import {Kysely, MysqlDialect} from 'kysely';
import {createPool, type PoolOptions} from 'mysql2';
import {serveReads} from './reader-threads.js';
import type {Database} from './schema.js';
import type {StoreSearch} from './search.js';
import {searchMysql} from './search-mysql.js';
import {SearchMemory} from './search-mysql-memory.js';

/** A node runs at most 2 searches at once (policy maxConcurrentSearches); more would wait in the pool's queue. */
const CONNECTIONS = 2;

const pool = createPool({...(workerData as {connection: PoolOptions}).connection, connectionLimit: CONNECTIONS, supportBigNumbers: true, enableKeepAlive: true, multipleStatements: true});
const db = new Kysely<Database>({dialect: new MysqlDialect({pool})});
const memory = new SearchMemory();
parentPort?.postMessage({ready: true});

parentPort?.on('message', ({id, search, learned, close}: {id: number; search?: StoreSearch; learned?: string[]; close?: true}) => {
  if (close) {
    void db.destroy().finally(() => parentPort?.close());
    return;
  }
  if (learned) memory.learned(learned);
  else if (search && parentPort) serveReads(parentPort, id, () => searchMysql(db, search, memory));
});
