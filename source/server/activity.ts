/**
 * Messages per conversation over the last minute, for the operator's dashboard. Every node
 * delivers every message of the cluster (delivery.ts), so a count kept where messages are
 * delivered is the cluster's, with nothing sent between nodes.
 *
 * Counting sits on the per-message path, so it is a few array operations per message: a
 * ring of BUCKETS slots of BUCKET_MS each per conversation that had a message in the last
 * minute. Conversations quiet for a whole window are dropped whenever the counts are read,
 * so memory follows the conversations recently active, at most every conversation the hub
 * already holds.
 */
export const WINDOW_MS = 60_000;
const BUCKETS = 12;
const BUCKET_MS = WINDOW_MS / BUCKETS;

interface Ring {
  counts: Uint32Array;
  /** The bucket number (time / BUCKET_MS) each slot counts for. */
  stamps: Float64Array;
  last: number;
}

export class ActivityCounter {
  private readonly rings = new Map<number, Ring>();

  constructor(private readonly clock: () => number = Date.now) {}

  /**
   * One message delivered in the conversation; `ts` is when it was sent. A message older
   * than the window (a backlog read after a cut) is not activity of the last minute.
   */
  count(salonId: number, ts: number): void {
    const now = this.clock();
    if (now - ts > WINDOW_MS) return;
    const bucket = Math.floor(now / BUCKET_MS);
    let ring = this.rings.get(salonId);
    if (!ring) {
      ring = {counts: new Uint32Array(BUCKETS), stamps: new Float64Array(BUCKETS).fill(-1), last: bucket};
      this.rings.set(salonId, ring);
    }
    const slot = bucket % BUCKETS;
    if (ring.stamps[slot] !== bucket) {
      ring.stamps[slot] = bucket;
      ring.counts[slot] = 0;
    }
    ring.counts[slot] = (ring.counts[slot] ?? 0) + 1;
    ring.last = bucket;
  }

  /** Messages in each conversation active over the last minute (conversations with none are absent). */
  perMinute(): Map<number, number> {
    const bucket = Math.floor(this.clock() / BUCKET_MS);
    const out = new Map<number, number>();
    for (const [salonId, ring] of this.rings) {
      if (bucket - ring.last >= BUCKETS) {
        this.rings.delete(salonId);
        continue;
      }
      let sum = 0;
      for (let i = 0; i < BUCKETS; i++) if (bucket - (ring.stamps[i] as number) < BUCKETS) sum += ring.counts[i] as number;
      if (sum > 0) out.set(salonId, sum);
    }
    return out;
  }
}
