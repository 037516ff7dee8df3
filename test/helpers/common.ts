/**
 * What the process-level tests (test/faults, test/cluster) share: waiting with a bound,
 * request outcomes, continuous sending with a window, and the messages as stored.
 */
import type {MessageInfo} from '../../source/protocol/frames.js';
import type {Database} from './backends.js';
import type {TestClient} from './server.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects if the promise takes longer than `ms`: a hung request fails the test, not the suite. */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/**
 * Polls `check` until it returns true or the time is up; returns whether it passed. The
 * caller asserts afterwards, on the last state, so a failure shows what was seen.
 */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** Runs a request; 'ok' with its result, or the error code (CONNECTION_CLOSED when unanswered). */
export async function outcome<T>(promise: Promise<T>): Promise<{code: 'ok'; result: T} | {code: string}> {
  try {
    return {code: 'ok', result: await promise};
  } catch (error) {
    return {code: (error as {code?: string}).code ?? String(error)};
  }
}

// ---------------------------------------------------------------------------------------
// Sending continuously.

export interface Sent {
  user: string;
  clientMsgId: string;
  salon: number;
  text: string;
  /** When it was sent (Date.now()). */
  sentAt: number;
  /** undefined while in flight; 'ok', or the error code (CONNECTION_CLOSED when unanswered). */
  code?: string;
  /** When the answer came (Date.now()). */
  answeredAt?: number;
  /** The acknowledged message. */
  message?: MessageInfo;
}

export interface SendLoop {
  readonly sent: Sent[];
  /** Sends not answered yet. */
  inFlight(): number;
  acked(): Sent[];
  /** Stops sending and waits for every answer (or the connection's end). */
  stop(): Promise<void>;
}

/**
 * Each client sends continuously to `salons` in turn, keeping `window` sends in flight, each
 * with a unique clientMsgId (`${prefix}-${user}-${n}`), until stop() or its connection closes.
 */
export function sendLoop(
  clients: readonly {user: string; client: TestClient}[],
  {window, salons = [1, 2], prefix = 'b', stopWithinMs = 20_000}: {window: number; salons?: readonly number[]; prefix?: string; stopWithinMs?: number},
): SendLoop {
  const sent: Sent[] = [];
  let sending = true;
  const loops = clients.map(async ({user, client}) => {
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; sending && !client.conn.closed; ) {
      while (inFlight.size < window && sending && !client.conn.closed) {
        const entry: Sent = {user, clientMsgId: `${prefix}-${user}-${i}`, salon: salons[i % salons.length] as number, text: `${user} ${prefix} ${i}`, sentAt: Date.now()};
        i++;
        sent.push(entry);
        const done: Promise<void> = outcome(client.request('send', {salon: entry.salon, text: entry.text, clientMsgId: entry.clientMsgId})).then((o) => {
          entry.code = o.code;
          entry.answeredAt = Date.now();
          if ('result' in o) entry.message = (o.result as {message: MessageInfo}).message;
          inFlight.delete(done);
        });
        inFlight.add(done);
      }
      if (inFlight.size > 0) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  });
  return {
    sent,
    inFlight: () => sent.filter((s) => s.code === undefined).length,
    acked: () => sent.filter((s) => s.code === 'ok'),
    async stop() {
      sending = false;
      await within(stopWithinMs, Promise.all(loops), 'the send loops ending');
    },
  };
}

// ---------------------------------------------------------------------------------------
// Messages as stored.

export interface Row {
  salon: number;
  seq: number;
  id: number;
  author: number | null;
  clientMsgId: string | null;
  text: string;
}

const asText = (value: unknown): string | null =>
  value === null || value === undefined ? null : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);

/** Every message, by salon then seq. client_msg_id is VARBINARY on MySQL: read as UTF-8. */
export async function storedMessages(db: Database): Promise<Row[]> {
  const rows = await db.query<Record<string, unknown>>(
    'SELECT salon_id, seq, message_id, client_id, client_msg_id, contenu FROM messages ORDER BY salon_id, seq',
  );
  return rows.map((r) => ({
    salon: Number(r.salon_id),
    seq: Number(r.seq),
    id: Number(r.message_id),
    author: r.client_id === null ? null : Number(r.client_id),
    clientMsgId: asText(r.client_msg_id),
    text: asText(r.contenu) ?? '',
  }));
}

/**
 * Where the acknowledged sends and the stored rows disagree (empty when they agree): an
 * acknowledged message not stored, or stored in another salon, at another seq, with another
 * text or clientMsgId than acknowledged; a row with one of these clientMsgIds that is not
 * the acknowledged message (stored twice, or stored although never acknowledged).
 * Counting rows would miss a lost message made up for by a duplicate.
 */
export function ackedVersusStored(sent: readonly Sent[], rows: readonly Row[]): string[] {
  const problems: string[] = [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const acked = sent.filter((s) => s.code === 'ok' && s.message);
  for (const s of acked) {
    const m = s.message!;
    const r = byId.get(m.id);
    if (!r) problems.push(`${s.clientMsgId}: acknowledged as message ${m.id}, not stored`);
    else if (r.salon !== s.salon || r.seq !== m.seq || r.text !== s.text || r.clientMsgId !== s.clientMsgId) {
      problems.push(`${s.clientMsgId}: acknowledged as ${s.salon}/${m.seq} "${s.text}", stored as ${r.salon}/${r.seq} "${r.text}" (${r.clientMsgId})`);
    }
  }
  const ackedIds = new Set(acked.map((s) => s.message!.id));
  const ours = new Set(sent.map((s) => s.clientMsgId));
  for (const r of rows) {
    if (r.clientMsgId !== null && ours.has(r.clientMsgId) && !ackedIds.has(r.id)) problems.push(`${r.clientMsgId}: stored as message ${r.id}, not the one acknowledged`);
  }
  return problems.slice(0, 10);
}
