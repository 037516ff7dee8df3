/**
 * The load process's side of `--nodes N` (see cluster.ts for the coordinator's): which node
 * each client is on (client i on node i mod N, until it fails over), delivery latency split
 * into same-node and cross-node, and an exact account of who got which seq, live or by
 * `history`, so that a run can say whether an acknowledged message was lost or delivered
 * twice. With `--kill-node`, the clients of the killed node do what the real client does:
 * reconnect to another node, `resume` with their token, resend their outbox with the same
 * clientMsgIds, and catch up with `history` after the last seq they had seen.
 *
 * Client (load-client.ts) calls the hooks below when a tracker is installed; without one
 * (a single node) nothing here runs.
 */
import type {Client} from './load-client.js';
import {counters} from './load-client.js';
import {tokenOf} from './layout.js';
import {type Summary, Histogram} from './stats.js';

export interface FailoverReport {
  /** The node that was killed (index into the ports). */
  killedNode: number;
  /** Clients whose connection to the killed node closed during the traffic. */
  dropped: number;
  /** Of those, how many resumed on another node, and how many caught up (history up to the lastSeq of their resume). */
  resumed: number;
  caughtUp: number;
  /** Date.now() of the first and last close seen, the last resume, the last caught-up client (0: none). */
  firstCloseAt: number;
  lastCloseAt: number;
  lastResumedAt: number;
  lastCaughtUpAt: number;
  /** Per client: Date.now() when it had caught up (the coordinator subtracts the kill time). */
  caughtUpAt: number[];
  /** Connection attempts that failed and were retried, by reason. */
  retries: number;
  errors: Record<string, number>;
  /** Sends written to the killed node and never answered there (in flight when it died). */
  unacknowledged: number;
  /** Of those, resent with the same clientMsgId on the new node, and acknowledged there. */
  resent: number;
  resentAcknowledged: number;
  /** Messages fetched with history while catching up (new ones and ones already received live). */
  fetched: number;
}

export interface ClusterTrafficReport {
  nodes: number;
  /** Clients on each node at the start of the traffic. */
  clientsPerNode: number[];
  sameNodeLatency: Summary;
  crossNodeLatency: Summary;
  /** Acknowledged messages × members connected at the start that never reached that member (live or by history). */
  lost: number;
  /** A member receiving the same seq of a salon twice (live twice, or history twice). */
  duplicated: number;
  /** Received live and also fetched by history while catching up: normal, the client keeps one (not a duplicate). */
  overlap: number;
  /** Messages a member received only through history (it missed them live). */
  caughtUp: number;
  /** Acknowledged messages that were checked (with their seq). */
  checkedMessages: number;
  /** Examples of lost deliveries: client, salon, seq. */
  lostExamples: string[];
  failover?: FailoverReport;
}

const LIVE = 1;
const HISTORY = 2;
const SEQ_KEY = Buffer.from('"seq":');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface Pending {
  salon: number;
  text: string;
  clientMsgId: string;
}

/** A growable per-seq byte array. */
class Marks {
  bytes = new Uint8Array(1024);
  get(seq: number): number {
    return seq < this.bytes.length ? (this.bytes[seq] as number) : 0;
  }
  or(seq: number, bit: number): number {
    if (seq >= this.bytes.length) {
      let size = this.bytes.length;
      while (size <= seq) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    const before = this.bytes[seq] as number;
    this.bytes[seq] = before | bit;
    return before;
  }
}

export class Tracker {
  /** Current node of each client (index into ports). */
  readonly nodeOf: Int16Array;
  readonly same = new Histogram(1, 120_000);
  readonly cross = new Histogram(1, 120_000);
  private marks: Marks[] = [];
  /** Acknowledged seqs, per salon id. */
  private acked: Marks[] = [];
  private inAtStart: boolean[] = [];
  /** Unanswered sends of each client: request id -> what to resend. */
  private readonly outbox = new Map<Client, Map<number, Pending>>();
  private duplicated = 0;
  private overlap = 0;
  private caughtUp = 0;
  private tracking = false;
  private failover: {killedNode: number; deadline: number} | undefined;
  private report: FailoverReport | undefined;
  /** Failovers under way. */
  private active = 0;
  /** Bumped whenever a failover makes progress (the drain waits while it moves). */
  progress = 0;
  private resentIds = new Set<string>();

  constructor(
    readonly ports: number[],
    count: number,
    readonly host: string,
    readonly secret: string,
  ) {
    this.nodeOf = Int16Array.from({length: count}, (_, i) => i % ports.length);
  }

  portOf(i: number): number {
    return this.ports[(this.nodeOf[i] as number) % this.ports.length] as number;
  }

  /** At the start of a traffic run. */
  start(clients: readonly Client[], failover: {killedNode: number; timeoutMs: number} | undefined): void {
    this.same.reset();
    this.cross.reset();
    this.marks = clients.map(() => new Marks());
    this.acked = [0, 1, 2, 3, 4, 5].map(() => new Marks());
    this.inAtStart = clients.map((x) => x.connected);
    this.outbox.clear();
    this.resentIds.clear();
    this.duplicated = this.overlap = this.caughtUp = 0;
    this.tracking = true;
    this.failover = failover ? {killedNode: failover.killedNode, deadline: Date.now() + failover.timeoutMs} : undefined;
    this.report = failover
      ? {killedNode: failover.killedNode, dropped: 0, resumed: 0, caughtUp: 0, firstCloseAt: 0, lastCloseAt: 0, lastResumedAt: 0, lastCaughtUpAt: 0, caughtUpAt: [], retries: 0, errors: {}, unacknowledged: 0, resent: 0, resentAcknowledged: 0, fetched: 0}
      : undefined;
  }

  /** Whether clients are still failing over (the drain waits for them). */
  busy(): boolean {
    return this.active > 0;
  }

  /** Closes on the killed node were caused by the bench: not "unexpected". */
  expectedCloses(): number {
    return this.report?.dropped ?? 0;
  }

  // ---- hooks called by Client ------------------------------------------------------------

  sent(x: Client, id: number, salon: number, text: string, clientMsgId: string): void {
    if (!this.tracking) return;
    let box = this.outbox.get(x);
    if (!box) this.outbox.set(x, (box = new Map()));
    box.set(id, {salon, text, clientMsgId});
  }

  /** The answer to a send: records the seq of an acknowledged one. */
  answered(x: Client, id: number, ok: boolean, buf: Buffer, pos: number, nl: number): void {
    if (!this.tracking) return;
    const pending = this.outbox.get(x)?.get(id);
    this.outbox.get(x)?.delete(id);
    if (!ok) return;
    if (pending && this.resentIds.has(pending.clientMsgId) && this.report) this.report.resentAcknowledged++;
    const k = buf.indexOf(SEQ_KEY, pos);
    if (k === -1 || k > nl) return;
    let seq = 0;
    for (let i = k + SEQ_KEY.length, c = buf[i]; c !== undefined && c >= 0x30 && c <= 0x39; c = buf[++i]) seq = seq * 10 + (c - 0x30);
    // A retry answered with the stored original: the same seq, counted once.
    if (this.acked[x.salon]?.or(seq, 1)) counters.ackedBySalon[x.salon]!--;
  }

  /** A live `message` event; returns -1 so that the caller's own gap logic stays out. */
  live(x: Client, salon: number, seq: number): number {
    if (seq > (x.known[salon] ?? -1)) x.known[salon] = seq;
    if (!this.tracking || salon !== x.salon) return -1;
    const before = (this.marks[x.index] as Marks).or(seq, LIVE);
    if (before & LIVE) {
      this.duplicated++;
      counters.deliveries--;
    } else if (before & HISTORY) {
      this.overlap++;
      counters.deliveries--;
    }
    return -1;
  }

  latency(sender: number, x: Client, ms: number): void {
    (this.nodeOf[sender] === this.nodeOf[x.index] ? this.same : this.cross).add(ms);
  }

  /** Called by Client.onClose before it forgets its pending sends. */
  closed(x: Client, unexpected: boolean): void {
    const f = this.failover;
    const r = this.report;
    if (!this.tracking || !f || !r || !unexpected || this.nodeOf[x.index] !== f.killedNode) return;
    const now = Date.now();
    r.dropped++;
    r.firstCloseAt ||= now;
    r.lastCloseAt = now;
    const box = this.outbox.get(x);
    const resend = box ? [...box.values()] : [];
    box?.clear();
    r.unacknowledged += resend.length;
    const from = x.known[x.salon] as number;
    this.active++;
    this.progress++;
    void this.failOver(x, from, resend, f).finally(() => {
      this.active--;
      this.progress++;
    });
  }

  /** Reconnect to a surviving node, resume, resend the outbox, catch up with history. */
  private async failOver(x: Client, from: number, resend: Pending[], f: {killedNode: number; deadline: number}): Promise<void> {
    const r = this.report as FailoverReport;
    const survivors = this.ports.map((_, n) => n).filter((n) => n !== f.killedNode);
    await sleep(Math.random() * 100); // as real clients, not all in the same millisecond
    for (let attempt = 0; Date.now() < f.deadline; attempt++) {
      const node = survivors[(x.index + attempt) % survivors.length] as number;
      try {
        this.nodeOf[x.index] = node;
        await x.open(this.host, this.ports[node] as number, tokenOf(this.secret, x.index), Math.max(1000, f.deadline - Date.now()));
        r.resumed++;
        r.lastResumedAt = Date.now();
        this.progress++;
        for (const p of resend) {
          this.resentIds.add(p.clientMsgId);
          if (x.send(p.salon, p.text, p.clientMsgId)) r.resent++;
        }
        resend = [];
        const goal = x.lastSeq[x.salon] as number;
        let cursor = from;
        for (;;) {
          const page = await x.request({type: 'history', salon: x.salon, after: cursor, limit: 200});
          if (!page.ok) throw new Error(`history refused: ${page.error?.code}`);
          const messages = page.result.messages as {seq: number}[];
          for (const m of messages) {
            r.fetched++;
            this.fromHistory(x, m.seq);
            if (m.seq > cursor) cursor = m.seq;
          }
          this.progress++;
          if (!page.result.hasMore || messages.length === 0) break;
        }
        if (cursor >= goal) {
          const now = Date.now();
          r.caughtUp++;
          r.caughtUpAt.push(now);
          r.lastCaughtUpAt = Math.max(r.lastCaughtUpAt, now);
        }
        return;
      } catch (error) {
        r.retries++;
        const code = (error as {code?: string}).code ?? reason(error);
        r.errors[code] = (r.errors[code] ?? 0) + 1;
        if (x.connected) x.close();
        await sleep(50 + Math.random() * 100);
      }
    }
  }

  private fromHistory(x: Client, seq: number): void {
    if (seq > (x.known[x.salon] ?? -1)) x.known[x.salon] = seq;
    const before = (this.marks[x.index] as Marks).or(seq, HISTORY);
    if (before & HISTORY) this.duplicated++;
    else if (before & LIVE) this.overlap++;
    else {
      this.caughtUp++;
      counters.deliveries++;
    }
  }

  /** At the end of the drain: every acknowledged seq against every member connected at the start. */
  finish(clients: readonly Client[]): ClusterTrafficReport {
    this.tracking = false;
    let lost = 0;
    let checked = 0;
    const lostExamples: string[] = [];
    const seqsOf = this.acked.map((m) => {
      const list: number[] = [];
      for (let s = 0; s < m.bytes.length; s++) if (m.bytes[s]) list.push(s);
      return list;
    });
    for (const list of seqsOf) checked += list.length;
    for (const x of clients) {
      if (!this.inAtStart[x.index]) continue;
      const marks = this.marks[x.index] as Marks;
      for (const seq of seqsOf[x.salon] ?? []) {
        if (marks.get(seq)) continue;
        lost++;
        if (lostExamples.length < 5) lostExamples.push(`client ${x.index} (node ${this.nodeOf[x.index]}), salon ${x.salon}, seq ${seq}`);
      }
    }
    const clientsPerNode = this.ports.map(() => 0);
    for (let i = 0; i < clients.length; i++) if (this.inAtStart[i]) clientsPerNode[i % this.ports.length]!++;
    const failover = this.report ? {...this.report, caughtUpAt: this.report.caughtUpAt} : undefined;
    return {
      nodes: this.ports.length,
      clientsPerNode,
      sameNodeLatency: this.same.summary(),
      crossNodeLatency: this.cross.summary(),
      lost,
      duplicated: this.duplicated,
      overlap: this.overlap,
      caughtUp: this.caughtUp,
      checkedMessages: checked,
      lostExamples,
      ...(failover ? {failover} : {}),
    };
  }
}

export let tracker: Tracker | null = null;
export const setTracker = (t: Tracker | null) => void (tracker = t);
