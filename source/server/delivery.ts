/**
 * Fan-out of stored messages, in each salon's stored order and without gaps. Delivery
 * remembers, per salon, the last sequence number it delivered (the rest of the server reads
 * it here, never writes it); a message that is not the next one means
 * something was stored that this node never heard of (a commit whose answer was lost, or,
 * with several nodes, another node's batch), so the gap is read from the database first.
 * Retries answered from storage are dropped here, having been delivered already.
 */
import {encodeFrame} from '../protocol/codec.js';
import type {Store, StoredMessage} from '../store/types.js';
import type {SalonState} from './model.js';
import type {Peer} from './peer.js';
import {messageInfo} from './views.js';

const FILL_PAGE = 500;
const FILL_PATIENCE_MS = 30_000;
const GAP_PATIENCE_MS = 2000;
const GAP_RETRY_MS = 10;

/**
 * How long the next batches gather per recipient of the last write-out. One socket write
 * costs the server about 11 µs, system call included, on the 2-core benchmark machine (a
 * write-out to 2,000 recipients, timed from the first write to the last socket uncorked;
 * under 1 µs of it is JavaScript). Gathering for twice that leaves about two thirds of the
 * event loop to reading requests, committing and acknowledging: the benchmark's salons and
 * fanout scenarios had their lowest p99 there (1x and 2x were tried).
 */
const GATHER_PER_RECIPIENT_MS = 0.02;
/** Batches never gather for longer than this. */
const MAX_GATHER_MS = 20;
/**
 * Socket writes per turn of the event loop. A write-out to a thousand recipients costs
 * about 11 ms, and everything else waited for it: in the search scenario a search thread's
 * answer waited for the event loop 11 ms at the median and 37 at p99 (bench/README.md,
 * "Write-outs in slices"). In slices of this many, with the event loop's I/O between them,
 * it waited 3 and 15. Smaller slices cost more: the writer batches what arrived in one
 * turn, so more turns make smaller transactions (fanout's server CPU 74 -> 80 % with 250;
 * 200 also put delivery p99 up by 15 %, 500 halved the gain).
 */
const WRITES_PER_TURN = 250;

/** A frame on its way to the recipients it had when it was delivered (the rest of them from `next`). */
interface WriteOut {
  bytes: Buffer;
  peers: readonly Peer[];
  next: number;
}

export interface StreamPosition {
  seq: number;
  ts: number;
  n: number;
}
const NOWHERE: Readonly<StreamPosition> = {seq: 0, ts: 0, n: 0};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Delivery {
  /**
   * Per salon: the last seq delivered, the time of the last message (last activity; a
   * change to a message is not activity) and the messages counted up to it (n).
   */
  private readonly streams = new Map<number, StreamPosition>();
  /** Salons whose gap is being read, with the messages that arrived meanwhile. */
  private readonly filling = new Map<number, StoredMessage[]>();
  /** Frames delivered and not yet written, by salon, in seq order. */
  private readonly pending = new Map<SalonState, Buffer[]>();
  /** Waiting for what is pending (or gathering) to be written. */
  private readonly afterFlush: (() => void)[] = [];
  /** Waiting for the write-outs under way, already flushed, to finish. */
  private readonly afterPump: (() => void)[] = [];
  /** Connections of those whose requests the pending frames answer: written to first. */
  private readonly first = new Set<Peer>();
  /** The slices under way are the rest of a flush that wrote to its requesters first. */
  private requestersServed = false;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Write-outs not finished yet, oldest first: each recipient gets its frames in order. */
  private readonly outgoing: WriteOut[] = [];
  private pumping = false;
  /** Socket writes since the last gathering ended (see `flush`), and when the first was. */
  private writes = 0;
  private began = 0;
  /** Since `began`: the time the slices took (their system calls included), when there were slices. */
  private spent = 0;
  private sliced = false;
  private notBefore = 0;
  /** A fill waiting out a database failure, woken early once a batch is stored again. */
  private readonly napping = new Map<number, () => void>();

  constructor(
    private readonly store: Pick<Store, 'messagesAfter' | 'purgedUpTo'>,
    private readonly salonOf: (id: number) => SalonState | undefined,
    /** Told of each message once, as it is delivered in order (the dashboard's activity). */
    private readonly counted?: (salonId: number, ts: number) => void,
  ) {}

  /** The last seq delivered in the salon (0 before any). */
  seq(salonId: number): number {
    return this.streams.get(salonId)?.seq ?? 0;
  }

  /** When the salon's last delivered message was sent (0 before any, or not known yet). */
  lastTs(salonId: number): number {
    return this.streams.get(salonId)?.ts ?? 0;
  }

  /** Where the salon's stream stands on this node (zeros before anything). */
  position(salonId: number): Readonly<StreamPosition> {
    return this.streams.get(salonId) ?? NOWHERE;
  }

  /** Where a salon's stream stands when this node starts: what was stored before is not delivered again. */
  startAt(salonId: number, seq: number, ts = 0, n = seq): void {
    if (seq > this.seq(salonId)) this.streams.set(salonId, {seq, ts, n});
  }

  private skipTo(salonId: number, seq: number): void {
    const stream = this.streams.get(salonId);
    if (stream) stream.seq = Math.max(stream.seq, seq);
    else this.streams.set(salonId, {seq, ts: 0, n: 0});
  }

  private advance(salonId: number, m: StoredMessage): void {
    if (m.kind === 'message') this.counted?.(salonId, m.ts);
    const stream = this.streams.get(salonId);
    if (stream) {
      stream.seq = m.seq;
      stream.n = m.n;
      if (m.kind === 'message') stream.ts = m.ts;
    } else this.streams.set(salonId, {seq: m.seq, ts: m.kind === 'message' ? m.ts : 0, n: m.n});
  }

  /**
   * The hot path. A stored batch is encoded once per message, and each salon's share of it
   * is joined into one buffer written once to every member: a recipient costs one write per
   * flush, not one per message. Writes to sockets are most of the server's work under load
   * (each is a system call), so while the previous flush's writes are recent, batches
   * gather for a moment and go out together (see `flush`). `requesters`: the connections
   * of those whose sends or changes these are, written to first (see `whenWritten`).
   */
  deliver(messages: readonly StoredMessage[], requesters: Iterable<Peer> = []): void {
    for (const m of messages) this.one(m);
    for (const peer of requesters) this.first.add(peer);
    this.schedule();
  }

  /** Flushes what is pending now, or once the gathering ends; never while slices go out. */
  private schedule(): void {
    if (this.pending.size === 0 || this.flushTimer || this.pumping) return;
    const wait = this.notBefore - performance.now();
    if (wait <= 0) this.flush();
    // From a microtask, so that the acknowledgements the flush releases (more microtasks)
    // are written before the sockets uncork on the next tick: with their message event, in
    // one packet.
    else this.flushTimer = setTimeout(() => queueMicrotask(() => this.flush()), wait);
  }

  /**
   * Runs `then` once everything delivered so far is written to the sockets of those who
   * asked for it (deliver's `requesters`), which a write-out serves first: the rest of a
   * large salon's may still be going out in slices.
   */
  whenWritten(then: () => void): void {
    if (this.flushTimer || this.pending.size > 0) this.afterFlush.push(then);
    else if (this.pumping && !this.requestersServed) this.afterPump.push(then);
    else then();
  }

  /**
   * Writes what gathered, then lets the next batches gather for a time in proportion to
   * the recipients just written to (GATHER_PER_RECIPIENT_MS). After a write-out to a few
   * recipients that is microseconds, so at light load nothing waits, and a message to a
   * quiet salon goes out at once however large the salon; a stream of write-outs to
   * thousands is spaced out, so that many small writes become fewer larger ones, which
   * keeps latency flat as the load grows. (Timing the write-out instead would count the acknowledgements it releases,
   * which gathering does not make cheaper.)
   */
  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // Nothing is queued (the slices of the last write-out are out): the requesters can be
    // written to at once, ahead of their salons' other members.
    const eager = !this.pumping;
    if (eager) this.began = performance.now();
    for (const salon of [...this.pending.keys()]) this.flushSalon(salon, eager ? this.first : undefined);
    this.first.clear();
    if (!this.pumping) this.written();
    else if (eager) {
      this.requestersServed = true;
      for (const then of this.afterFlush.splice(0)) then();
    } else {
      this.requestersServed = false;
      this.afterPump.push(...this.afterFlush.splice(0));
    }
  }

  /**
   * Everything delivered is written: the acknowledgements waiting for it go out, and the
   * next batches gather. The system calls happen as the sockets uncork, on the next tick:
   * the gathering counts from there.
   */
  private written(): void {
    for (const then of this.afterPump.splice(0)) then();
    if (this.pending.size === 0) for (const then of this.afterFlush.splice(0)) then();
    const gather = Math.min(this.writes * GATHER_PER_RECIPIENT_MS, MAX_GATHER_MS);
    const sliced = this.sliced;
    this.writes = 0;
    this.sliced = false;
    process.nextTick(() => {
      // Slices left the event loop to other work between them, which is what gathering is
      // for: a sliced write-out's gathering counts from its start, after the time its
      // writes took.
      this.notBefore = sliced ? this.began + this.spent + gather : performance.now() + gather;
      this.spent = 0;
      // What was delivered while the slices went out gathered meanwhile.
      this.schedule();
    });
  }

  /**
   * Writes `bytes` to the salon's members online. A large salon's write-out goes in slices
   * (WRITES_PER_TURN), one per turn of the event loop; while any is unfinished, later ones
   * queue behind it, so that no recipient gets a salon's frames out of order. `first`
   * (only when nothing is queued) are written to at once, whatever the slices.
   */
  private writeOut(salon: SalonState, bytes: Buffer, first?: ReadonlySet<Peer>): void {
    if (this.writes === 0) this.began = performance.now();
    this.writes += salon.online.size;
    if (!this.pumping && salon.online.size <= WRITES_PER_TURN) {
      for (const peer of salon.online) peer.write(bytes);
      return;
    }
    let peers = [...salon.online];
    if (first !== undefined && first.size > 0) {
      peers = peers.filter((peer) => {
        if (!first.has(peer)) return true;
        peer.write(bytes);
        return false;
      });
    }
    this.outgoing.push({bytes, peers, next: 0});
    if (!this.pumping) this.pump();
  }

  private pump(): void {
    this.pumping = true;
    this.sliced = true;
    const start = performance.now();
    let budget = WRITES_PER_TURN;
    while (budget > 0) {
      const out = this.outgoing[0];
      if (!out) break;
      const end = Math.min(out.peers.length, out.next + budget);
      for (let k = out.next; k < end; k++) (out.peers[k] as Peer).write(out.bytes);
      budget -= end - out.next;
      out.next = end;
      if (end === out.peers.length) this.outgoing.shift();
    }
    // The system calls happen as the sockets uncork, on the next tick: the slice ends there.
    process.nextTick(() => {
      this.spent += performance.now() - start;
    });
    if (this.outgoing.length > 0) {
      setImmediate(() => this.pump());
      return;
    }
    this.pumping = false;
    this.requestersServed = false;
    this.written();
  }

  private one(m: StoredMessage): void {
    const salon = this.salonOf(m.salonId);
    if (!salon) return;
    const waiting = this.filling.get(salon.id);
    if (waiting) {
      waiting.push(m);
      // A batch was just stored, so the database answers again: read the gap now rather
      // than at the end of the pause, or the acknowledgements would run ahead of delivery.
      this.napping.get(salon.id)?.();
      return;
    }
    const seq = this.seq(salon.id);
    if (m.seq <= seq) return;
    if (m.seq === seq + 1) {
      this.advance(salon.id, m);
      const frames = this.pending.get(salon) ?? [];
      frames.push(encodeFrame({event: 'message', ...messageInfo(m)}));
      this.pending.set(salon, frames);
      return;
    }
    // Whatever this batch already holds for the salon goes out before the gap is filled.
    this.flushSalon(salon);
    void this.fill(salon, m);
  }

  /** The database says the salon has stored up to `seq`: deliver what is missing here. */
  catchUp(salon: SalonState, seq: number): void {
    if (seq <= this.seq(salon.id)) return;
    this.flushSalon(salon);
    // The database was just read: a fill pausing after a failure can try again now.
    if (this.filling.has(salon.id)) this.napping.get(salon.id)?.();
    else void this.fill(salon);
  }

  /** Writes what the salon has pending (to `first` at once, see writeOut). */
  private flushSalon(salon: SalonState, first?: ReadonlySet<Peer>): void {
    const frames = this.pending.get(salon);
    if (!frames) return;
    this.pending.delete(salon);
    this.writeOut(salon, frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames), first);
  }

  private send(salon: SalonState, m: StoredMessage): void {
    this.advance(salon.id, m);
    this.writeOut(salon, encodeFrame({event: 'message', ...messageInfo(m)}));
  }

  private async fill(salon: SalonState, first?: StoredMessage): Promise<void> {
    const waiting = first ? [first] : [];
    this.filling.set(salon.id, waiting);
    // While the database cannot be read, nothing new can be stored either, so waiting for it
    // holds back little. Past the limit, what we have goes out: clients see the jump in
    // sequence numbers and fetch the gap themselves once the database is back.
    const deadline = Date.now() + FILL_PATIENCE_MS;
    let gapSince: number | undefined;
    for (;;) {
      let full = false;
      try {
        const missing = await this.store.messagesAfter(salon.id, this.seq(salon.id), FILL_PAGE);
        // The gap was deleted by retention (a node that delivered nothing for the whole
        // period): the stream goes on from where deletion stopped.
        const first = missing[0];
        if (first && first.seq > this.seq(salon.id) + 1 && (await this.store.purgedUpTo(salon.id)) >= first.seq - 1) this.skipTo(salon.id, first.seq - 1);
        // A page goes out as one write per recipient, as a stored batch does.
        const frames: Buffer[] = [];
        for (const m of missing) {
          if (m.seq !== this.seq(salon.id) + 1) continue;
          this.advance(salon.id, m);
          frames.push(encodeFrame({event: 'message', ...messageInfo(m)}));
        }
        if (frames.length > 0) this.writeOut(salon, Buffer.concat(frames));
        full = missing.length === FILL_PAGE;
      } catch {
        if (Date.now() > deadline) break;
        await this.nap(salon.id, 250);
        continue;
      }
      if (full) continue;
      this.sendFollowing(salon, waiting);
      if (waiting.length === 0) break;
      // A message past the gap is here, yet the gap cannot be read: on MariaDB a commit can
      // be visible to one reader a moment before another's that preceded it. Look again
      // shortly rather than skip what is about to appear.
      gapSince ??= Date.now();
      if (Date.now() - gapSince > GAP_PATIENCE_MS) break;
      await sleep(GAP_RETRY_MS);
    }
    this.filling.delete(salon.id);
    for (const m of waiting.sort((a, b) => a.seq - b.seq)) if (m.seq > this.seq(salon.id)) this.send(salon, m);
  }

  private nap(salonId: number, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.napping.delete(salonId);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.napping.set(salonId, wake);
    });
  }

  /** Sends what waited and now follows on without a gap; drops what was delivered. */
  private sendFollowing(salon: SalonState, waiting: StoredMessage[]): void {
    waiting.sort((a, b) => a.seq - b.seq);
    while (waiting.length > 0 && (waiting[0] as StoredMessage).seq <= this.seq(salon.id) + 1) {
      const m = waiting.shift() as StoredMessage;
      if (m.seq === this.seq(salon.id) + 1) this.send(salon, m);
    }
  }
}
