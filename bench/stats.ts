/** Latency summaries: a fixed-bucket histogram for the hot path, percentiles for short lists. */

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export const EMPTY_SUMMARY: Summary = {count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0};

const round = (value: number, step: number) => Math.round(value / step) * step;
const tidy = (value: number) => Number(value.toFixed(3));

/**
 * Counts values in buckets of `resolution` ms up to `limit` ms (larger values land in the
 * last bucket, but `max` stays exact). Adding is O(1) and allocation-free, so millions of
 * deliveries cost nothing to record.
 */
export class Histogram {
  private readonly buckets: Uint32Array;
  private count = 0;
  private sum = 0;
  private max = 0;

  constructor(private readonly resolution: number, limit: number) {
    this.buckets = new Uint32Array(Math.ceil(limit / resolution) + 1);
  }

  add(value: number): void {
    const v = value < 0 ? 0 : value;
    const index = Math.min(this.buckets.length - 1, Math.floor(v / this.resolution));
    this.buckets[index]!++;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  /** The smallest bucket value below which at least fraction `p` of the values lie. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const target = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= target) return Math.min(this.max, i * this.resolution);
    }
    return this.max;
  }

  summary(): Summary {
    if (this.count === 0) return {...EMPTY_SUMMARY};
    const r = this.resolution;
    return {
      count: this.count,
      p50: tidy(round(this.percentile(0.5), r)),
      p95: tidy(round(this.percentile(0.95), r)),
      p99: tidy(round(this.percentile(0.99), r)),
      max: tidy(this.max),
      mean: tidy(this.sum / this.count),
    };
  }
}

/** Exact percentiles of a short list (nearest-rank). */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return {...EMPTY_SUMMARY};
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {count: sorted.length, p50: tidy(at(0.5)), p95: tidy(at(0.95)), p99: tidy(at(0.99)), max: tidy(at(1)), mean: tidy(mean)};
}
