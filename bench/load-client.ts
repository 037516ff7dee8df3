/**
 * One benchmark client: a raw TCP socket and hand-rolled line handling. JSON.parse of every
 * delivery would saturate the load process, so frames are classified by their first bytes
 * (the server writes `{"event":...` or `{"id":...` first) and the few fields needed are read
 * in place. Only responses someone waits for (hello, resume, history) are parsed.
 */
import {type Socket, connect} from 'node:net';
import {performance} from 'node:perf_hooks';
import {tracker} from './cluster-load.js';
import {dmTracker} from './dm-load.js';
import {messageText} from './layout.js';
import {counters} from './load-counters.js';

export {counters, resetTrafficCounters} from './load-counters.js';

/**
 * Set while a traffic run mixes changes in: acknowledgements of sends are then read for
 * their seq (the targets of later edits and reactions). Off, a send's answer is not read.
 */
let changeMix = false;
export const setChangeMix = (on: boolean) => void (changeMix = on);

/**
 * Closed loop: called once per read that answered some of a client's sends, with how many
 * (acknowledged or refused), so that it can send as many again in one write.
 */
let onAnswered: ((client: Client, answered: number) => void) | null = null;
export const setOnAnswered = (hook: typeof onAnswered) => void (onAnswered = hook);

const countError = (code: string) => void (counters.errors[code] = (counters.errors[code] ?? 0) + 1);

export interface Response {
  id: number;
  ok: boolean;
  result?: any;
  error?: {code: string; message?: string};
}

/** Every read lands here; onData finishes with it before the next read (copying any rest). */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const NL = 0x0a;
const E = 0x65; // 'e' of {"event"
const M = 0x6d;
const S = 0x73;
const C = 0x63; // {"event":"conversation"
const ZERO = 0x30;
const TEXT_KEY = Buffer.from('"text":"');
const SEQ_KEY = Buffer.from('"seq":');
const NULL_CHANGE = Buffer.from('"change":null');
const COLON = 0x3a;
const QUOTE = 0x22;
const UNDERSCORE = 0x5f;
const CODE_KEY = Buffer.from('"code":"');
const MESSAGE_PREFIX = '{"event":"message","id":'.length;

/** Reads the unsigned integer at `i`; its end is left in `intEnd` (no allocation). */
let intEnd = 0;
function readInt(buf: Buffer, i: number): number {
  let value = 0;
  let c = buf[i];
  while (c !== undefined && c >= ZERO && c <= ZERO + 9) {
    value = value * 10 + (c - ZERO);
    c = buf[++i];
  }
  intEnd = i;
  return value;
}

export class Client {
  sock: Socket | null = null;
  connected = false;
  /** Set before a close the bench causes (server restart, end of run). */
  expectClose = false;
  /** Messages this client sent (its n in the message text). */
  sent = 0;
  /** Highest seq seen per salon id (-1: not a member, not tracked). */
  readonly known = [-1, -1, -1, -1, -1, -1];
  /** lastSeq per salon from the last resume result. */
  readonly lastSeq = [0, 0, 0, 0, 0, 0];
  /** Pending sends: request id -> performance.now() at sending. */
  readonly sends = new Map<number, number>();
  /** Pending edits (1) and reactions (2) among `sends`, by request id. */
  private readonly changes = new Map<number, 1 | 2>();
  /** --changes: the seq of this client's newest acknowledged message (what it edits), 0: none yet. */
  ownNewest = 0;
  /** --changes: the newest seq this client reacted to (it reacts to each message once at most). */
  reactedTo = 0;
  private readonly waiters = new Map<number, {resolve(r: Response): void; reject(e: Error): void}>();
  private rest: Buffer | null = null;
  private nextId = 1;
  /** Sends answered in the read being handled (closed loop). */
  private answered = 0;
  private lastError = '';

  /** watcher: also asks for the member list of its salon, so it gets presence events. */
  constructor(readonly index: number, readonly salon: number, readonly watcher = false) {}

  /** Connects, then hello, resume (and members) in one go (requests are answered in order). */
  async open(host: string, port: number, token: string, timeoutMs: number): Promise<void> {
    this.expectClose = false;
    this.rest = null;
    this.lastError = '';
    // onread: the socket reads into one shared buffer and calls us, with no 'data' event and
    // no allocation per read (10,000 idle clients get ~50 million presence frames at login).
    const sock = connect({host, port, noDelay: true, onread: {buffer: READ_BUFFER, callback: (n, buf) => this.onData((buf as Buffer).subarray(0, n))}});
    this.sock = sock;
    sock.on('error', (error: NodeJS.ErrnoException) => (this.lastError = error.code ?? error.message)); // 'close' follows
    sock.once('close', () => this.onClose(sock));
    const timer = setTimeout(() => sock.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('connect', resolve);
        sock.once('close', () => reject(new Error('connection closed before it opened')));
        sock.once('error', reject);
      });
      this.connected = true;
      const hello = this.request({type: 'hello', version: 1, client: 'bench'});
      const resume = this.request({type: 'resume', token});
      const members = this.watcher ? this.request({type: 'members', salon: this.salon}) : undefined;
      const [h, r, m] = await Promise.all([hello, resume, members]);
      if (!h.ok) throw new Error(`hello refused: ${h.error?.code}`);
      if (!r.ok) throw new Error(`resume refused: ${r.error?.code}`);
      if (m && !m.ok) throw new Error(`members refused: ${m.error?.code}`);
      for (const s of r.result.salons as {id: number; state: string; lastSeq: number}[]) {
        if (s.state !== 'member' || s.id >= this.known.length) continue;
        this.lastSeq[s.id] = s.lastSeq;
        if (this.known[s.id] === -1) this.known[s.id] = s.lastSeq;
      }
    } catch (error) {
      sock.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  request(frame: Record<string, unknown>): Promise<Response> {
    const sock = this.sock;
    if (!sock || !this.connected) return Promise.reject(new Error('not connected'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiters.set(id, {resolve, reject});
      sock.write(`${JSON.stringify({id, ...frame})}\n`);
    });
  }

  /**
   * A send whose acknowledgement is timed; the text must need no JSON escaping. Returns
   * the request's id, 0 when not connected.
   */
  send(salon: number, text: string, clientMsgId: string): number {
    if (!this.sock || !this.connected) return 0;
    const id = this.nextId++;
    this.sends.set(id, performance.now());
    this.sock.write(`{"id":${id},"type":"send","salon":${salon},"text":"${text}","clientMsgId":"${clientMsgId}"}\n`);
    tracker?.sent(this, id, salon, text, clientMsgId);
    return id;
  }

  /**
   * A timed edit of the message at `seq` (the new text a benchmark text marked `:e` at its
   * end) or reaction to it (a shortcode unique to this reaction, so it is never one already
   * given and a message's reactions stay under the 20 allowed: each sender reacts to a
   * message once). Both are change rows delivered as `message` events, timed like sends.
   */
  change(kind: 'edit' | 'react', salon: number, seq: number, n: number, clientMsgId: string): number {
    if (!this.sock || !this.connected) return 0;
    const id = this.nextId++;
    const now = Date.now();
    this.sends.set(id, performance.now());
    if (kind === 'edit') {
      this.changes.set(id, 1);
      counters.editsSent++;
      this.sock.write(`{"id":${id},"type":"edit","salon":${salon},"seq":${seq},"text":"${messageText(this.index, n, now)}:e","clientMsgId":"${clientMsgId}"}\n`);
    } else {
      this.changes.set(id, 2);
      counters.reactsSent++;
      this.reactedTo = seq;
      this.sock.write(`{"id":${id},"type":"react","salon":${salon},"seq":${seq},"emoji":":${this.index}_${n}_${now}:","clientMsgId":"${clientMsgId}"}\n`);
    }
    return id;
  }

  /**
   * `count` timed sends to the client's own salon in one write (closed loop). Returns how
   * many were written.
   */
  sendMany(count: number, tag: string): number {
    if (!this.sock || !this.connected || count <= 0) return 0;
    const at = performance.now();
    const now = Date.now();
    let frames = '';
    for (let k = 0; k < count; k++) {
      const id = this.nextId++;
      const n = ++this.sent;
      this.sends.set(id, at);
      frames += `{"id":${id},"type":"send","salon":${this.salon},"text":"${messageText(this.index, n, now)}","clientMsgId":"${tag}-${this.index}-${n}"}\n`;
    }
    this.sock.write(frames);
    return count;
  }

  close(): void {
    this.expectClose = true;
    this.sock?.destroy();
  }

  private onClose(sock: Socket): void {
    if (sock !== this.sock) return;
    tracker?.closed(this, this.connected && !this.expectClose);
    if (this.connected && !this.expectClose) counters.unexpectedCloses++;
    this.connected = false;
    const why = new Error(`connection closed${this.lastError ? ` (${this.lastError})` : ' by the server'}`);
    for (const w of this.waiters.values()) w.reject(why);
    this.waiters.clear();
    this.sends.clear();
    this.changes.clear();
  }

  /** Always true: keep reading. */
  private onData(chunk: Buffer): boolean {
    counters.bytesIn += chunk.length;
    let buf = chunk;
    if (this.rest) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    let now = 0;
    let pos = 0;
    for (let nl = buf.indexOf(NL, pos); nl !== -1; nl = buf.indexOf(NL, pos)) {
      counters.framesIn++;
      if (buf[pos + 2] === E) {
        // {"event":"message"... vs "membership": the third letter tells them apart.
        if (buf[pos + 10] === M && buf[pos + 12] === S) {
          if (now === 0) now = Date.now();
          this.onMessage(buf, pos, nl, now);
        } else if (buf[pos + 10] === C) dmTracker?.conversationEvent(this, buf, pos, nl);
      } else {
        this.onResponse(buf, pos, nl);
      }
      pos = nl + 1;
    }
    if (pos < buf.length) this.rest = Buffer.from(buf.subarray(pos));
    if (this.answered > 0) {
      const answered = this.answered;
      this.answered = 0;
      onAnswered?.(this, answered);
    }
    return true;
  }

  /** {"event":"message","id":14,"salon":1,"seq":12,...,"text":"<sender>:<n>:<ms>",...} */
  private onMessage(buf: Buffer, pos: number, nl: number, now: number): void {
    counters.deliveries++;
    counters.lastDeliveryAt = now;
    readInt(buf, pos + MESSAGE_PREFIX); // message id
    const salon = readInt(buf, intEnd + ',"salon":'.length);
    const seq = readInt(buf, intEnd + ',"seq":'.length);
    // The dm scenario's tracker checks the seq order of each direct message itself.
    const known = dmTracker ? undefined : tracker ? tracker.live(this, salon, seq) : this.known[salon];
    if (known !== undefined && known >= 0) {
      if (seq === known + 1) this.known[salon] = seq;
      else if (seq <= known) counters.duplicates++;
      else {
        counters.gaps += seq - known - 1;
        this.known[salon] = seq;
      }
    }
    const t = buf.indexOf(TEXT_KEY, intEnd);
    if (t === -1 || t > nl) return;
    // A send `<sender>:<n>:<ms>`, an edit `<sender>:<n>:<ms>:e`, a reaction `:<sender>_<n>_<ms>:`.
    let start = t + TEXT_KEY.length;
    const reaction = buf[start] === COLON;
    if (reaction) start++;
    const separator = reaction ? UNDERSCORE : COLON;
    const sender = readInt(buf, start);
    if (intEnd === start || buf[intEnd] !== separator) return; // not a benchmark text
    const n = readInt(buf, intEnd + 1);
    if (buf[intEnd] !== separator) return;
    const sentAt = readInt(buf, intEnd + 1);
    const change = reaction || buf[intEnd] === COLON;
    if (buf[change ? intEnd + (reaction ? 1 : 2) : intEnd] !== QUOTE) return;
    if (change) counters.changeLatency.add(now - sentAt);
    // dm: only the other participant's receipt is the delivery latency of record.
    if (!dmTracker || dmTracker.delivered(this, salon, seq, sender, n, now - sentAt)) counters.latency.add(now - sentAt);
    tracker?.latency(sender, this, now - sentAt);
  }

  /** {"id":12,"ok":true,...} or {"id":null,"ok":false,"error":{"code":...}} */
  private onResponse(buf: Buffer, pos: number, nl: number): void {
    const idStart = pos + '{"id":'.length;
    const id = readInt(buf, idStart);
    if (intEnd === idStart) {
      countError(this.codeOf(buf, pos, nl)); // id null: a frame-level refusal
      return;
    }
    const ok = buf[intEnd + ',"ok":'.length] === 0x74; // t(rue)
    const sentAt = this.sends.get(id);
    if (sentAt !== undefined) {
      this.sends.delete(id);
      this.answered++;
      if (ok) {
        const now = Date.now();
        counters.acks++;
        counters.lastAckAt = now;
        if (counters.trafficStart > 0) {
          const second = Math.floor((now - counters.trafficStart) / 1000);
          while (counters.acksPerSecond.length <= second) counters.acksPerSecond.push(0);
          counters.acksPerSecond[second]!++;
        }
        counters.ackLatency.add(performance.now() - sentAt);
        counters.ackedBySalon[this.salon]!++;
        if (changeMix) this.changeAnswered(id, buf, pos, nl);
      } else {
        this.changes.delete(id);
        countError(this.codeOf(buf, pos, nl));
      }
      tracker?.answered(this, id, ok, buf, pos, nl);
      dmTracker?.answered(this, id, ok);
      return;
    }
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.waiters.delete(id);
    try {
      waiter.resolve(JSON.parse(buf.toString('utf8', pos, nl)) as Response);
    } catch (error) {
      waiter.reject(error as Error);
    }
  }

  /**
   * --changes: an acknowledged send's seq is a message others may react to and this client
   * may edit; a change answered `{"change":null}` stored nothing and is delivered to no one.
   */
  private changeAnswered(id: number, buf: Buffer, pos: number, nl: number): void {
    const change = this.changes.get(id);
    if (change !== undefined) {
      this.changes.delete(id);
      const k = buf.indexOf(NULL_CHANGE, pos);
      if (k !== -1 && k < nl) {
        counters.unchanged++;
        counters.ackedBySalon[this.salon]!--;
      } else if (change === 1) counters.editsAcked++;
      else counters.reactsAcked++;
      return;
    }
    const k = buf.indexOf(SEQ_KEY, pos);
    if (k === -1 || k > nl) return;
    const seq = readInt(buf, k + SEQ_KEY.length);
    if (seq > this.ownNewest) this.ownNewest = seq;
    if (seq > (counters.newestMessage[this.salon] as number)) counters.newestMessage[this.salon] = seq;
  }

  private codeOf(buf: Buffer, pos: number, nl: number): string {
    const c = buf.indexOf(CODE_KEY, pos);
    if (c === -1 || c > nl) return 'UNKNOWN';
    const start = c + CODE_KEY.length;
    return buf.toString('latin1', start, buf.indexOf(0x22, start));
  }
}
