/** The worker of sqlite-reader.ts: runs read-only queries on its own connection. */
import {parentPort, workerData} from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const db = new SQLite((workerData as {file: string}).file, {readonly: true, fileMustExist: true});
db.pragma('busy_timeout = 2000');
const statements = new Map<string, SQLite.Statement>();
// Open: the reader may now close this thread safely.
parentPort?.postMessage({ready: true});

parentPort?.on('message', ({id, sql, parameters, close}: {id: number; sql: string; parameters: unknown[]; close?: true}) => {
  if (close) {
    db.close();
    parentPort?.close();
    return;
  }
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      // The statements are a handful of shapes (how many terms and filters): a bounded cache.
      if (statements.size < 200) statements.set(sql, statement);
    }
    parentPort?.postMessage({id, rows: statement.all(...parameters)});
  } catch (error) {
    const e = error as {message?: string; code?: string};
    parentPort?.postMessage({id, error: {message: e.message ?? String(error), code: e.code}});
  }
});
