/** The load process's totals (load-client.ts counts into them; load.ts and the trackers read them). */
import {Histogram} from './stats.js';

/** Totals of the whole load process, reset by the coordinator's commands as they need. */
export const counters = {
  bytesIn: 0,
  framesIn: 0,
  deliveries: 0,
  lastDeliveryAt: 0,
  gaps: 0,
  duplicates: 0,
  acks: 0,
  lastAckAt: 0,
  errors: {} as Record<string, number>,
  unexpectedCloses: 0,
  /** Send latency (ms, from the time in the text to receipt), 1 ms buckets up to 2 min. */
  latency: new Histogram(1, 120_000),
  /** Send to acknowledgement (ms), 0.1 ms buckets up to 1 min. */
  ackLatency: new Histogram(0.1, 60_000),
  /** Acknowledged messages by salon id. */
  ackedBySalon: [0, 0, 0, 0, 0, 0],
  /** Date.now() of the first send of the traffic run, and acknowledgements per second from it. */
  trafficStart: 0,
  acksPerSecond: [] as number[],
  /**
   * --changes: edits and reactions written, acknowledged with a change row, answered
   * `{"change":null}` (nothing stored, nothing delivered), and their rows' delivery latency.
   */
  editsSent: 0,
  reactsSent: 0,
  editsAcked: 0,
  reactsAcked: 0,
  unchanged: 0,
  changeLatency: new Histogram(1, 120_000),
  /** Per salon: the newest seq acknowledged as a message (a change cannot be reacted to). */
  newestMessage: [0, 0, 0, 0, 0, 0],
};

export function resetTrafficCounters(): void {
  Object.assign(counters, {deliveries: 0, lastDeliveryAt: 0, gaps: 0, duplicates: 0, acks: 0, lastAckAt: 0, errors: {}, unexpectedCloses: 0, trafficStart: 0, acksPerSecond: []});
  Object.assign(counters, {editsSent: 0, reactsSent: 0, editsAcked: 0, reactsAcked: 0, unchanged: 0});
  counters.latency.reset();
  counters.ackLatency.reset();
  counters.changeLatency.reset();
  counters.ackedBySalon.fill(0);
  counters.newestMessage.fill(0);
}
