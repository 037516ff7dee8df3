/**
 * Reads that can grow with the data (search) run on a worker thread with its own read-only
 * connection to the SQLite file, so that they never hold the server's thread: SQLite's
 * calls are synchronous, and a search over a million messages would stall every delivery
 * for its whole length. WAL mode lets this connection read beside the writer.
 */
import {Worker} from 'node:worker_threads';

interface Pending {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

/** Reads waiting for the worker; past it, a read is refused at once rather than queued. */
const MAX_WAITING = 256;

export class SqliteReader {
  private worker: Worker | undefined;
  /** Resolves once the worker has opened the file (or failed to). */
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  constructor(private readonly file: string) {}

  /** Started at the first read: most runs of a small server never search. */
  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./sqlite-reader-worker.js', import.meta.url), {workerData: {file: this.file}});
    this.worker = worker;
    // The worker must not keep the process alive once the server stops.
    worker.unref();
    this.ready = new Promise((resolve) => {
      worker.once('message', () => resolve());
      worker.once('exit', () => resolve());
    });
    worker.on('message', ({id, rows, error}: {id?: number; rows?: unknown[]; error?: {message: string; code?: string}}) => {
      if (id === undefined) return;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (error) p.reject(Object.assign(new Error(error.message), {code: error.code}));
      else p.resolve(rows ?? []);
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', () => {
      this.worker = undefined;
      this.failAll(Object.assign(new Error('search reader stopped'), {code: 'SQLITE_CANTOPEN'}));
    });
    return worker;
  }

  all(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    if (this.pending.size >= MAX_WAITING) return Promise.reject(Object.assign(new Error('too many reads waiting'), {code: 'SQLITE_BUSY'}));
    const id = this.next++;
    const worker = this.start();
    return new Promise((resolve, reject) => {
      this.pending.set(id, {resolve, reject});
      worker.postMessage({id, sql, parameters});
    });
  }

  /**
   * Lets the worker finish opening, then asks it to close its connection and leave:
   * terminating a thread while it loads the native SQLite module can abort the process.
   */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.ready;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({close: true});
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
