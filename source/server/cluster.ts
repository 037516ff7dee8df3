/**
 * A node's view of the other nodes on a shared bus: who is alive, which users are
 * connected where, and whether the bus is carrying our events at all.
 *
 * - Liveness: every node publishes a heartbeat each second; a node not heard from for
 *   NODE_TTL_MS is taken for dead and its users go offline (unless connected elsewhere).
 *   A node that stops gracefully says so ('leaving') and its users go offline at once.
 * - Presence: a node publishes when a user's first connection there opens or the last
 *   closes, numbered; a heartbeat carries the latest number, so a lost change is noticed
 *   and the node's whole roster asked for.
 * - Health: the bus is "up" while our own heartbeats come back. While it is down, other
 *   nodes' messages are read from the database every second (hub.catchUp), and liveness
 *   is frozen (nobody can be heard, so nobody is judged dead). When it comes back, the
 *   hub re-reads what may have changed meanwhile (hub.resync) and every roster is asked for.
 * Even when the bus is up, salons are compared with the database every few seconds: an
 * event lost in a blink (a Redis restart between two heartbeats) is delivered anyway.
 */
import type {Bus, NodeEvent} from './bus.js';
import type {Hub, UserState} from './hub.js';
import type {Notify} from './notices.js';

export interface ClusterTiming {
  heartbeatMs: number;
  nodeTtlMs: number;
  /** Bus considered down when our heartbeat has not come back for this long. */
  echoTimeoutMs: number;
  catchUpMs: number;
  degradedCatchUpMs: number;
}

export const defaultClusterTiming: ClusterTiming = {
  heartbeatMs: 1000,
  nodeTtlMs: 10_000,
  echoTimeoutMs: 3000,
  catchUpMs: 5000,
  degradedCatchUpMs: 1000,
};

interface NodeInfo {
  lastSeen: number;
  /** The last presence change applied from that node; -1 before its roster. */
  version: number;
  rosterAsked: number;
}

export class Cluster {
  private readonly nodes = new Map<string, NodeInfo>();
  private version = 0;
  private lastEcho = Date.now();
  private up = true;
  private heartbeat: NodeJS.Timeout | undefined;
  private catchUpTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly bus: Bus,
    private readonly hub: Hub,
    private readonly notify: Notify,
    private readonly timing: ClusterTiming = defaultClusterTiming,
  ) {
    bus.onReconnect(() => this.recover());
  }

  get busUp(): boolean {
    return this.up;
  }

  /** Other live nodes (bus instances). */
  get peers(): string[] {
    return [...this.nodes.keys()];
  }

  start(): void {
    this.lastEcho = Date.now();
    this.bus.publish({kind: 'roster_request'});
    this.publishRoster();
    // Changes published while the hub was being loaded found no state to apply to.
    void this.hub.resync().catch(() => {});
    this.heartbeat = setInterval(() => this.tick(), this.timing.heartbeatMs);
    this.heartbeat.unref();
    this.scheduleCatchUp();
  }

  /** Tells the others this node's users are gone, then stops the timers. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.catchUpTimer);
    this.bus.publish({kind: 'leaving'});
  }

  private tick(): void {
    const now = Date.now();
    this.bus.publish({kind: 'heartbeat', node: this.bus.instance, version: this.version});
    if (this.up && now - this.lastEcho > this.timing.echoTimeoutMs) {
      this.up = false;
      this.notify({kind: 'bus_down'});
    }
    if (!this.up) return;
    for (const [instance, node] of this.nodes) {
      if (now - node.lastSeen > this.timing.nodeTtlMs) this.forget(instance, 'node_lost');
    }
  }

  private scheduleCatchUp(): void {
    if (this.stopped) return;
    this.catchUpTimer = setTimeout(
      () => {
        this.hub
          .catchUp()
          .catch(() => {}) // the database is away: the writer reports it; try again later
          .finally(() => this.scheduleCatchUp());
      },
      this.up ? this.timing.catchUpMs : this.timing.degradedCatchUpMs,
    );
    this.catchUpTimer.unref();
  }

  /** A node event heard on the bus (the hub hands them over: HubListeners.nodeEvent). */
  receive(event: NodeEvent, origin: string): void {
    const now = Date.now();
    if (origin === this.bus.instance) {
      if (event.kind === 'heartbeat') this.echo(now);
      return;
    }
    let node = this.nodes.get(origin);
    if (!node) {
      if (event.kind === 'leaving') return;
      node = {lastSeen: now, version: -1, rosterAsked: 0};
      this.nodes.set(origin, node);
      this.notify({kind: 'node_joined', node: origin});
    }
    node.lastSeen = now;
    switch (event.kind) {
      case 'heartbeat':
        if (event.version !== node.version) this.askRoster(origin, node, now);
        return;
      case 'presence':
        this.hub.remote.set(event.username, origin, event.online);
        if (event.version === node.version + 1) node.version = event.version;
        else this.askRoster(origin, node, now);
        return;
      case 'roster':
        this.hub.remote.replace(origin, event.usernames);
        node.version = event.version;
        return;
      case 'roster_request':
        if (event.node === undefined || event.node === this.bus.instance) this.publishRoster();
        return;
      case 'leaving':
        this.forget(origin, 'node_left');
        return;
    }
  }

  private echo(now: number): void {
    this.lastEcho = now;
    if (this.up) return;
    this.up = true;
    this.notify({kind: 'bus_up'});
    this.recover();
  }

  /** After a cut: whatever was said meanwhile is lost, so ask again and re-read. */
  private recover(): void {
    const now = Date.now();
    // Nobody could be heard during the cut: every node gets a full TTL to show it is alive.
    for (const node of this.nodes.values()) node.lastSeen = now;
    this.bus.publish({kind: 'roster_request'});
    this.publishRoster();
    void this.hub.resync().catch(() => {});
  }

  private askRoster(origin: string, node: NodeInfo, now: number): void {
    // One request per heartbeat period is enough: the answer carries everything.
    if (now - node.rosterAsked < this.timing.heartbeatMs) return;
    node.rosterAsked = now;
    this.bus.publish({kind: 'roster_request', node: origin});
  }

  private publishRoster(): void {
    this.bus.publish({kind: 'roster', usernames: this.hub.localRoster(), version: this.version});
  }

  /** A user's first connection here opened, or the last closed (HubListeners.localPresence). */
  localPresence(user: UserState, online: boolean): void {
    this.version += 1;
    this.bus.publish({kind: 'presence', username: user.username, online, version: this.version});
  }

  private forget(instance: string, kind: 'node_lost' | 'node_left'): void {
    this.nodes.delete(instance);
    this.hub.remote.drop(instance);
    this.notify({kind, node: instance});
  }
}
