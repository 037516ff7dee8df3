/** A real chat-server on 127.0.0.1, port 0, over a test database, and clients that speak to it. */
import {ClientConnection} from '../../source/client/connection.js';
import type {Event} from '../../source/protocol/frames.js';
import type {Notice} from '../../source/server/notices.js';
import {type ChatServer, type ServerOptions, startServer} from '../../source/server/server.js';
import {hashPassword} from '../../source/store/password.js';
import type {Store} from '../../source/store/types.js';
import type {Database} from './backends.js';

export const PASSWORD = 'correct horse battery';

/** The operator at the console, as tests act through the Moderation service. */
export const OPERATOR = {username: 'admin', via: 'console'} as const;

export interface TestServer {
  server: ChatServer;
  store: Store;
  notices: Notice[];
  /** `from` is the local address (127.0.0.x) the connection comes from. */
  connect(options?: {hello?: boolean; from?: string}): Promise<TestClient>;
  /** Registers, logs in and returns a client with its event log. */
  user(username: string, alias?: string): Promise<TestClient>;
  /** Creates a moderator account straight in the store and logs it in. */
  moderator(username: string): Promise<TestClient>;
  stop(): Promise<void>;
}

export interface TestClient {
  conn: ClientConnection;
  events: Event[];
  /** Resolves with the first event (already received or to come) matching the predicate. */
  waitFor<E extends Event['event']>(kind: E, match?: (event: Extract<Event, {event: E}>) => boolean, timeoutMs?: number): Promise<Extract<Event, {event: E}>>;
  request: ClientConnection['request'];
  closed: Promise<void>;
}

export async function startTestServer(db: Database, options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const store = await db.open();
  const notices: Notice[] = [];
  // Tests send and register faster than people do: the limits are lifted unless a test sets them.
  const policy = {messagesPerSecond: 1e6, messageBurst: 1e6, registrationsPerAddress: 1e6, loginsPerAccountPerMinute: 1e6, loginsPerAddressPerMinute: 1e6, searchesPerSecond: 1e6, searchBurst: 1e6, ...options.policy};
  const server = await startServer({store, host: '127.0.0.1', port: 0, notify: (n) => notices.push(n), ...options, policy});
  const clients: TestClient[] = [];

  const connect = async (opts: {hello?: boolean; from?: string} = {}) => {
    const client = wrap(await ClientConnection.open({host: '127.0.0.1', port: server.port, hello: opts.hello, localAddress: opts.from}));
    clients.push(client);
    return client;
  };

  return {
    server,
    store,
    notices,
    connect,
    async user(username, alias = username.charAt(0).toUpperCase() + username.slice(1)) {
      const client = await connect();
      await client.request('register', {username, alias, password: PASSWORD});
      await client.request('login', {username, password: PASSWORD});
      return client;
    },
    async moderator(username) {
      await store.createUser({username, alias: username, passwordHash: await hashPassword(PASSWORD), role: 'moderator', ts: Date.now()});
      // The hub learns of accounts through the bus, as it would of a registration.
      const record = await store.findUser(username);
      if (record) {
        const {passwordHash: _, ...user} = record;
        server.hub.publish({kind: 'user_added', user});
      }
      const client = await connect();
      await client.request('login', {username, password: PASSWORD});
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.conn.close()));
      await server.stop();
      await store.close();
    },
  };
}

export function wrap(conn: ClientConnection): TestClient {
  const events: Event[] = [];
  const waiters = new Set<() => void>();
  conn.on('event', (event) => {
    events.push(event);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<void>((resolve) => conn.on('close', () => resolve()));
  return {
    conn,
    events,
    closed,
    request: conn.request.bind(conn) as ClientConnection['request'],
    waitFor(kind, match = () => true, timeoutMs = 5000) {
      type E = Extract<Event, {event: typeof kind}>;
      const find = () => events.find((e): e is E => e.event === kind && match(e as E));
      const found = find();
      if (found) return Promise.resolve(found);
      return new Promise<E>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${kind} event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`));
        }, timeoutMs);
        const check = () => {
          const e = find();
          if (!e) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(e);
        };
        waiters.add(check);
      });
    },
  };
}

/** Runs a request that must fail; returns its error code. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as {code?: string}).code ?? String(error);
  }
  throw new Error('expected the request to be refused');
}

/** Polls until the check passes (for effects that follow an event, like a status column). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
