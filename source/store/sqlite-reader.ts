/**
 * Reads that can grow with the data (search) run on worker threads with their own
 * read-only connections to the SQLite file, so that they never hold the server's thread:
 * SQLite's calls are synchronous, and a search over a million messages would stall every
 * delivery for its whole length. WAL mode lets these connections read beside the writer.
 * Two threads by default: with one, ten people searching queued behind each other
 * (bench/README.md, "Search"), and a slow query delayed every quick one behind it.
 */
import {ReaderThreads} from './reader-threads.js';
import type {SearchJob} from './search-query.js';

export interface ReadQuery {
  sql: string;
  parameters: readonly unknown[];
}

export class SqliteReader {
  private readonly threads: ReaderThreads;

  constructor(file: string, threads = 2) {
    this.threads = new ReaderThreads(new URL('./sqlite-reader-worker.js', import.meta.url), {file}, threads, {busy: 'SQLITE_BUSY', stopped: 'SQLITE_CANTOPEN'});
  }

  all(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    return this.many([{sql, parameters}]).then((rows) => rows[0] ?? []);
  }

  /** Several reads run one after the other on one thread (one round trip): each one's rows. */
  many(queries: readonly ReadQuery[]): Promise<unknown[][]> {
    return this.threads.post({queries}) as Promise<unknown[][]>;
  }

  /** A search, its lookups and its statement on one thread in one round trip (store/search.ts). */
  search(job: SearchJob): Promise<unknown[]> {
    return this.threads.post({job}) as Promise<unknown[]>;
  }

  /** Starts every reader and opens its connection (Store.prepareSearch). */
  prepare(): Promise<void> {
    return this.threads.prepare({queries: []});
  }

  close(): Promise<void> {
    return this.threads.close();
  }
}
