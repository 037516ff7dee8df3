/**
 * The client's link to the server over time: connects, reconnects with capped backoff,
 * signs in again with the session token, watches the link with pings so that a dead
 * network is noticed, and re-sends unacknowledged messages with their ids (the server
 * never stores one twice). It reports what happens as callbacks; it holds no UI state.
 */
import {randomBytes} from 'node:crypto';
import type {Event, LoginResult, RequestParams, RequestType, ResponseOf} from '../protocol/frames.js';
import {ClientConnection, ConnectionClosedError, RequestError} from './connection.js';

export interface SessionHandlers {
  /** The link changed: connecting, online (no user yet, or signed in), or waiting to retry. */
  link(state: 'connecting' | 'online' | 'reconnecting', detail?: {retryIn?: number; reason?: string}): void;
  /** Signed in, first time or again after a reconnect. */
  session(result: LoginResult, resumed: boolean): void;
  /** Connected, but the user must sign in (no token, or it was refused). */
  needLogin(error?: RequestError): void;
  event(event: Event): void;
}

export interface SessionOptions {
  host: string;
  port: number;
  tls?: {ca?: string | Buffer} | undefined;
  /** First retry delay and cap, in ms. */
  backoff?: {initial: number; max: number};
  /** A request unanswered this long means the link is dead. */
  pingInterval?: number;
  requestTimeout?: number;
}

export class TimeoutError extends Error {
  readonly code = 'CONNECTION_CLOSED';
  constructor() {
    super('The server did not answer in time.');
    this.name = 'TimeoutError';
  }
}

export class ChatSession {
  private conn: ClientConnection | null = null;
  private token: string | null = null;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private readonly backoff: {initial: number; max: number};
  private readonly idPrefix = randomBytes(4).toString('hex');
  private sendCounter = 0;

  constructor(private readonly options: SessionOptions, private readonly on: SessionHandlers) {
    this.backoff = options.backoff ?? {initial: 500, max: 10_000};
  }

  get online(): boolean {
    return this.conn !== null && !this.conn.closed;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  /** A fresh id for a send; the same id is reused for every retry of that message. */
  newClientMsgId(): string {
    return `${this.idPrefix}-${(++this.sendCounter).toString(36)}`;
  }

  request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<ResponseOf<T>> {
    const conn = this.conn;
    if (!conn || conn.closed) return Promise.reject(new ConnectionClosedError());
    const timeout = this.options.requestTimeout ?? 15_000;
    return new Promise<ResponseOf<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new TimeoutError());
        // No answer in time: the link is as good as dead; start over.
        conn.socket.destroy();
      }, timeout);
      conn.request(type, params).then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  async login(username: string, password: string): Promise<LoginResult> {
    const result = await this.request('login', {username, password});
    this.token = result.token;
    this.attempt = 0;
    this.on.session(result, false);
    return result;
  }

  async logout(): Promise<void> {
    const token = this.token;
    this.token = null;
    if (token) await this.request('logout', {}).catch(() => {});
  }

  /** The server ended the session (kick, ban): the token is void. */
  forget(): void {
    this.token = null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    await this.logout();
    await this.conn?.close();
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.on.link('connecting');
    let conn: ClientConnection;
    try {
      conn = await ClientConnection.open({host: this.options.host, port: this.options.port, tls: this.options.tls, clientName: 'chat'});
    } catch (error) {
      this.scheduleRetry(error);
      return;
    }
    if (this.stopped) {
      await conn.close();
      return;
    }
    this.conn = conn;
    // The server closes a connection that has not signed in for a while (LOGIN_TIMEOUT):
    // someone at the sign-in form gets a fresh one at once, with no "reconnecting" shown.
    let loginTimedOut = false;
    conn.on('unmatched', (frame: {error?: {code?: string}}) => (loginTimedOut ||= frame?.error?.code === 'LOGIN_TIMEOUT'));
    conn.on('event', (event) => this.on.event(event));
    conn.on('close', () => {
      if (this.conn === conn) this.conn = null;
      this.clearTimers();
      if (loginTimedOut && !this.stopped) void this.connect();
      else this.scheduleRetry(new ConnectionClosedError());
    });
    this.pingTimer = setInterval(() => void this.request('ping', {}).catch(() => {}), this.options.pingInterval ?? 15_000);
    this.pingTimer.unref();
    this.on.link('online');
    if (!this.token) return this.on.needLogin();
    try {
      const result = await this.request('resume', {token: this.token});
      this.attempt = 0;
      this.on.session(result, true);
    } catch (error) {
      if (error instanceof RequestError) {
        this.token = null;
        this.on.needLogin(error);
      }
      // A lost connection during resume is handled by the close handler.
    }
  }

  private scheduleRetry(error: unknown): void {
    if (this.stopped || this.retryTimer) return;
    // Capped exponential backoff with jitter, so that a restarted server is not stormed.
    const base = Math.min(this.backoff.max, this.backoff.initial * 2 ** this.attempt);
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    this.attempt++;
    const reason = (error as {code?: string})?.code ?? (error instanceof Error ? error.message : String(error));
    this.on.link('reconnecting', {retryIn: Math.ceil(delay / 1000), reason});
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }
}
