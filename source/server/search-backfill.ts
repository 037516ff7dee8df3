/**
 * Indexes for search the messages a database held before it had the search index (the
 * migration adds the index empty: its words are computed here, in JavaScript, as for every
 * new message). It walks down the messages newest first, in small batches with a pause
 * between them, so the server keeps answering while a large database is indexed; the
 * console hears of its progress. New messages are indexed when they are stored.
 */
import {StoreUnavailableError, type Store} from '../store/types.js';
import type {Notify} from './notices.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BackfillOptions {
  /** Rows per batch: each batch is one short transaction on the server's thread (SQLite). */
  batch: number;
  /** Pause between batches. */
  pauseMs: number;
  /** Time between progress notices. */
  reportMs: number;
}

export const defaultBackfill: BackfillOptions = {batch: 200, pauseMs: 2, reportMs: 5000};

export class SearchBackfill {
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<Store, 'hasBacklog' | 'indexBacklog'>,
    private readonly notify: Notify,
    private readonly options: BackfillOptions = defaultBackfill,
  ) {}

  start(): void {
    this.running = this.run().catch((error: unknown) =>
      this.notify({kind: 'internal_error', context: 'search index', detail: error instanceof Error ? error.message : String(error)}),
    );
  }

  /** Resolves once it has stopped (between two batches). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Resolves once the backlog is indexed (or it was stopped): for tests. */
  done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    if (!(await this.retrying(() => this.store.hasBacklog()))) return;
    let next: number | null = null;
    let newest = 0;
    let reported = Date.now();
    do {
      const step: {next: number | null; newest: number} = await this.retrying(() => this.store.indexBacklog(next, this.options.batch));
      if (next === null) {
        newest = step.newest;
        this.notify({kind: 'search_index', percent: 0});
      }
      next = step.next;
      if (next !== null && Date.now() - reported >= this.options.reportMs) {
        reported = Date.now();
        // Ids grow with time: the share of ids walked is the share of messages indexed.
        this.notify({kind: 'search_index', percent: Math.floor((100 * (newest - next)) / Math.max(1, newest))});
      }
      if (next !== null) await sleep(this.options.pauseMs);
    } while (next !== null && !this.stopped);
    if (!this.stopped) this.notify({kind: 'search_index', percent: 100});
  }

  /** A database that went away is waited for: the indexing goes on once it is back. */
  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || this.stopped) throw error;
        await sleep(1000);
      }
    }
  }
}
