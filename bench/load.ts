/**
 * The load process (forked by run.ts): holds every benchmark client, in a process of its
 * own so that the server's CPU and memory are its alone. Obeys one IPC command at a time.
 */
import {monitorEventLoopDelay, performance} from 'node:perf_hooks';
import type {Command, Message, Report} from './ipc.js';
import {homeSalonOf, messageText, tokenOf} from './layout.js';
import {Tracker, setTracker, tracker} from './cluster-load.js';
import {dmTracker, openPairs, setDmTracker} from './dm-load.js';
import {Client, counters, resetTrafficCounters, setChangeMix, setOnAnswered} from './load-client.js';
import {Searches} from './search-load.js';
import {summarize} from './stats.js';

let clients: Client[] = [];
let target = {host: '127.0.0.1', port: 0, secret: ''};

const reply = (m: Message) => process.send?.(m);
const lateness = (ns: number) => Math.max(0, ns / 1e6 - 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function connectAll(c: Extract<Command, {cmd: 'connect'}>): Promise<Report> {
  target = {host: c.host, port: c.port, secret: c.secret};
  const first = c.first ?? 0;
  clients = Array.from({length: c.count}, (_, i) => new Client(first + i, homeSalonOf(c.layout, first + i), first + i < c.watchers));
  setTracker(c.ports ? new Tracker(c.ports, c.count, c.host, c.secret) : null);
  setDmTracker(null);
  const start = Date.now();
  const framesBefore = counters.framesIn;
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    for (let i = next++; i < clients.length; i = next++) {
      try {
        const client = clients[i] as Client;
        await client.open(c.host, tracker ? tracker.portOf(client.index) : c.port, tokenOf(c.secret, client.index), Math.max(1000, start + c.timeoutMs - Date.now()));
      } catch (error) {
        failed++;
        firstError ??= `client ${i}: ${reason(error)}`;
      }
    }
  };
  const ticker = setInterval(() => {
    const n = clients.filter((x) => x.connected).length;
    reply({kind: 'progress', text: `${n.toLocaleString('en-US')} of ${clients.length.toLocaleString('en-US')} clients in after ${Math.round((Date.now() - start) / 1000)} s`});
  }, 10_000);
  await Promise.all(Array.from({length: Math.min(c.concurrency, clients.length)}, worker));
  clearInterval(ticker);
  const connected = clients.filter((x) => x.connected).length;
  return {kind: 'connected', connected, failed, ms: Date.now() - start, framesIn: counters.framesIn - framesBefore, firstError};
}

/** Open loop: the offered rate is kept whatever the server does, spread over 10 ms ticks. */
async function openLoop(c: Extract<Command, {cmd: 'traffic'}>, senders: Client[]): Promise<number> {
  const total = Math.round((c.rate * c.durationMs) / 1000);
  let sent = 0;
  let turn = 0;
  // --changes: the share of due sends written as a change instead, spread evenly (every
  // 10th at 0.1), edits and reactions in turn.
  let changeCredit = 0;
  let nextChange: 'edit' | 'react' = 'edit';
  const start = counters.trafficStart;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = Date.now() - start;
      const due = Math.min(total, Math.floor((c.rate * Math.min(elapsed, c.durationMs)) / 1000));
      while (sent < due) {
        const sender = senders[turn++ % senders.length] as Client;
        const n = ++sender.sent;
        changeCredit += c.changes;
        let id = 0;
        if (changeCredit >= 1) {
          changeCredit -= 1;
          id = change(sender, nextChange, n, `${c.tag}-${sender.index}-${n}`);
          nextChange = nextChange === 'edit' ? 'react' : 'edit';
        }
        if (id === 0) id = sender.send(dmTracker ? dmTracker.target(sender) : sender.salon, messageText(sender.index, n, Date.now()), `${c.tag}-${sender.index}-${n}`);
        if (id) {
          sent++;
          dmTracker?.sent(sender, id, n);
        } else if (!senders.some((s) => s.connected)) break;
      }
      if (elapsed >= c.durationMs || !senders.some((s) => s.connected)) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 10);
  });
  return sent;
}

/**
 * An edit of the sender's newest acknowledged message, or a reaction to the salon's newest
 * message the sender has not reacted to yet. 0 when there is none yet (a plain send then).
 */
function change(sender: Client, kind: 'edit' | 'react', n: number, clientMsgId: string): number {
  if (kind === 'edit') return sender.ownNewest > 0 ? sender.change('edit', sender.salon, sender.ownNewest, n, clientMsgId) : 0;
  const newest = counters.newestMessage[sender.salon] as number;
  return newest > sender.reactedTo ? sender.change('react', sender.salon, newest, n, clientMsgId) : 0;
}

/**
 * Closed loop: every sender writes `window` sends at once, then as many again as are
 * answered, read by read, until the duration is over: the offered load is whatever the
 * server acknowledges, with senders × window messages in flight.
 */
async function closedLoop(c: Extract<Command, {cmd: 'traffic'}>, senders: Client[]): Promise<number> {
  const end = counters.trafficStart + c.durationMs;
  let sent = 0;
  setOnAnswered((client, answered) => {
    if (Date.now() < end) sent += client.sendMany(answered, c.tag);
  });
  try {
    for (const sender of senders) sent += sender.sendMany(c.window, c.tag);
    while (Date.now() < end && senders.some((s) => s.connected)) await sleep(Math.min(20, Math.max(1, end - Date.now())));
  } finally {
    setOnAnswered(null);
  }
  return sent;
}

async function traffic(c: Extract<Command, {cmd: 'traffic'}>): Promise<Report> {
  resetTrafficCounters();
  setChangeMix(c.changes > 0);
  // A saturated load process delays what it times: its own event-loop delay tells.
  const lag = monitorEventLoopDelay({resolution: 10});
  lag.enable();
  const senders = clients.slice(0, c.senders);
  const members = [0, 0, 0, 0, 0, 0];
  for (const x of clients) if (x.connected) members[x.salon]!++;
  tracker?.start(clients, c.failover);
  dmTracker?.start();
  const start = Date.now();
  counters.trafficStart = start;
  const sent = c.rate > 0 ? await openLoop(c, senders) : await closedLoop(c, senders);
  const sendEndAt = Date.now();
  const expected = () => (dmTracker ? dmTracker.expected(clients) : counters.ackedBySalon.reduce((sum, acked, salon) => sum + acked * (members[salon] ?? 0), 0));
  const errorCount = () => Object.values(counters.errors).reduce((a, b) => a + b, 0);
  // Drain: wait for every answer and delivery, as long as something still arrives.
  let progress = -1;
  let progressAt = Date.now();
  for (;;) {
    const answered = counters.acks + errorCount();
    if (answered >= sent && counters.deliveries >= expected() && !tracker?.busy()) break;
    const now = Date.now();
    const seen = counters.acks + counters.deliveries + errorCount() + (tracker?.progress ?? 0);
    if (seen !== progress) [progress, progressAt] = [seen, now];
    if (now - progressAt > c.drainIdleMs || now - sendEndAt > c.drainMaxMs) break;
    if (!clients.some((x) => x.connected)) break;
    await sleep(20);
  }
  lag.disable();
  setChangeMix(false);
  const cluster = tracker?.finish(clients);
  const dm = dmTracker?.finish();
  return {
    ...(cluster ? {cluster} : {}),
    ...(dm ? {dm} : {}),
    kind: 'traffic',
    // The histogram counts the timer's own period (10 ms) in: only the excess is delay.
    loadLagMs: {p50: lateness(lag.percentile(50)), p99: lateness(lag.percentile(99)), max: lateness(lag.max)},
    sent,
    acknowledged: counters.acks,
    errors: {...counters.errors},
    unanswered: sent - counters.acks - errorCount(),
    deliveries: counters.deliveries,
    expectedDeliveries: expected(),
    gaps: counters.gaps,
    duplicates: counters.duplicates,
    unexpectedCloses: counters.unexpectedCloses - (tracker?.expectedCloses() ?? 0),
    latency: counters.latency.summary(),
    ackLatency: counters.ackLatency.summary(),
    firstSendAt: start,
    sendEndAt,
    lastAckAt: counters.lastAckAt,
    lastDeliveryAt: counters.lastDeliveryAt,
    acksPerSecond: [...counters.acksPerSecond],
    ...(c.changes > 0
      ? {
          changes: {
            edits: {sent: counters.editsSent, acknowledged: counters.editsAcked},
            reactions: {sent: counters.reactsSent, acknowledged: counters.reactsAcked},
            unchanged: counters.unchanged,
            latency: counters.changeLatency.summary(),
          },
        }
      : {}),
  };
}

/**
 * search: this process holds the searchers alone (run.ts), so that what a search's time
 * includes is the server's work and the machine, not this process's turn among 990
 * receivers of 1,000 msgs/s (whose event loop lags by more than the search target).
 */
async function search(c: Extract<Command, {cmd: 'search'}>): Promise<Report> {
  const lag = monitorEventLoopDelay({resolution: 10});
  lag.enable();
  const searches = new Searches(c.plan);
  searches.start(clients, c.plan.runIndex);
  await sleep(c.durationMs);
  searches.stop();
  await searches.settle(c.settleMs);
  lag.disable();
  return {kind: 'searched', search: searches.report(), loadLagMs: {p50: lateness(lag.percentile(50)), p99: lateness(lag.percentile(99)), max: lateness(lag.max)}};
}

async function waitClosed(timeoutMs: number): Promise<Report> {
  const deadline = Date.now() + timeoutMs;
  while (clients.some((x) => x.connected) && Date.now() < deadline) await sleep(20);
  const open = clients.filter((x) => x.connected).length;
  for (const x of clients) if (x.connected) x.close();
  return {kind: 'closed', closed: clients.length - open, open};
}

/** Everyone at once: reconnect, resume, then history `after` the last seq each one had. */
async function reconnect(c: Extract<Command, {cmd: 'reconnect'}>): Promise<Report> {
  const start = Date.now();
  const deadline = start + c.timeoutMs;
  let retries = 0;
  let fetched = 0;
  let firstError: string | undefined;
  const errors: Record<string, number> = {};
  const resumedAt: number[] = [];
  const resyncedAt: number[] = [];
  const one = async (x: Client) => {
    while (Date.now() < deadline) {
      try {
        await x.open(target.host, c.port, tokenOf(target.secret, x.index), Math.max(1000, deadline - Date.now()));
        resumedAt.push(Date.now());
        const goal = x.lastSeq[x.salon] as number;
        for (;;) {
          const known = x.known[x.salon] as number;
          const page = await x.request({type: 'history', salon: x.salon, after: known, limit: 200});
          if (!page.ok) throw new Error(`history refused: ${page.error?.code}`);
          for (const m of page.result.messages as {seq: number}[]) {
            fetched++;
            if (m.seq > (x.known[x.salon] as number)) x.known[x.salon] = m.seq;
          }
          if (!page.result.hasMore) break;
        }
        if ((x.known[x.salon] as number) >= goal) resyncedAt.push(Date.now());
        return;
      } catch (error) {
        retries++;
        firstError ??= reason(error);
        const code = (error as {code?: string}).code ?? reason(error);
        errors[code] = (errors[code] ?? 0) + 1;
        await sleep(50 + Math.random() * 100);
      }
    }
  };
  await Promise.all(clients.map(one));
  const last = (list: number[]) => (list.length ? Math.max(...list) - start : -1);
  return {
    kind: 'resynced',
    clients: clients.length,
    back: resumedAt.length,
    resynced: resyncedAt.length,
    reconnectMs: last(resumedAt),
    resyncMs: last(resyncedAt),
    perClientResyncMs: summarize(resyncedAt.map((t) => t - start)),
    retries,
    errors,
    fetched,
    firstError,
  };
}

/** One reader: the newest page `opens` times, then `pages` older pages at random depths. */
async function history(c: Extract<Command, {cmd: 'history'}>): Promise<Report> {
  const x = clients[0];
  if (!x?.connected) throw new Error('no connected client');
  const problems: string[] = [];
  const page = async (before: number | undefined): Promise<number> => {
    const t = performance.now();
    const r = await x.request({type: 'history', salon: x.salon, ...(before === undefined ? {} : {before})});
    const ms = performance.now() - t;
    const top = (before ?? c.total + 1) - 1;
    const seqs = r.ok ? (r.result.messages as {seq: number}[]).map((m) => m.seq) : [];
    const want = Math.min(50, top);
    if (!r.ok) problems.push(`history before=${before}: ${r.error?.code}`);
    else if (seqs.length !== want || seqs[seqs.length - 1] !== top || seqs.some((s, k) => s !== top - want + 1 + k)) {
      problems.push(`history before=${before}: got ${seqs.length} messages, seq ${seqs[0]}..${seqs[seqs.length - 1]}`);
    }
    return ms;
  };
  const first: number[] = [];
  for (let k = 0; k < c.opens; k++) first.push(await page(undefined));
  const older: number[] = [];
  for (let k = 0; k < c.pages; k++) older.push(await page(2 + Math.floor(Math.random() * Math.max(1, c.total - 1))));
  return {kind: 'history', firstPage: summarize(first), olderPage: summarize(older), problems: problems.slice(0, 5)};
}

async function obey(c: Command): Promise<Report> {
  switch (c.cmd) {
    case 'connect':
      return connectAll(c);
    case 'traffic':
      return traffic(c);
    case 'expect-close':
      for (const x of clients) x.expectClose = true;
      return {kind: 'ok'};
    case 'wait-closed':
      return waitClosed(c.timeoutMs);
    case 'reconnect':
      return reconnect(c);
    case 'history':
      return history(c);
    case 'dm-open':
      return openPairs(clients, c.concurrency, c.timeoutMs);
    case 'search':
      return search(c);
    case 'counters':
      return {kind: 'counters', bytesIn: counters.bytesIn, framesIn: counters.framesIn, unexpectedCloses: counters.unexpectedCloses};
  }
}

process.on('message', (c: Command) => {
  obey(c).then(reply, (error) => reply({kind: 'error', message: reason(error)}));
});
process.once('disconnect', () => process.exit(0));
process.once('SIGTERM', () => {
  for (const x of clients) x.close();
  process.exit(0);
});
