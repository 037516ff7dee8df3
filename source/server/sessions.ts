/**
 * Signed-in connections across the cluster, for the operator's dashboard, and ending one of
 * them. Nodes otherwise share only usernames (the roster, cluster.ts); the list of sessions
 * is asked for only while an operator looks at it ('sessions_request', answered by every
 * node with 'sessions'), so a cluster without a dashboard open pays nothing for it.
 *
 * Each node describes at most MAX_SESSIONS_PER_NODE of its connections (with its total):
 * the answer travels on the bus in one event, and nobody reads ten thousand rows on a
 * terminal anyway.
 */
import type {Store} from '../store/types.js';
import type {Bus, NodeEvent, WireSession} from './bus.js';
import type {Connection} from './connection.js';
import type {Actor, Moderation} from './moderation.js';

export type {WireSession};

export const MAX_SESSIONS_PER_NODE = 1000;
/** An answer not renewed for this long is forgotten (its node stopped answering). */
const STALE_MS = 15_000;

export interface SessionRow extends WireSession {
  /** The bus instance the connection is on: where a disconnect is sent. */
  node: string;
  /** The node's name as the operator gave it (--node-id), for display. */
  nodeName: string;
  local: boolean;
}

export interface SessionList {
  rows: SessionRow[];
  /** Nodes that hold more sessions than they describe, with their totals. */
  truncated: {nodeName: string; total: number}[];
}

/** What ending a session came to: closed here, unknown here (gone already), or sent to its node. */
export type DisconnectOutcome = 'ok' | 'UNKNOWN_SESSION' | 'forwarded';

export interface SessionDirectoryDeps {
  bus: Bus;
  store: Pick<Store, 'deleteSession'>;
  connections: ReadonlySet<Connection>;
  moderation: Moderation;
  /** This node's name (--node-id). */
  nodeName: string;
  /** The other nodes alive now (cluster.peers); an answer from a node gone is dropped. */
  liveNodes(): readonly string[];
}

const nameOf = (instance: string) => instance.replace(/#[0-9a-f]+$/, '');

export class SessionDirectory {
  private readonly remote = new Map<string, {sessions: WireSession[]; total: number; at: number}>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: SessionDirectoryDeps) {}

  /** This node's signed-in connections, oldest first, at most MAX_SESSIONS_PER_NODE. */
  local(): {sessions: WireSession[]; total: number} {
    const sessions: WireSession[] = [];
    let total = 0;
    for (const conn of this.deps.connections) {
      if (!conn.session || conn.isClosed) continue;
      total += 1;
      if (sessions.length < MAX_SESSIONS_PER_NODE) sessions.push({connectionId: conn.id, username: conn.session.user.username, address: conn.address, since: conn.since});
    }
    return {sessions: sessions.sort((a, b) => a.since - b.since), total};
  }

  /** Every node's sessions as last heard: this node's now, the others' from their last answer. */
  list(now = Date.now()): SessionList {
    const instance = this.deps.bus.instance;
    const here = this.local();
    const rows: SessionRow[] = here.sessions.map((s) => ({...s, node: instance, nodeName: this.deps.nodeName, local: true}));
    const truncated = here.total > here.sessions.length ? [{nodeName: this.deps.nodeName, total: here.total}] : [];
    const alive = new Set(this.deps.liveNodes());
    for (const [node, answer] of this.remote) {
      if (!alive.has(node) || now - answer.at > STALE_MS) {
        this.remote.delete(node);
        continue;
      }
      for (const s of answer.sessions) rows.push({...s, node, nodeName: nameOf(node), local: false});
      if (answer.total > answer.sessions.length) truncated.push({nodeName: nameOf(node), total: answer.total});
    }
    return {rows, truncated};
  }

  /** Asks the other nodes for their sessions; their answers come in through receive(). */
  ask(): void {
    if (this.deps.bus.shared) this.deps.bus.publish({kind: 'sessions_request'});
  }

  /** Called when a remote answer changes the list. Returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A node event heard on the bus (server.ts hands every one over, as to the cluster). */
  receive(event: NodeEvent, origin: string): void {
    if (origin === this.deps.bus.instance) return;
    switch (event.kind) {
      case 'sessions_request': {
        const {sessions, total} = this.local();
        this.deps.bus.publish({kind: 'sessions', sessions, total});
        return;
      }
      case 'sessions': {
        if (!Array.isArray(event.sessions)) return;
        this.remote.set(origin, {sessions: event.sessions.slice(0, MAX_SESSIONS_PER_NODE), total: Number(event.total) || 0, at: Date.now()});
        for (const listener of this.listeners) listener();
        return;
      }
      case 'disconnect':
        if (event.node === this.deps.bus.instance) void this.closeLocal(event.connectionId);
        return;
      case 'leaving':
        if (this.remote.delete(origin)) for (const listener of this.listeners) listener();
        return;
    }
  }

  /**
   * Ends one session, wherever it is, and records it in the audit log. The session's token
   * is revoked, so the client has to sign in again rather than resume at once; the account
   * itself may sign in again (a kick is what keeps someone out).
   */
  async disconnect(target: Pick<SessionRow, 'node' | 'connectionId' | 'username' | 'address'>, actor: Actor): Promise<DisconnectOutcome> {
    let outcome: DisconnectOutcome;
    if (target.node === this.deps.bus.instance) outcome = (await this.closeLocal(target.connectionId)) ? 'ok' : 'UNKNOWN_SESSION';
    else {
      this.deps.bus.publish({kind: 'disconnect', node: target.node, connectionId: target.connectionId});
      outcome = 'forwarded';
    }
    await this.deps.moderation.record(actor, 'disconnect', {targetUser: target.username, detail: {node: nameOf(target.node), connectionId: target.connectionId, address: target.address}}, outcome);
    return outcome;
  }

  private async closeLocal(connectionId: number): Promise<boolean> {
    const conn = [...this.deps.connections].find((c) => c.id === connectionId && c.session && !c.isClosed);
    if (!conn?.session) return false;
    // Revoked first: a client that reconnected before the token went would resume.
    await this.deps.store.deleteSession(conn.session.tokenHash).catch(() => {});
    conn.close({event: 'disconnected', reason: 'operator'});
    return true;
  }
}
