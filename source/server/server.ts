/**
 * The chat server: a TCP listener over a store. It owns the hub, the writer and the
 * connections; the caller owns the store (opens it before, closes it after).
 */
import {type AddressInfo, type Server, type Socket, createServer} from 'node:net';
import {createServer as createTlsServer} from 'node:tls';
import {hostname} from 'node:os';
import {encodeFrame} from '../protocol/codec.js';
import {ChatError} from '../protocol/errors.js';
import {limits} from '../protocol/limits.js';
import type {Store} from '../store/types.js';
import {type Bus, LocalBus} from './bus.js';
import {Cluster, type ClusterTiming, defaultClusterTiming} from './cluster.js';
import {Connection, type ConnectionLimits} from './connection.js';
import type {Services} from './context.js';
import {dispatch} from './dispatch.js';
import {endSession} from './handlers/session.js';
import {LoginGuard, RegistrationGuard} from './guards.js';
import {Hub} from './hub.js';
import {Moderation} from './moderation.js';
import type {Notify} from './notices.js';
import {type Policy, defaultPolicy} from './policy.js';
import {StatusWriter} from './status.js';
import {Writer, changeRules} from './writer.js';
import {type BackfillOptions, SearchBackfill, defaultBackfill} from './search-backfill.js';
import {type HookRate, HookListener, defaultHookRate} from './http.js';
import {ActivityCounter} from './activity.js';
import {SessionDirectory} from './sessions.js';
import {type RetentionOptions, RetentionJob, defaultRetention} from './retention.js';
import type {Directory} from './directory.js';
import {DirectorySync} from './directory-sync.js';

export interface ServerOptions {
  store: Store;
  host?: string;
  port?: number;
  clock?: () => number;
  notify?: Notify;
  /** This node's name in the audit log (default: the host name). */
  node?: string;
  /** Several nodes on one database share a bus (RedisBus); alone, LocalBus. */
  bus?: Bus;
  /** Liveness and catch-up timing on a shared bus (tests shorten it). */
  cluster?: Partial<ClusterTiming>;
  connection?: Partial<ConnectionLimits>;
  writer?: {maxBatch?: number; maxQueue?: number; commitTimeoutMs?: number; concurrency?: number};
  sessionTtlMs?: number;
  policy?: Partial<Policy>;
  /** The HTTP listener for incoming webhooks (off when absent); TLS as the chat port's. */
  http?: {port: number; host?: string; rate?: Partial<HookRate>};
  /** How earlier messages are indexed for search (tests make it quick). */
  backfill?: Partial<BackfillOptions>;
  /** The retention job's batches and timing (tests set intervalMs 0 and call runOnce). */
  retention?: Partial<RetentionOptions>;
  /** PEM certificate chain and key: the listener speaks TLS instead of plain TCP. */
  tls?: {cert: string | Buffer; key: string | Buffer};
  /**
   * Sign-in with the company directory (directory-login.ts): whether registration stays
   * open beside it (default closed), and how often the sync runs (ms; 0: never).
   */
  directory?: {directory: Directory; allowRegister?: boolean; syncIntervalMs?: number};
}

export interface ChatServer {
  readonly host: string;
  readonly port: number;
  readonly hub: Hub;
  readonly moderation: Moderation;
  readonly connections: ReadonlySet<Connection>;
  /** The other nodes, when the bus is shared. */
  readonly cluster: Cluster | undefined;
  /** Signed-in connections on every node, for the operator's dashboard. */
  readonly sessions: SessionDirectory;
  /** Messages per conversation over the last minute, cluster-wide. */
  readonly activity: ActivityCounter;
  /** Where the webhook listener listens, when it is on. */
  readonly http: {host: string; port: number; tls: boolean} | undefined;
  /** Deletes messages past their retention period (runOnce: one pass now). */
  readonly retention: RetentionJob;
  /** The directory sync, when a directory is configured (tests and the console run it at will). */
  readonly directorySync: DirectorySync | undefined;
  /** Resolves once the messages stored before the search index existed are indexed. */
  searchIndexed(): Promise<void>;
  /** Graceful stop: refuse new work, store what was accepted, tell clients, close. */
  stop(reason?: string): Promise<void>;
}

export const defaultConnectionLimits: Omit<ConnectionLimits, 'maxQueuedRequests'> = {
  maxFrameBytes: limits.maxFrameBytes,
  maxSkipBytes: limits.maxSkipBytes,
  maxSendQueueBytes: 4 * 1024 * 1024,
  maxBadFrames: 50,
};

export async function startServer(options: ServerOptions): Promise<ChatServer> {
  const {store} = options;
  const notify: Notify = options.notify ?? (() => {});
  const clock = options.clock ?? Date.now;
  const bus = options.bus ?? new LocalBus();
  if (bus.shared && store.kind === 'sqlite') throw new Error('SQLite serves one node only: a shared bus needs a MySQL or MariaDB database.');
  // Nobody is connected to a process that just started; the original left rows 'connected'.
  // With other nodes on the database, their users are, so the column is left to them.
  if (!bus.shared) await store.resetStatuses();
  // The original's status column follows presence on every node, not this node's sockets.
  const statuses = new StatusWriter(store);
  // The cluster needs the hub and hears from it: built right after it, before any event
  // can arrive (the bus delivers nothing until the event loop turns).
  let cluster: Cluster | undefined;
  let sessions: SessionDirectory | undefined;
  const activity = new ActivityCounter(clock);
  const hub = await Hub.load(store, bus, notify, {
    nodeEvent: (event, origin) => {
      cluster?.receive(event, origin);
      sessions?.receive(event, origin);
    },
    localPresence: (user, online) => cluster?.localPresence(user, online),
    presence: (user, online) => statuses.set(user.id, online ? 'connected' : 'disconnected'),
    message: (salonId, ts) => activity.count(salonId, ts),
  }, clock);
  if (bus.shared) cluster = new Cluster(bus, hub, notify, {...defaultClusterTiming, ...options.cluster});
  const policy: Policy = {...defaultPolicy, ...options.policy};
  const writer = new Writer(store, {
    maxBatch: options.writer?.maxBatch ?? 1000,
    maxQueue: options.writer?.maxQueue ?? 20_000,
    // One batch at a time. A second batch in flight on MySQL measured 44,023 acks/s instead
    // of 38,103 (bench/README.md), but it can commit before the first one (it takes the
    // counter lock first, or the first one's retry lookup costs it two more round trips),
    // and then two sends from one connection are numbered out of the order they were sent,
    // which docs/PROTOCOL.md promises (seen by the database fault test).
    concurrency: options.writer?.concurrency ?? 1,
    commitTimeoutMs: options.writer?.commitTimeoutMs ?? 10_000,
    deliver: (messages, requesters) => hub.delivered(messages, requesters),
    onFailure: (error) => notify({kind: 'store_unavailable', detail: error instanceof Error ? error.message : String(error)}),
    onRecovery: () => notify({kind: 'store_recovered'}),
    changeRules: changeRules(policy),
  });
  const moderation = new Moderation(store, hub, clock, options.node ?? hostname());
  const services: Services = {
    store,
    hub,
    writer,
    moderation,
    clock,
    notify,
    sessionTtlMs: options.sessionTtlMs ?? 30 * 24 * 3600_000,
    stopping: false,
    searching: 0,
    statuses,
    policy,
    logins: new LoginGuard(policy),
    registrations: new RegistrationGuard(policy),
    directory: options.directory && {directory: options.directory.directory, allowRegister: options.directory.allowRegister ?? false},
  };
  const connectionLimits: ConnectionLimits = {...defaultConnectionLimits, maxQueuedRequests: policy.maxQueuedRequests, ...options.connection};
  const connections = new Set<Connection>();
  const nodeName = options.node ?? hostname();
  sessions = new SessionDirectory({bus, store, connections, moderation, nodeName, liveNodes: () => cluster?.peers ?? []});
  const perAddress = new Map<string, number>();

  const accept = (socket: Socket) => {
    const address = socket.remoteAddress ?? '?';
    const open = perAddress.get(address) ?? 0;
    if (open >= policy.maxConnectionsPerAddress) {
      socket.on('error', () => {});
      socket.end(encodeFrame({id: null, ok: false, error: new ChatError('TOO_MANY_CONNECTIONS').toWire()}));
      return;
    }
    perAddress.set(address, open + 1);
    const conn = new Connection(
      socket,
      connectionLimits,
      (c, request) => dispatch(c, request, services),
      (c) => {
        connections.delete(c);
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
        void endSession({conn: c, services});
      },
    );
    connections.add(conn);
  };
  const listener: Server = options.tls
    ? createTlsServer({cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2'}, accept)
    : createServer(accept);
  // A TLS handshake that fails (plain TCP, wrong version) must not take the server down.
  listener.on('tlsClientError', () => {});

  // Dead peers (a cut cable, a frozen laptop) are found by silence: clients ping every 15 s.
  // Connections that hold resources without using them (never logging in, or never
  // finishing a frame) are found the same way.
  const shortest = Math.min(policy.idleTimeoutMs, policy.loginTimeoutMs, policy.frameTimeoutMs);
  const idleSweep = setInterval(() => {
    const now = Date.now();
    for (const conn of connections) conn.sweep(now, policy);
  }, Math.max(50, Math.min(5_000, shortest / 3)));
  idleSweep.unref();
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    // A deep accept queue: after a restart every client reconnects at once (Node's default
    // of 511 drops the rest with resets, and they have to retry).
    listener.listen({port: options.port ?? 5000, host: options.host ?? 'localhost', backlog: 4096}, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const address = listener.address() as AddressInfo;
  notify({kind: 'listening', address: `${address.address}:${address.port}`, store: store.location});
  cluster?.start();
  const backfill = new SearchBackfill(store, notify, {...defaultBackfill, ...options.backfill});
  backfill.start();
  const retention = new RetentionJob(store, clock, notify, {...defaultRetention, ...options.retention});
  moderation.onRetention = () => void retention.runOnce();
  retention.start();
  // The sync's acts are the server's own: recorded as the 'system' acting through 'directory-sync'.
  const directorySync =
    options.directory &&
    new DirectorySync(options.directory.directory, store, hub, notify, clock, (action, username, detail) =>
      moderation.record({username: 'directory-sync', via: 'system'}, action, {targetUser: username, detail}),
    );
  directorySync?.start(options.directory?.syncIntervalMs ?? 3600_000);
  let hooks: HookListener | undefined;
  let http: ChatServer['http'];
  if (options.http) {
    hooks = new HookListener({store, writer, hub, clock, rate: {...defaultHookRate, ...options.http.rate}});
    const at = await hooks.listen(options.http.host ?? options.host ?? 'localhost', options.http.port, options.tls);
    http = {host: at.address, port: at.port, tls: options.tls !== undefined};
    notify({kind: 'http_listening', url: `${options.tls ? 'https' : 'http'}://${at.address.includes(':') ? `[${at.address}]` : at.address}:${at.port}`});
  }

  let stopped: Promise<void> | undefined;
  const stop = (reason = 'shutdown') =>
    (stopped ??= (async () => {
      notify({kind: 'stopping'});
      services.stopping = true;
      clearInterval(idleSweep);
      await backfill.stop();
      await retention.stop();
      await directorySync?.stop();
      await hooks?.close();
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      await writer.drain();
      await Promise.all([...connections].map((c) => c.chain.catch(() => {})));
      for (const conn of connections) conn.close({event: 'shutdown', reason});
      await closed;
      cluster?.stop();
      await services.statuses.flush();
      if (!bus.shared) await store.resetStatuses().catch(() => {});
      await bus.close();
      notify({kind: 'stopped'});
    })());

  return {host: address.address, port: address.port, hub, moderation, connections, cluster, sessions, activity, http, retention, directorySync, searchIndexed: () => backfill.done(), stop};
}
