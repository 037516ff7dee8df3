/**
 * Worker threads that run reads for the store off the server's thread: SQLite's reads
 * (sqlite-reader.ts), whose calls are synchronous, and MySQL's search (mysql-searcher.ts),
 * whose several round trips would each wait for a turn of the server's busy event loop
 * (bench/README.md, "Search on MariaDB off the server's thread").
 *
 * Each thread answers `{id, result}` or `{id, error}` to `{id, ...work}`; it says
 * `{ready: true}` once its connection is open, and leaves on `{close: true}`.
 */
import {Worker} from 'node:worker_threads';

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** Reads waiting for the workers; past it, a read is refused at once rather than queued. */
const MAX_WAITING = 256;

interface Thread {
  worker: Worker;
  /** Resolves once the worker has opened its connection (or failed to). */
  ready: Promise<void>;
  pending: Map<number, Pending>;
}

export interface ReaderCodes {
  /** The error code of a read refused because too many wait (the store's busy retry sees it). */
  busy: string;
  /** The error code of the reads lost when a thread stops (the store reports it unavailable). */
  stopped: string;
}

export class ReaderThreads {
  private readonly threads: (Thread | undefined)[];
  private next = 1;

  constructor(
    private readonly script: URL,
    private readonly workerData: unknown,
    threads: number,
    private readonly codes: ReaderCodes,
  ) {
    this.threads = new Array<Thread | undefined>(Math.max(1, threads)).fill(undefined);
  }

  /** Started by prepare (chat-server, once it listens) or at the first read. */
  private start(slot: number): Thread {
    const running = this.threads[slot];
    if (running) return running;
    const worker = new Worker(this.script, {workerData: this.workerData});
    // The worker must not keep the process alive once the server stops.
    worker.unref();
    const ready = new Promise<void>((resolve) => {
      worker.once('message', () => resolve());
      worker.once('exit', () => resolve());
    });
    const thread: Thread = {worker, ready, pending: new Map()};
    this.threads[slot] = thread;
    worker.on('message', ({id, result, error}: {id?: number; result?: unknown; error?: {message: string; code?: string; fatal?: boolean}}) => {
      if (id === undefined) return;
      const p = thread.pending.get(id);
      if (!p) return;
      thread.pending.delete(id);
      if (error) p.reject(Object.assign(new Error(error.message), {code: error.code, fatal: error.fatal}));
      else p.resolve(result);
    });
    worker.on('error', (error) => this.failAll(thread, error));
    worker.on('exit', () => {
      if (this.threads[slot] === thread) this.threads[slot] = undefined;
      this.failAll(thread, Object.assign(new Error('search reader stopped'), {code: this.codes.stopped}));
    });
    return thread;
  }

  /** Runs `work` on the idlest thread (an idle one not started yet counts as the idlest). */
  post(work: Record<string, unknown>): Promise<unknown> {
    let slot = 0;
    let least = Infinity;
    this.threads.forEach((thread, k) => {
      const waiting = thread?.pending.size ?? -1;
      if (waiting < least) [slot, least] = [k, waiting];
    });
    if (least >= MAX_WAITING / this.threads.length) return Promise.reject(Object.assign(new Error('too many reads waiting'), {code: this.codes.busy}));
    return this.postTo(this.start(slot), work);
  }

  /** Starts every thread now rather than at the first read; resolves once each has answered `work`. */
  async prepare(work: Record<string, unknown>): Promise<void> {
    await Promise.all(this.threads.map((_, slot) => this.postTo(this.start(slot), work)));
  }

  private postTo(thread: Thread, work: Record<string, unknown>): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, {resolve, reject});
      thread.worker.postMessage({id, ...work});
    });
  }

  /** A message without an answer to every thread started (none is started for it). */
  tell(message: Record<string, unknown>): void {
    for (const thread of this.threads) thread?.worker.postMessage(message);
  }

  /**
   * Lets each worker finish opening, then asks it to close its connection and leave:
   * terminating a thread while it loads a native module can abort the process.
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

/** The worker's side: answers each posted work with `answer`'s result or its error. */
export function serveReads(port: {postMessage(message: unknown): void}, id: number, answer: () => unknown): void {
  const fail = (error: unknown) => {
    const e = error as {message?: string; code?: string; fatal?: boolean};
    port.postMessage({id, error: {message: e?.message ?? String(error), code: e?.code, fatal: e?.fatal}});
  };
  try {
    const result = answer();
    if (result instanceof Promise) result.then((value) => port.postMessage({id, result: value}), fail);
    else port.postMessage({id, result});
  } catch (error) {
    fail(error);
  }
}
