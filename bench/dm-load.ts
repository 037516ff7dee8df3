/**
 * The load process's side of the `dm` scenario: clients 2k and 2k + 1 are a pair. The
 * first of each pair opens their direct message with the protocol's `dm` request, as the
 * chat client's /dm does; the second learns its id from the `conversation` event the
 * server sends it. During the traffic each client sends into its direct message, and the
 * tracker checks, message by message, that the other participant received each
 * acknowledged message exactly once (by the sender's count n in the text, not by the
 * server's seq: a seq the server never assigned could not be missed by a seq check).
 *
 * Client (load-client.ts) calls the hooks below when a tracker is installed; outside the
 * dm scenario nothing here runs.
 */
import {performance} from 'node:perf_hooks';
import type {Client, Response} from './load-client.js';
import {counters} from './load-client.js';
import {usernameOf} from './layout.js';
import {type Summary, Histogram, summarize} from './stats.js';

export interface DmOpenReport {
  kind: 'dm-opened';
  pairs: number;
  /** `dm` requests answered ok with a direct message. */
  opened: number;
  failed: number;
  firstError?: string;
  /** Distinct conversation ids among the answers (must equal opened: one per pair). */
  distinct: number;
  /** Second participants that received a `conversation` event for their pair's id. */
  told: number;
  /** From the first `dm` written to the last event received. */
  ms: number;
  /** `dm` request to its response, ms. */
  latency: Summary;
}

export interface DmTrafficReport {
  /** Acknowledged messages checked against the other participant's receipts. */
  checked: number;
  /** Of those, received by the other participant exactly once. */
  receivedOnce: number;
  /** Acknowledged, never received by the other participant. */
  lost: number;
  /** Received by the other participant more than once (each extra copy counts). */
  duplicated: number;
  /** A message the receiver should not have had: another conversation's, a third person's, or never acknowledged. */
  foreign: number;
  /** The sender's own copy (the server delivers to every participant, the sender too). */
  echoes: number;
  echoLatency: Summary;
  /** First few lost messages: sender, n, conversation. */
  lostExamples: string[];
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
const CONVERSATION_EVENT = Buffer.from('{"event":"conversation"');

export const partnerOf = (i: number) => i ^ 1;

export class DmTracker {
  /** The direct message of each client (0: not known yet). */
  readonly conversationOf: Int32Array;
  /** The id each client last heard of in a `conversation` event (0: none). */
  readonly told: Int32Array;
  readonly echo = new Histogram(1, 120_000);
  /** Per sender: request id of each unanswered send -> its n. */
  private pending: Map<number, number>[] = [];
  /** Per sender: the n of each acknowledged message. */
  private acked: number[][] = [];
  /** Per receiver: the n of each message received from the other participant, with its count. */
  private received: Map<number, number>[] = [];
  /** Per client: the last seq seen in its direct message. */
  private lastSeq: Int32Array;
  private echoes = 0;
  private foreign = 0;
  private tracking = false;

  constructor(readonly count: number) {
    this.conversationOf = new Int32Array(count);
    this.told = new Int32Array(count);
    this.lastSeq = new Int32Array(count);
  }

  /** At the start of the traffic. */
  start(): void {
    this.pending = Array.from({length: this.count}, () => new Map());
    this.acked = Array.from({length: this.count}, () => []);
    this.received = Array.from({length: this.count}, () => new Map());
    this.echo.reset();
    [this.echoes, this.foreign] = [0, 0];
    this.tracking = true;
  }

  /** Where client x sends during the traffic. */
  target(x: Client): number {
    return this.conversationOf[x.index] as number;
  }

  sent(x: Client, id: number, n: number): void {
    if (this.tracking) this.pending[x.index]?.set(id, n);
  }

  answered(x: Client, id: number, ok: boolean): void {
    const pending = this.pending[x.index];
    const n = pending?.get(id);
    if (n === undefined) return;
    pending?.delete(id);
    if (ok) this.acked[x.index]?.push(n);
  }

  /** Deliveries acknowledged messages owe: one per connected participant. */
  expected(clients: readonly Client[]): number {
    let sum = 0;
    for (let i = 0; i < this.count; i++) {
      const acked = this.acked[i]?.length ?? 0;
      if (acked === 0) continue;
      const participants = (clients[i]?.connected ? 1 : 0) + (clients[partnerOf(i)]?.connected ? 1 : 0);
      sum += acked * participants;
    }
    return sum;
  }

  /**
   * A `message` event in conversation `salon` to x, from benchmark client `sender`, its
   * n-th message, sent `ms` ago. Returns true for the other participant's message (its
   * latency is the delivery latency of record); the sender's own copy is timed apart.
   */
  delivered(x: Client, salon: number, seq: number, sender: number, n: number, ms: number): boolean {
    const i = x.index;
    if (salon !== this.conversationOf[i]) {
      this.foreign++;
      return false;
    }
    // Gaps and duplicates in the conversation's seq order, both participants' messages.
    const last = this.lastSeq[i] as number;
    if (seq === last + 1) this.lastSeq[i] = seq;
    else if (seq <= last) counters.duplicates++;
    else {
      counters.gaps += seq - last - 1;
      this.lastSeq[i] = seq;
    }
    if (sender === i) {
      this.echoes++;
      this.echo.add(ms);
      return false;
    }
    if (sender !== partnerOf(i) || !this.tracking) {
      this.foreign++;
      return false;
    }
    const got = this.received[i] as Map<number, number>;
    got.set(n, (got.get(n) ?? 0) + 1);
    return true;
  }

  /** `{"event":"conversation","conversation":{...}}`: rare, parsed in full. */
  conversationEvent(x: Client, buf: Buffer, pos: number, nl: number): void {
    if (buf.compare(CONVERSATION_EVENT, 0, CONVERSATION_EVENT.length, pos, pos + CONVERSATION_EVENT.length) !== 0) return;
    try {
      const frame = JSON.parse(buf.toString('utf8', pos, nl)) as {conversation?: {id?: number; kind?: string}};
      if (frame.conversation?.kind === 'dm' && typeof frame.conversation.id === 'number') this.told[x.index] = frame.conversation.id;
    } catch {
      // not ours to judge: the pair is reported as not told
    }
  }

  finish(): DmTrafficReport {
    this.tracking = false;
    let checked = 0;
    let receivedOnce = 0;
    let lost = 0;
    let duplicated = 0;
    const lostExamples: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const got = this.received[partnerOf(i)];
      const acked = new Set(this.acked[i]);
      for (const n of acked) {
        checked++;
        const times = got?.get(n) ?? 0;
        if (times === 0) {
          lost++;
          if (lostExamples.length < 5) lostExamples.push(`client ${i} message ${n} in conversation ${this.conversationOf[i]}`);
        } else receivedOnce += times === 1 ? 1 : 0;
      }
      for (const [n, times] of got ?? []) {
        if (times > 1) duplicated += times - 1;
        if (!acked.has(n)) this.foreign += times;
      }
    }
    return {checked, receivedOnce, lost, duplicated, foreign: this.foreign, echoes: this.echoes, echoLatency: this.echo.summary(), lostExamples};
  }
}

export let dmTracker: DmTracker | null = null;
export const setDmTracker = (t: DmTracker | null) => void (dmTracker = t);

/**
 * The first of each pair asks `dm` with the other's username, `concurrency` requests at a
 * time; then waits (up to `timeoutMs`) until every second participant has heard of its
 * conversation through the event, as a real client learns that someone wrote to it.
 */
export async function openPairs(clients: readonly Client[], concurrency: number, timeoutMs: number): Promise<DmOpenReport> {
  const t = new DmTracker(clients.length);
  setDmTracker(t);
  const pairs = Math.floor(clients.length / 2);
  const start = Date.now();
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < pairs; k = next++) {
      const opener = clients[2 * k] as Client;
      try {
        const before = performance.now();
        const r: Response = await opener.request({type: 'dm', with: [usernameOf(2 * k + 1)]});
        latencies.push(performance.now() - before);
        if (!r.ok) throw new Error(`dm refused: ${r.error?.code}`);
        const salon = r.result?.salon as {id: number; kind?: string} | undefined;
        if (salon?.kind !== 'dm') throw new Error(`dm answered a conversation of kind ${salon?.kind}`);
        t.conversationOf[2 * k] = salon.id;
      } catch (error) {
        failed++;
        firstError ??= `pair ${k}: ${reason(error)}`;
      }
    }
  };
  await Promise.all(Array.from({length: Math.min(concurrency, pairs)}, worker));
  const deadline = Date.now() + timeoutMs;
  const allTold = () => {
    for (let k = 0; k < pairs; k++) if (t.conversationOf[2 * k] !== 0 && t.told[2 * k + 1] !== t.conversationOf[2 * k]) return false;
    return true;
  };
  while (!allTold() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const ms = Date.now() - start;
  let told = 0;
  const ids = new Set<number>();
  for (let k = 0; k < pairs; k++) {
    const id = t.conversationOf[2 * k] as number;
    if (id === 0) continue;
    ids.add(id);
    if (t.told[2 * k + 1] === id) {
      told++;
      t.conversationOf[2 * k + 1] = id;
    }
  }
  return {kind: 'dm-opened', pairs, opened: pairs - failed, failed, firstError, distinct: ids.size, told, ms, latency: summarize(latencies)};
}
