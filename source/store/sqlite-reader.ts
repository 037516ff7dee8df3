/**
 * Reads that can grow with the data (search) run on worker threads with their own
 * read-only connections to the SQLite file, so that they never hold the server's thread:
 * SQLite's calls are synchronous, and a search over a million messages would stall every
 * delivery for its whole length. WAL mode lets these connections read beside the writer.
 * Two threads by default: with one, ten people searching queued behind each other
 * (bench/README.md, "Search"), and a slow query delayed every quick one behind it.
 */
import {Worker} from 'node:worker_threads';
import type {SearchJob} from './search.js';

interface Pending {
  resolve(rows: unknown[][]): void;
  reject(error: Error): void;
}

/** Reads waiting for the workers; past it, a read is refused at once rather than queued. */
const MAX_WAITING = 256;

interface Thread {
  worker: Worker;
  /** Resolves once the worker has opened the file (or failed to). */
  ready: Promise<void>;
  pending: Map<number, Pending>;
}

export interface ReadQuery {
  sql: string;
  parameters: readonly unknown[];
}

export class SqliteReader {
  private readonly threads: (Thread | undefined)[];
  private next = 1;

  constructor(
    private readonly file: string,
    threads = 2,
  ) {
    this.threads = new Array<Thread | undefined>(Math.max(1, threads)).fill(undefined);
  }

  /** Started at the first read that needs them: most runs of a small server never search. */
  private start(slot: number): Thread {
    const running = this.threads[slot];
    if (running) return running;
    const worker = new Worker(new URL('./sqlite-reader-worker.js', import.meta.url), {workerData: {file: this.file}});
    // The worker must not keep the process alive once the server stops.
    worker.unref();
    const ready = new Promise<void>((resolve) => {
      worker.once('message', () => resolve());
      worker.once('exit', () => resolve());
    });
    const thread: Thread = {worker, ready, pending: new Map()};
    this.threads[slot] = thread;
    worker.on('message', ({id, rows, error}: {id?: number; rows?: unknown[][]; error?: {message: string; code?: string}}) => {
      if (id === undefined) return;
      const p = thread.pending.get(id);
      if (!p) return;
      thread.pending.delete(id);
      if (error) p.reject(Object.assign(new Error(error.message), {code: error.code}));
      else p.resolve(rows ?? []);
    });
    worker.on('error', (error) => this.failAll(thread, error));
    worker.on('exit', () => {
      if (this.threads[slot] === thread) this.threads[slot] = undefined;
      this.failAll(thread, Object.assign(new Error('search reader stopped'), {code: 'SQLITE_CANTOPEN'}));
    });
    return thread;
  }

  all(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    return this.many([{sql, parameters}]).then((rows) => rows[0] ?? []);
  }

  /** Several reads run one after the other on one thread (one round trip): each one's rows. */
  many(queries: readonly ReadQuery[]): Promise<unknown[][]> {
    return this.post({queries});
  }

  /** A search, its lookups and its statement on one thread in one round trip (store/search.ts). */
  search(job: SearchJob): Promise<unknown[]> {
    return this.post({job}).then((rows) => rows[0] ?? []);
  }

  private post(work: {queries: readonly ReadQuery[]} | {job: SearchJob}): Promise<unknown[][]> {
    // The idlest thread; an idle one not started yet counts as the idlest.
    let slot = 0;
    let least = Infinity;
    this.threads.forEach((thread, k) => {
      const waiting = thread?.pending.size ?? -1;
      if (waiting < least) [slot, least] = [k, waiting];
    });
    if (least >= MAX_WAITING / this.threads.length) return Promise.reject(Object.assign(new Error('too many reads waiting'), {code: 'SQLITE_BUSY'}));
    const thread = this.start(slot);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, {resolve, reject});
      thread.worker.postMessage({id, ...work});
    });
  }

  /**
   * Lets each worker finish opening, then asks it to close its connection and leave:
   * terminating a thread while it loads the native SQLite module can abort the process.
   */
  async close(): Promise<void> {
    await Promise.all(
      this.threads.map(async (thread) => {
        if (!thread) return;
        await thread.ready;
        const exited = new Promise<void>((resolve) => thread.worker.once('exit', () => resolve()));
        thread.worker.postMessage({close: true});
        const timer = setTimeout(() => void thread.worker.terminate(), 2000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private failAll(thread: Thread, error: Error): void {
    for (const p of thread.pending.values()) p.reject(error);
    thread.pending.clear();
  }
}
