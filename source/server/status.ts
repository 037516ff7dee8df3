/**
 * The original's `status` column, kept up to date without a write per login: changes are
 * gathered for a moment and written in two statements. A reconnection storm of thousands
 * of users then costs a handful of transactions, not thousands.
 */
import type {Store} from '../store/types.js';

const FLUSH_DELAY_MS = 100;

export class StatusWriter {
  private readonly pending = new Map<number, 'connected' | 'disconnected'>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store) {}

  set(clientId: number, status: 'connected' | 'disconnected'): void {
    this.pending.set(clientId, status);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /** Writes what is pending. Status is informative: a database outage only loses this round. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const changes = [...this.pending];
    this.pending.clear();
    const ids = (status: string) => changes.filter(([, s]) => s === status).map(([id]) => id);
    this.flushing = this.flushing.then(async () => {
      await this.store.setStatus(ids('connected'), 'connected').catch(() => {});
      await this.store.setStatus(ids('disconnected'), 'disconnected').catch(() => {});
    });
    return this.flushing;
  }
}
