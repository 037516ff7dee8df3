/**
 * What differs between the backends under SqlStore (sql-store.ts): sqlite.ts and mysql.ts
 * each give one.
 */
import type {ReaderThreads} from './reader-threads.js';
import type {TimeValue} from './schema.js';
import type {SearchTerms} from './search-terms.js';
import type {SqliteReader} from './sqlite-reader.js';
import type {StoreKind} from './types.js';

export interface Flavor {
  readonly kind: StoreKind;
  readonly location: string;
  /** How a time in ms is written to a time column. */
  time(ms: number): TimeValue;
  /** A multi-row INSERT's AUTO_INCREMENT ids are consecutive from its insertId. */
  readonly consecutiveIds?: boolean;
  /**
   * How a batch of messages is appended: in one local transaction, step by step (SQLite,
   * where a step costs no round trip), or as one multi-statement query (MySQL).
   */
  readonly append: 'in-transaction' | 'one-trip';
  conflictField(error: unknown): 'username' | 'alias' | null;
  isUnavailable(error: unknown): boolean;
  /** Contention that clears by itself (another process holds a lock): worth a retry. */
  isBusy(error: unknown): boolean;
  /** The unique (client, clientMsgId) key refused a send: it is a retry already stored. */
  isDuplicateSend(error: unknown): boolean;
  /** Where reads that grow with the data run off the server's thread (SQLite); absent: the pool. */
  readonly reader?: SqliteReader;
  /** Search's vocabulary, written with each batch (store/search-terms.ts). */
  readonly terms?: SearchTerms;
  /** Where MySQL's search runs, off the server's thread (mysql-search-worker.ts). */
  readonly searchThread?: ReaderThreads;
  destroy(): Promise<void>;
}
