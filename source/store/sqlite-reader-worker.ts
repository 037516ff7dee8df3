/** The worker of sqlite-reader.ts: runs read-only queries on its own connection. */
import {parentPort, workerData} from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import {serveReads} from './reader-threads.js';
import {type SearchJob, runSearchJob} from './search-query.js';

const db = new SQLite((workerData as {file: string}).file, {readonly: true, fileMustExist: true});
db.pragma('busy_timeout = 2000');
const statements = new Map<string, SQLite.Statement>();
// Open: the reader may now close this thread safely.
parentPort?.postMessage({ready: true});

function all(sql: string, parameters: readonly unknown[]): unknown[] {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    // The statements are a handful of shapes (how many terms and filters): a bounded cache.
    if (statements.size < 200) statements.set(sql, statement);
  }
  return statement.all(...parameters);
}

interface Query {
  sql: string;
  parameters: unknown[];
}

parentPort?.on('message', ({id, queries, job, close}: {id: number; queries?: Query[]; job?: SearchJob; close?: true}) => {
  if (close) {
    db.close();
    parentPort?.close();
    return;
  }
  if (parentPort) serveReads(parentPort, id, () => (job ? runSearchJob(job, all) : (queries ?? []).map((q) => all(q.sql, q.parameters))));
});
