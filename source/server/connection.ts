/**
 * One object per socket: it decodes and validates frames, holds the connection's login
 * state, and is the only way bytes leave for that peer.
 */
import type {Socket} from 'node:net';
import {LineDecoder, encodeFrame} from '../protocol/codec.js';
import {ChatError} from '../protocol/errors.js';
import type {Event, Request, RequestId} from '../protocol/frames.js';
import {parseRequest} from '../protocol/parse.js';
import type {TokenBucket} from './guards.js';
import type {UserState} from './hub.js';
import type {Peer} from './peer.js';

export interface ConnectionLimits {
  maxFrameBytes: number;
  /** An oversized line is skipped up to its newline, but no further than this: then the peer is dropped. */
  maxSkipBytes: number;
  /** Bytes queued for a peer that does not read; past it the connection is dropped. */
  maxSendQueueBytes: number;
  /** Malformed frames tolerated before the connection is dropped. */
  maxBadFrames: number;
  /** Requests waiting for their turn before the socket stops being read. */
  maxQueuedRequests: number;
}

export type Stage = 'hello' | 'guest' | 'user';

export interface Session {
  user: UserState;
  tokenHash: string;
}

let nextId = 1;

export class Connection implements Peer {
  readonly id = nextId++;
  readonly remote: string;
  /** The peer's IP address: the key of per-address limits. */
  readonly address: string;
  /**
   * When the peer last finished a line (for the idle timeout). Bytes without a newline do
   * not count: a trickle of them must not keep a connection open.
   */
  lastActivity = Date.now();
  /** When the unfinished line now held began, or 0 (for the frame timeout). */
  midLineSince = 0;
  /** When the connection last became a guest (opened, or logged out): for the login timeout. */
  guestSince = Date.now();
  /** When the connection last signed in (for the operator's list of sessions). */
  since = 0;
  session: Session | null = null;
  /** This connection's message allowance, made at its first send. */
  bucket: TokenBucket | null = null;
  /** This connection's search allowance, made at its first search. */
  searchBucket: TokenBucket | null = null;
  /** When this connection last relayed a typing notice, per conversation (cleared when it ends). */
  typing: Map<number, number> | null = null;
  /** Requests are handled one at a time, in arrival order (see dispatch.ts). */
  chain: Promise<void> = Promise.resolve();
  private readonly decoder: LineDecoder;
  private currentStage: Stage = 'hello';
  private corked = false;
  private closed = false;
  private badFrames = 0;
  private queued = 0;

  constructor(
    private readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    onRequest: (connection: Connection, request: Request) => void,
    onClose: (connection: Connection) => void,
  ) {
    this.address = socket.remoteAddress ?? '?';
    this.remote = `${this.address}:${socket.remotePort ?? '?'}`;
    // Nagle's algorithm would hold small frames back for tens of milliseconds.
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    this.decoder = new LineDecoder(limits.maxFrameBytes, {
      // Once closed (too many bad frames), the rest of the chunk is not acted on.
      line: (text) => {
        if (this.closed) return;
        const parsed = parseRequest(text);
        if (parsed.ok) return onRequest(this, parsed.request);
        this.fail(parsed.id, parsed.error);
        this.countBadFrame();
      },
      fault: (code) => {
        if (this.closed) return;
        this.fail(null, new ChatError(code));
        this.countBadFrame();
      },
      runaway: () => this.close(),
    }, limits.maxSkipBytes);
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      const now = Date.now();
      const endsLine = chunk.includes(0x0a);
      if (endsLine) this.lastActivity = now;
      this.decoder.push(chunk);
      if (!this.decoder.midLine) this.midLineSince = 0;
      else if (this.midLineSince === 0 || endsLine) this.midLineSince = now;
    });
    socket.on('error', () => {}); // 'close' follows and does the cleanup
    socket.once('close', () => {
      this.closed = true;
      onClose(this);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get stage(): Stage {
    return this.currentStage;
  }

  /** Logging out starts the login timeout again. */
  set stage(stage: Stage) {
    if (stage !== 'user' && this.currentStage === 'user') this.guestSince = Date.now();
    if (stage === 'user' && this.currentStage !== 'user') this.since = Date.now();
    this.currentStage = stage;
  }

  /** Closes the connection if it broke one of the time limits; the peer is told which. */
  sweep(now: number, policy: {idleTimeoutMs: number; loginTimeoutMs: number; frameTimeoutMs: number}): void {
    if (this.closed) return;
    let code: 'IDLE_TIMEOUT' | 'LOGIN_TIMEOUT' | 'FRAME_TIMEOUT' | undefined;
    if (this.midLineSince !== 0 && now - this.midLineSince > policy.frameTimeoutMs) code = 'FRAME_TIMEOUT';
    // A login or registration being answered is not cut short.
    else if (this.currentStage !== 'user' && this.queued === 0 && now - this.guestSince > policy.loginTimeoutMs) code = 'LOGIN_TIMEOUT';
    else if (now - this.lastActivity > policy.idleTimeoutMs) code = 'IDLE_TIMEOUT';
    if (!code) return;
    this.fail(null, new ChatError(code));
    this.close();
  }

  /**
   * Never blocks. Writes made in one tick are corked into one packet; a peer whose unread
   * bytes pass the bound is dropped, so one slow reader cannot hold memory or others back.
   */
  write(bytes: Buffer): void {
    if (this.closed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
    if (this.socket.writableLength > this.limits.maxSendQueueBytes) {
      this.closed = true;
      this.socket.destroy();
    }
  }

  reply(id: RequestId, result: unknown): void {
    this.write(encodeFrame({id, ok: true, result}));
  }

  fail(id: RequestId | null, error: ChatError): void {
    this.write(encodeFrame({id, ok: false, error: error.toWire()}));
  }

  send(event: Event): void {
    this.write(encodeFrame(event));
  }

  close(last?: Event): void {
    if (this.closed) return;
    if (last) this.socket.write(encodeFrame(last));
    this.closed = true;
    this.socket.end();
    // A peer that never reads would keep a half-closed socket forever.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /**
   * Back-pressure on a peer that sends requests faster than they are answered: past the
   * bound its socket is no longer read, so its unprocessed frames wait in the kernel's
   * buffers (and then in the peer's), not in our memory.
   */
  requestQueued(): void {
    if (++this.queued === this.limits.maxQueuedRequests) this.socket.pause();
  }

  requestDone(): void {
    if (this.queued-- === this.limits.maxQueuedRequests && !this.closed) this.socket.resume();
  }

  private countBadFrame(): void {
    if (++this.badFrames > this.limits.maxBadFrames) this.close();
  }
}
