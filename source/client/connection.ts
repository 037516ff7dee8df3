/**
 * A protocol connection from the client side: request ids, one pending promise per request,
 * events to listeners. No reconnect here (see session.ts); no Ink anywhere.
 */
import {EventEmitter} from 'node:events';
import {type Socket, isIP, connect as netConnect} from 'node:net';
import {connect as tlsConnect} from 'node:tls';
import {LineDecoder, encodeFrame} from '../protocol/codec.js';
import type {Event, RequestParams, RequestType, ResponseOf} from '../protocol/frames.js';
import {PROTOCOL_VERSION, limits} from '../protocol/limits.js';

/** A refusal from the server, with its stable code. */
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export class ConnectionClosedError extends Error {
  readonly code = 'CONNECTION_CLOSED';
  constructor() {
    super('The connection closed before the server answered.');
    this.name = 'ConnectionClosedError';
  }
}

interface Waiting {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export interface ConnectOptions {
  host: string;
  port: number;
  /** Sends hello first (the default); tests of the handshake turn it off. */
  hello?: boolean;
  /** Speak TLS; `ca` replaces the system's trusted certificates (a company's own CA). */
  tls?: {ca?: string | Buffer} | undefined;
  clientName?: string;
  /** The local address to connect from (tests stand for several machines with 127.0.0.x). */
  localAddress?: string;
}

export declare interface ClientConnection {
  on(name: 'event', listener: (event: Event) => void): this;
  on(name: 'close', listener: () => void): this;
  on(name: 'bad-frame', listener: (line: string) => void): this;
  /** A response to no request: the server's word before it closes (`id: null`). */
  on(name: 'unmatched', listener: (frame: {id?: unknown; error?: {code?: string}}) => void): this;
}

export class ClientConnection extends EventEmitter {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private closedFlag = false;

  private constructor(readonly socket: Socket) {
    super();
    socket.setNoDelay(true);
    const decoder = new LineDecoder(limits.maxFrameBytes * 4, {
      line: (text) => this.onLine(text),
      fault: () => this.emit('bad-frame', ''),
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => {});
    socket.once('close', () => {
      this.closedFlag = true;
      for (const w of this.waiting.values()) w.reject(new ConnectionClosedError());
      this.waiting.clear();
      this.emit('close');
    });
  }

  static async open(options: ConnectOptions): Promise<ClientConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = options.tls
        ? tlsConnect({
            host: options.host,
            port: options.port,
            // SNI takes names only; an address is checked against the certificate's IP entries.
            ...(isIP(options.host) ? {} : {servername: options.host}),
            ...(options.tls.ca ? {ca: options.tls.ca} : {}),
          })
        : netConnect({host: options.host, port: options.port, ...(options.localAddress ? {localAddress: options.localAddress} : {})});
      s.once(options.tls ? 'secureConnect' : 'connect', () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
    const conn = new ClientConnection(socket);
    if (options.hello !== false) await conn.request('hello', {version: PROTOCOL_VERSION, client: options.clientName ?? 'chat'});
    return conn;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Resolves with the request type's result (protocol/frames.ts ResponseMap), or rejects with a RequestError. */
  request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<ResponseOf<T>> {
    if (this.closedFlag) return Promise.reject(new ConnectionClosedError());
    const id = this.nextId++;
    return new Promise<ResponseOf<T>>((resolve, reject) => {
      this.waiting.set(id, {resolve: resolve as (r: unknown) => void, reject});
      this.socket.write(encodeFrame({id, type, ...params}));
    });
  }

  /** Sends raw bytes, for tests of the server's edge. */
  writeRaw(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  close(): Promise<void> {
    if (this.closedFlag) return Promise.resolve();
    return new Promise((resolve) => {
      this.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private onLine(text: string): void {
    let frame: any;
    try {
      frame = JSON.parse(text);
    } catch {
      this.emit('bad-frame', text);
      return;
    }
    if (typeof frame?.event === 'string') {
      this.emit('event', frame as Event);
      return;
    }
    const waiting = typeof frame?.id === 'number' ? this.waiting.get(frame.id) : undefined;
    if (!waiting) {
      this.emit('unmatched', frame);
      return;
    }
    this.waiting.delete(frame.id);
    if (frame.ok === true) waiting.resolve(frame.result);
    else waiting.reject(new RequestError(String(frame.error?.code ?? 'UNKNOWN'), String(frame.error?.message ?? ''), frame.error?.details));
  }
}
