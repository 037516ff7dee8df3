/**
 * The retention job: deletes messages older than their conversation's period, a short
 * batch at a time (store/retention.ts), while the server serves.
 *
 * Every node runs it. A batch is idempotent (it deletes a prefix of a stream and moves
 * salons.purged_seq forward only), so two nodes purging the same conversation at once
 * waste a little work and nothing else; no node has to be elected, and a cluster keeps
 * purging whichever nodes are up.
 */
import {StoreUnavailableError, type Store} from '../store/types.js';
import type {Notify} from './notices.js';

export const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /**
   * Rows per batch. On SQLite each statement of a batch is synchronous on the server's
   * thread: deleting 500 rows, search index triggers included, took 3-6 ms on the 2-core
   * machine, and the event loop waited at most 5 ms during such a batch with the machine at
   * a load of 16 (test/server/retention.test.ts logs both). On MySQL the work is the
   * database's; the batch bounds how long the conversation's rows stay locked.
   */
  batch: number;
  /** Pause between batches, so that the server's own work goes first. */
  pauseMs: number;
  /** Time between passes (0: no timer; tests call runOnce). */
  intervalMs: number;
  /** The first pass, once the server has settled: soon, or a server restarted often would never purge. */
  firstMs: number;
}

export const defaultRetention: RetentionOptions = {batch: 500, pauseMs: 5, intervalMs: 3600_000, firstMs: 60_000};

/** The longest period: a hundred years is "forever" typed differently. */
const MAX_DAYS = 36_500;

/**
 * `90d` (or `90j`), `12w`, `1y` (365 days; or `1a`), `90` (days), as operators type them;
 * 0 for `off`; undefined when it is none of these. No minutes or seconds: KICK reads `m`
 * and `s` so, and no retention is that short.
 */
export function parsePeriod(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (['off', 'none', 'forever', 'non', 'jamais'].includes(trimmed)) return 0;
  const match = /^(\d{1,5})\s*(d|j|w|y|a)?$/.exec(trimmed);
  if (!match) return undefined;
  const days = Number(match[1]) * {d: 1, j: 1, w: 7, y: 365, a: 365}[(match[2] ?? 'd') as 'd'];
  return days > 0 && days <= MAX_DAYS ? days : undefined;
}

/** A period as the console shows it: "1 y", "12 w", "90 d". */
export function periodText(days: number): string {
  if (days % 365 === 0) return `${days / 365} y`;
  if (days % 7 === 0) return `${days / 7} w`;
  return `${days} d`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PassResult {
  /** Rows deleted, messages and changes to them. */
  deleted: number;
  batches: number;
  /** The longest batch, in ms (what the server's thread was held for on SQLite). */
  longestMs: number;
}

export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassResult> | undefined;
  private queued: Promise<PassResult> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Pick<Store, 'retentionPolicy' | 'listSalons' | 'purgeBatch' | 'oldestKept'>,
    private readonly clock: () => number,
    private readonly notify: Notify,
    private readonly options: RetentionOptions = defaultRetention,
  ) {}

  start(): void {
    if (this.options.intervalMs <= 0) return;
    const tick = (ms: number) => {
      this.timer = setTimeout(() => void this.runOnce().finally(() => !this.stopped && tick(this.options.intervalMs)), ms);
      this.timer.unref();
    };
    tick(this.options.firstMs);
  }

  /** Resolves once a pass in progress has stopped, between two batches. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
    await this.queued?.catch(() => {});
  }

  /**
   * One pass over every conversation, started after this call: while one runs, the next is
   * queued (once), so a period just set is applied without two passes at once.
   */
  runOnce(): Promise<PassResult> {
    if (this.running) return (this.queued ??= this.running.then(() => ((this.queued = undefined), this.runOnce())));
    this.running = this.pass()
      .catch((error: unknown) => {
        // A database that went away: the next pass picks up where this one stopped.
        if (!(error instanceof StoreUnavailableError)) {
          this.notify({kind: 'internal_error', context: 'retention', detail: error instanceof Error ? error.message : String(error)});
        }
        return {deleted: 0, batches: 0, longestMs: 0};
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<PassResult> {
    const result: PassResult = {deleted: 0, batches: 0, longestMs: 0};
    const policy = await this.store.retentionPolicy();
    const own = new Map(policy.salons.map((s) => [s.salonId, s.days]));
    // Direct messages and groups follow the default; a salon its own period when it has one.
    const targets = (await this.store.listSalons())
      .map((s) => ({id: s.id, days: (s.kind === 'salon' ? own.get(s.id) : undefined) ?? policy.defaultDays ?? 0}))
      .filter((s) => s.days > 0);
    for (const target of targets) {
      const cutoff = this.clock() - target.days * DAY_MS;
      // One row read tells most conversations apart: nothing old enough, nothing to do.
      const oldest = await this.store.oldestKept(target.id);
      if (oldest === null || oldest >= cutoff) continue;
      for (;;) {
        if (this.stopped) return result;
        const started = performance.now();
        const step = await this.store.purgeBatch(target.id, cutoff, this.options.batch);
        result.longestMs = Math.max(result.longestMs, performance.now() - started);
        result.batches += 1;
        result.deleted += step.deleted;
        if (step.done) break;
        await sleep(this.options.pauseMs);
      }
    }
    if (result.deleted > 0) this.notify({kind: 'retention', deleted: result.deleted});
    return result;
  }
}
