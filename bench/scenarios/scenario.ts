/** What a scenario adds to the common run (run.ts): its layout, extra seeding, its measurement. */
import type {Options} from '../args.js';
import type {Layout} from '../layout.js';
import type {Result} from '../report.js';
import type {Session} from '../session.js';

export interface Setup {
  /** Date.now() when the clients started connecting, and when all were in. */
  connectStart: number;
  connectEnd: number;
  /** Server RSS (kB) just before the clients connected. */
  baselineRssKB: number;
  connections: number;
}

export interface Scenario {
  layout: Layout;
  /** The server is started so that it can report its memory after GC (Session.serverMemory). */
  memoryProbe?: boolean;
  /**
   * How many of the run's last clients a process of their own holds (Session.side), so that
   * what they time is not delayed by the load process's other clients. Default 0.
   */
  apart?(opts: Options): number;
  /** Seeding beyond the accounts (before the server starts). */
  seed?(session: Session): Promise<void>;
  /** Runs with the server up and the clients connected; the server is stopped afterwards. */
  measure(session: Session, setup: Setup): Promise<Partial<Result>>;
}

/** Traffic scenarios: how long to wait for late answers and deliveries after sending. */
export const drainFor = (durationS: number) => ({drainIdleMs: 5000, drainMaxMs: Math.max(30_000, durationS * 2000)});
