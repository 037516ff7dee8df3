/**
 * The coordinator and the load process (build/bench/load.js, forked) talk over IPC: one
 * command at a time, answered by one report, or by an error.
 */
import {type ChildProcess, fork} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import type {ClusterTrafficReport} from './cluster-load.js';
import type {DmOpenReport, DmTrafficReport} from './dm-load.js';
import type {Layout} from './layout.js';
import type {SearchPlan, SearchReport} from './search-load.js';
import type {Summary} from './stats.js';

export type Command =
  /**
   * ports (--nodes): client i connects to ports[i % ports.length] instead of port. first:
   * the index of the first client (a process holding the last clients of the run).
   */
  | {cmd: 'connect'; host: string; port: number; count: number; first?: number; secret: string; layout: Layout; concurrency: number; watchers: number; timeoutMs: number; ports?: number[]}
  /**
   * rate > 0: open loop at `rate` msgs/s. rate 0: closed loop, each sender keeps `window`
   * sends unacknowledged until durationMs is over.
   */
  /** changes: the share of open-loop sends written as an edit or a reaction instead (0: none). */
  | {
      cmd: 'traffic';
      senders: number;
      rate: number;
      window: number;
      changes: number;
      durationMs: number;
      tag: string;
      drainIdleMs: number;
      drainMaxMs: number;
      failover?: {killedNode: number; timeoutMs: number};
    }
  /**
   * search, in the searchers' process: every client searches for durationMs, then the
   * searches in flight get settleMs to be answered.
   */
  | {cmd: 'search'; durationMs: number; settleMs: number; plan: SearchPlan & {runIndex: number}}
  /** The server is about to stop: the closes that follow are expected. Answered at once. */
  | {cmd: 'expect-close'}
  /** Answered once every connection is closed (or after timeoutMs). */
  | {cmd: 'wait-closed'; timeoutMs: number}
  | {cmd: 'reconnect'; port: number; timeoutMs: number}
  | {cmd: 'history'; opens: number; pages: number; total: number}
  /** dm: the first of each pair of clients opens their direct message (dm-load.ts). */
  | {cmd: 'dm-open'; concurrency: number; timeoutMs: number}
  | {cmd: 'counters'};

export interface ConnectReport {
  kind: 'connected';
  connected: number;
  failed: number;
  ms: number;
  /** Frames the clients received while connecting (responses, and presence events). */
  framesIn: number;
  firstError?: string;
}

export interface TrafficReport {
  kind: 'traffic';
  sent: number;
  acknowledged: number;
  /** Error responses to sends, by code. */
  errors: Record<string, number>;
  /** Sends never answered (the connection closed, or the drain gave up). */
  unanswered: number;
  deliveries: number;
  /** Sum over acknowledged messages of the connected members of their salon. */
  expectedDeliveries: number;
  gaps: number;
  duplicates: number;
  unexpectedCloses: number;
  latency: Summary;
  ackLatency: Summary;
  /** Acknowledgements in each second from the first send (the last one may be partial). */
  acksPerSecond: number[];
  /** Event-loop delay of the load process while it sent and received (ms). */
  loadLagMs: {p50: number; p99: number; max: number};
  /** Date.now() values. */
  firstSendAt: number;
  sendEndAt: number;
  lastAckAt: number;
  lastDeliveryAt: number;
  /** --nodes: per-node latency, lost/duplicated by seq, failover (cluster-load.ts). */
  cluster?: ClusterTrafficReport;
  /** dm: each message checked against the other participant's receipts (dm-load.ts). */
  dm?: DmTrafficReport;
  /** --changes: edits and reactions (their acknowledged rows are in acknowledged and deliveries). */
  changes?: ChangesReport;
}

export interface ChangesReport {
  edits: {sent: number; acknowledged: number};
  reactions: {sent: number; acknowledged: number};
  /** Answered `{"change":null}`: nothing stored (never expected: every edit's text and reaction is new). */
  unchanged: number;
  /** Send to receipt of the change rows alone (they are in the delivery latency too). */
  latency: Summary;
}

export interface ClosedReport {
  kind: 'closed';
  closed: number;
  open: number;
}

export interface ResyncReport {
  kind: 'resynced';
  clients: number;
  /** Clients whose resume succeeded. */
  back: number;
  /** Clients that caught up with the salon's lastSeq from their resume result. */
  resynced: number;
  /** From the reconnect order to the last resume answer / the last caught-up client. */
  reconnectMs: number;
  resyncMs: number;
  perClientResyncMs: Summary;
  /** Connection attempts that failed and were retried, and why. */
  retries: number;
  errors: Record<string, number>;
  fetched: number;
  firstError?: string;
}

export interface HistoryReport {
  kind: 'history';
  firstPage: Summary;
  olderPage: Summary;
  /** Pages whose content was not what the seed implies (should be none). */
  problems: string[];
}

export interface SearchedReport {
  kind: 'searched';
  search: SearchReport;
  /** Event-loop delay of the searchers' process while they searched (ms). */
  loadLagMs: {p50: number; p99: number; max: number};
}

export interface CountersReport {
  kind: 'counters';
  bytesIn: number;
  framesIn: number;
  unexpectedCloses: number;
}

export type Report = ConnectReport | TrafficReport | ClosedReport | ResyncReport | HistoryReport | CountersReport | SearchedReport | DmOpenReport | {kind: 'ok'};
export type ReportOf<K extends Report['kind']> = Extract<Report, {kind: K}>;
export type Message = Report | {kind: 'error'; message: string} | {kind: 'progress'; text: string};

const LOAD = fileURLToPath(new URL('./load.js', import.meta.url));

/** The coordinator's handle on the load process. */
export class LoadProcess {
  readonly child: ChildProcess;
  private waiting: {resolve(report: Report): void; reject(error: Error): void} | undefined;
  private exited = false;

  constructor(onProgress: (text: string) => void) {
    this.child = fork(LOAD, [], {stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced'});
    this.child.on('message', (message: Message) => {
      if (message.kind === 'progress') return onProgress(message.text);
      const w = this.waiting;
      this.waiting = undefined;
      if (!w) return;
      if (message.kind === 'error') w.reject(new Error(`load process: ${message.message}`));
      else w.resolve(message);
    });
    this.child.once('exit', (code, signal) => {
      this.exited = true;
      this.waiting?.reject(new Error(`the load process exited (${code ?? signal})`));
      this.waiting = undefined;
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  run<K extends Report['kind']>(command: Command, expect: K): Promise<ReportOf<K>> {
    if (this.exited) return Promise.reject(new Error('the load process is gone'));
    if (this.waiting) return Promise.reject(new Error('a load command is already running'));
    return new Promise((resolve, reject) => {
      this.waiting = {
        resolve: (report) => (report.kind === expect ? resolve(report as ReportOf<K>) : reject(new Error(`load process answered ${report.kind}, not ${expect}`))),
        reject,
      };
      this.child.send(command);
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}
