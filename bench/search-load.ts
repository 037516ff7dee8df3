/**
 * search, in the searchers' process (load.ts `search`): while the load process's traffic
 * runs, `searchers` clients (the run's last ones, never senders) each send a `search` every `intervalMs`, under the server's per-connection
 * allowance (a burst of 5, then one per 2 s), the query kinds of search-corpus.ts in turn.
 * Each search is timed from writing the request to reading its response.
 */
import {performance} from 'node:perf_hooks';
import type {Client} from './load-client.js';
import {QUERY_KINDS, type QueryKind, queryOf, random} from './search-corpus.js';
import {type Summary, summarize} from './stats.js';

export interface SearchPlan {
  searchers: number;
  intervalMs: number;
  /** Accounts that wrote the seeded messages (from: picks among them), and the newest seeded time. */
  authors: number;
  now: number;
}

export interface SearchReport {
  searchers: number;
  searches: number;
  latency: Summary;
  /** Refusals by code (RATE_LIMITED: the bench went over the allowance). */
  errors: Record<string, number>;
  /** Searches that never got an answer before the traffic's drain ended. */
  unanswered: number;
  byKind: Record<string, {count: number; latency: Summary; hits: Summary}>;
}

export class Searches {
  private readonly latencies: number[] = [];
  private readonly byKind = new Map<QueryKind, {latency: number[]; hits: number[]}>();
  private readonly errors: Record<string, number> = {};
  private readonly pending = new Set<Promise<void>>();
  private timers: NodeJS.Timeout[] = [];
  private searchers = 0;

  constructor(private readonly plan: SearchPlan) {}

  /** Starts every searcher, spread over one interval; stop() ends them. */
  start(clients: readonly Client[], runIndex: number): void {
    const searchers = clients.slice(Math.max(0, clients.length - this.plan.searchers)).filter((x) => x.connected);
    this.searchers = searchers.length;
    searchers.forEach((x, j) => {
      // Each searcher its own stream of queries, and its own place in the kinds' cycle.
      const rnd = random(1 + x.index * 7919 + runIndex * 104729);
      let k = j + runIndex * searchers.length;
      const once = () => {
        const kind = QUERY_KINDS[k++ % QUERY_KINDS.length] as QueryKind;
        const p = this.search(x, kind, queryOf(kind, rnd, this.plan.authors, this.plan.now));
        this.pending.add(p);
        void p.finally(() => this.pending.delete(p));
      };
      const first = setTimeout(() => {
        once();
        this.timers.push(setInterval(once, this.plan.intervalMs));
      }, Math.round((j * this.plan.intervalMs) / searchers.length));
      this.timers.push(first);
    });
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  /** Waits for the searches in flight (at most `timeoutMs`). */
  async settle(timeoutMs: number): Promise<void> {
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  }

  report(): SearchReport {
    const byKind: SearchReport['byKind'] = {};
    for (const [kind, v] of this.byKind) byKind[kind] = {count: v.latency.length, latency: summarize(v.latency), hits: summarize(v.hits)};
    return {searchers: this.searchers, searches: this.latencies.length, latency: summarize(this.latencies), errors: {...this.errors}, unanswered: this.pending.size, byKind};
  }

  private async search(x: Client, kind: QueryKind, text: string): Promise<void> {
    const t = performance.now();
    try {
      const r = await x.request({type: 'search', text});
      const ms = performance.now() - t;
      if (!r.ok) {
        const code = r.error?.code ?? 'UNKNOWN';
        this.errors[code] = (this.errors[code] ?? 0) + 1;
        return;
      }
      this.latencies.push(ms);
      let entry = this.byKind.get(kind);
      if (!entry) this.byKind.set(kind, (entry = {latency: [], hits: []}));
      entry.latency.push(ms);
      entry.hits.push((r.result.messages as unknown[]).length);
    } catch (error) {
      const code = error instanceof Error ? error.message : String(error);
      this.errors[code] = (this.errors[code] ?? 0) + 1;
    }
  }
}
