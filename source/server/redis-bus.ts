/**
 * The bus between nodes, over Redis pub/sub (ioredis). One channel per database, so two
 * clusters on one Redis never hear each other. Redis keeps nothing for us: restarted
 * empty, it loses only what was in flight, which the nodes make good from the database.
 *
 * Two connections, because a subscribed Redis connection can do nothing else. The
 * publisher has no offline queue: while Redis is away an event is dropped, not kept to
 * arrive stale later, and at most MAX_IN_FLIGHT publishes wait for a stalled Redis
 * (paused, frozen), so that an outage costs bounded memory.
 */
import {randomBytes} from 'node:crypto';
import {Redis} from 'ioredis';
import type {Bus, BusEvent, BusHandler} from './bus.js';
import {isNodeEvent} from './bus.js';

const MAX_IN_FLIGHT = 10_000;

export interface RedisBusOptions {
  url: string;
  /** Names the channel: nodes on the same database share it. */
  namespace: string;
  /** The operator's name for this node, in logs and in the instance id. */
  nodeId: string;
  onError?: (error: Error) => void;
}

interface Envelope {
  o: string;
  e: BusEvent;
}

export class RedisBus implements Bus {
  readonly instance: string;
  readonly shared = true;
  private readonly channel: string;
  private readonly pub: Redis;
  private readonly sub: Redis;
  private handler: BusHandler | undefined;
  private reconnectHandlers: (() => void)[] = [];
  private inFlight = 0;
  private wasReady = false;
  private closed = false;

  constructor(private readonly options: RedisBusOptions) {
    this.instance = `${options.nodeId}#${randomBytes(4).toString('hex')}`;
    this.channel = `chat-server:${options.namespace}`;
    // Reconnect forever, at most a second apart: the bus is worth having back soon.
    const retryStrategy = (times: number) => Math.min(50 * times, 1000);
    this.pub = new Redis(options.url, {enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy, connectionName: `${this.instance}/pub`});
    // The subscriber queues its SUBSCRIBE until connected, and ioredis subscribes again
    // after each reconnection (autoResubscribe).
    this.sub = new Redis(options.url, {autoResubscribe: true, maxRetriesPerRequest: null, retryStrategy, connectionName: `${this.instance}/sub`});
    const onError = (error: Error) => this.options.onError?.(error);
    this.pub.on('error', onError);
    this.sub.on('error', onError);
    this.sub.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    void this.sub.subscribe(this.channel).catch(() => {});
    this.sub.on('ready', () => {
      if (this.wasReady) for (const handler of this.reconnectHandlers) handler();
      this.wasReady = true;
    });
  }

  /**
   * Waits at most `timeoutMs` for both links (they connect on their own, from the start).
   * A Redis that cannot be reached yet is not fatal: the node serves its clients and
   * joins the others when Redis is up.
   */
  async connect(timeoutMs = 3000): Promise<boolean> {
    const ready = (redis: Redis) =>
      redis.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => redis.once('ready', () => resolve()));
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return Promise.race([Promise.all([ready(this.pub), ready(this.sub)]).then(() => true), timeout]);
  }

  publish(event: BusEvent): void {
    if (!isNodeEvent(event)) this.handler?.(event, this.instance);
    this.share(event);
  }

  share(event: BusEvent): void {
    if (this.closed || this.pub.status !== 'ready' || this.inFlight >= MAX_IN_FLIGHT) return;
    this.inFlight += 1;
    const envelope: Envelope = {o: this.instance, e: event};
    this.pub
      .publish(this.channel, JSON.stringify(envelope))
      .catch(() => {})
      .finally(() => {
        this.inFlight -= 1;
      });
  }

  subscribe(handler: BusHandler): void {
    this.handler = handler;
  }

  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // QUIT when Redis answers, so that a final 'leaving' goes out; never wait on a dead one.
    const quit = (redis: Redis) =>
      redis.status === 'ready'
        ? Promise.race([redis.quit().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 500))]).then(() => redis.disconnect())
        : redis.disconnect();
    await Promise.all([quit(this.pub), quit(this.sub)]);
  }

  private receive(text: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (!envelope || typeof envelope.o !== 'string' || !envelope.e || typeof envelope.e.kind !== 'string') return;
    // Our own changes were applied when published; our own heartbeat's echo tells the
    // cluster that the bus carries our events.
    if (envelope.o === this.instance && envelope.e.kind !== 'heartbeat') return;
    this.handler?.(envelope.e, envelope.o);
  }
}
