/**
 * Group commit. Messages and changes to messages that arrive while the database is busy
 * wait here and are stored together, one transaction per batch; only then is each sender
 * acknowledged and the batch fanned out, in stored order. A bounded queue turns overload
 * into a clear OVERLOADED answer instead of unbounded memory.
 */
import {ChatError} from '../protocol/errors.js';
import type {ChangeOutcome, ChangeRules, NewChange, NewMessage, Store, StoredMessage, Submission} from '../store/types.js';
import {StoreUnavailableError} from '../store/types.js';
import {type Policy, defaultPolicy} from './policy.js';

export const changeRules = (policy: Policy): ChangeRules => ({
  editWindowMs: policy.editWindowMs,
  authorsMayDelete: policy.authorsMayDelete,
  maxReactions: policy.maxReactionsPerMessage,
});

/** A send, or a change to a stored message: both take a seq, so both queue here, in order. */
type Pending =
  | {message: NewMessage; change?: undefined; resolve(stored: StoredMessage): void; reject(error: ChatError): void}
  | {change: NewChange; message?: undefined; resolve(outcome: ChangeOutcome): void; reject(error: ChatError): void};

export interface WriterOptions {
  /** Most messages per transaction. */
  maxBatch: number;
  /** Most messages waiting; past it, sends are refused with OVERLOADED. */
  maxQueue: number;
  /** Batches in flight at once: 1 where commits serialise anyway (SQLite), 2 on MySQL. */
  concurrency: number;
  /**
   * Delivers what was stored (possibly nothing, when a batch failed), resolving once it is
   * written to the connections of `requesters` (the usernames of those who sent or changed
   * it), which delivery serves first: the senders are answered after that, so a sender sees
   * its message event before its acknowledgement, and answers keep the order of the batches.
   */
  deliver(messages: StoredMessage[], requesters: readonly string[]): Promise<void>;
  onFailure(error: unknown): void;
  onRecovery(): void;
  /**
   * A batch not committed in this time is answered STORE_UNAVAILABLE, so that a stalled
   * database link cannot hold every sender forever. It may still commit later: retries
   * with the same clientMsgId return it, and delivery fills it in.
   */
  commitTimeoutMs: number;
  /** What changes to messages are allowed (edit window, deletions, reactions); the default policy's when absent. */
  changeRules?: ChangeRules;
}

class CommitTimeout extends StoreUnavailableError {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommitTimeout(new Error(`no commit within ${ms} ms`))), ms);
  });
  work.catch(() => {}); // a late failure after the timeout has nobody left to tell
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A part of a batch that failed while the rest was stored: its entries are refused with it. */
class PartFailed {
  constructor(readonly error: unknown) {}
}

/** `stored`: what goes to delivery; `answers`: what each pending entry of the batch is resolved with. */
type Outcome = {ok: true; stored: StoredMessage[]; answers: (StoredMessage | ChangeOutcome | PartFailed)[]} | {ok: false; error: unknown};

const withoutReplayed = ({replayed: _, ...message}: StoredMessage): StoredMessage => message;

const failed = (error: unknown): Outcome => ({ok: false, error});

export class Writer {
  private queue: Pending[] = [];
  private inFlight = 0;
  /** Batches settled whose answers wait for their delivery to be written. */
  private answering = 0;
  private scheduled = false;
  private failing = false;
  /** Batches started and not yet answered, oldest first, with their outcome once known. */
  private readonly started: {batch: Pending[]; result?: Outcome}[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly database: Store, private readonly options: WriterOptions) {}

  get queued(): number {
    return this.queue.length;
  }

  /** Resolves with the stored message once it is committed; never before. */
  submit(message: NewMessage): Promise<StoredMessage> {
    if (this.queue.length >= this.options.maxQueue) return Promise.reject(new ChatError('OVERLOADED'));
    return new Promise((resolve, reject) => {
      this.queue.push({message, resolve, reject});
      this.schedule();
    });
  }

  /** Resolves with the change's outcome once committed (stored, unchanged or refused). */
  submitChange(change: NewChange): Promise<ChangeOutcome> {
    if (this.queue.length >= this.options.maxQueue) return Promise.reject(new ChatError('OVERLOADED'));
    return new Promise((resolve, reject) => {
      this.queue.push({change, resolve, reject});
      this.schedule();
    });
  }

  /** Resolves once every message submitted so far is stored or refused (graceful stop). */
  drain(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.concurrency) return;
    this.scheduled = true;
    // setImmediate, not nextTick: lets every frame already read from the sockets in this
    // turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.start();
    });
  }

  /**
   * Starts batches while a slot is free. With two slots (MySQL), the next batch begins its
   * transaction while the previous one commits, so the database is never idle between
   * batches. The later batch may commit first and hold the lower seqs: outcomes are held
   * until every earlier batch has its own, and what is known together is handed to
   * delivery in seq order, so that it need not read from the database a gap that is
   * sitting in the next batch.
   */
  private start(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.concurrency) {
      // Sends and changes share a batch and its commit, in the order they were submitted: a
      // connection's changes keep their place among its sends.
      const entry: {batch: Pending[]; result?: Outcome} = {batch: this.queue.splice(0, this.options.maxBatch)};
      const changes = entry.batch.some((p) => p.change !== undefined);
      this.started.push(entry);
      this.inFlight += 1;
      void withTimeout(this.store(entry.batch, changes), this.options.commitTimeoutMs)
        .then(
          (result): Outcome => result,
          (error: unknown): Outcome => ({ok: false, error}),
        )
        .then((result) => {
          entry.result = result;
          this.answerSettled();
        });
    }
  }

  private async store(batch: Pending[], changes: boolean): Promise<Outcome> {
    try {
      return await this.storeTogether(batch, changes);
    } catch (error) {
      // The database refused the batch for a reason of its own (an outage would refuse
      // any part alike): one entry must not fail the others, so the batch is stored again
      // in parts, its sends together (the common case, kept one transaction) then each
      // change alone, and only the parts refused again fail.
      if (error instanceof StoreUnavailableError || batch.length === 1) throw error;
      const sends = batch.filter((p) => p.message !== undefined);
      const parts = [...(sends.length > 0 && changes ? [sends] : sends.map((p) => [p])), ...batch.filter((p) => p.change !== undefined).map((p) => [p])];
      const answers = new Map<Pending, StoredMessage | ChangeOutcome | PartFailed>();
      const stored: StoredMessage[] = [];
      let refusal: unknown;
      let anyStored = false;
      for (const part of parts) {
        const outcome = await this.store(part, part.some((p) => p.change !== undefined)).catch(failed);
        if (outcome.ok) {
          anyStored = true;
          stored.push(...outcome.stored);
        } else refusal ??= outcome.error;
        part.forEach((p, i) => answers.set(p, outcome.ok ? (outcome.answers[i] as StoredMessage | ChangeOutcome | PartFailed) : new PartFailed(outcome.error)));
      }
      if (!anyStored) throw error;
      if (refusal !== undefined) this.options.onFailure(refusal);
      return {ok: true, stored, answers: batch.map((p) => answers.get(p) as StoredMessage | ChangeOutcome | PartFailed)};
    }
  }

  private async storeTogether(batch: Pending[], changes: boolean): Promise<Outcome> {
    if (!changes) {
      const stored = await this.database.appendMessages(batch.map((p) => p.message as NewMessage));
      return {ok: true, stored, answers: stored.map(withoutReplayed)};
    }
    const answers = await this.database.writeBatch(
      batch.map((p): Submission => (p.change ? {change: p.change} : {message: p.message})),
      this.options.changeRules ?? changeRules(defaultPolicy),
    );
    return {
      ok: true,
      // Rows stored, sends and changes alike, in batch order (replays included, see answerSettled).
      stored: answers.flatMap((a) => ('stored' in a ? [a.stored] : 'seq' in a ? [a] : [])),
      answers: answers.map((a) => ('stored' in a ? {stored: withoutReplayed(a.stored)} : 'seq' in a ? withoutReplayed(a) : a)),
    };
  }

  private answerSettled(): void {
    const ready: {batch: Pending[]; result: Outcome}[] = [];
    while (this.started[0]?.result) ready.push(this.started.shift() as {batch: Pending[]; result: Outcome});
    if (ready.length === 0) return;
    const stored = ready.flatMap((r) => (r.result.ok ? r.result.stored : []));
    if (stored.length > 0 && this.failing) {
      this.failing = false;
      this.options.onRecovery();
    }
    this.inFlight -= ready.length;
    this.answering += 1;
    // Stored, then delivered, then acknowledged. Retries answered from storage are in the
    // batch too: delivery drops what it has sent and sends what it never heard of (a first
    // attempt whose commit answer was lost).
    // Their connections are written to first: the rest of a large salon may go out later, in slices.
    const requesters = ready.flatMap((r) => r.batch.map((p) => (p.message ?? p.change).username));
    void this.options.deliver(ready.length > 1 ? [...stored].sort((a, b) => a.seq - b.seq) : stored, requesters).then(() => {
      this.answering -= 1;
      for (const {batch, result} of ready) this.answer(batch, result);
      if (this.idle) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
    if (this.queue.length > 0) this.schedule();
  }

  private get idle(): boolean {
    return this.inFlight === 0 && this.answering === 0 && this.queue.length === 0;
  }

  /** Acknowledges the senders (their batch already went to delivery) or refuses them. */
  private answer(batch: Pending[], result: Outcome): void {
    if (result.ok) {
      batch.forEach((p, i) => {
        const answer = result.answers[i];
        if (answer instanceof PartFailed) p.reject(new ChatError(answer.error instanceof StoreUnavailableError ? 'STORE_UNAVAILABLE' : 'INTERNAL'));
        else (p.resolve as (answer: StoredMessage | ChangeOutcome) => void)(answer as StoredMessage | ChangeOutcome);
      });
      return;
    }
    // The transaction rolled back: nothing of this batch is stored, so every sender is
    // told and may retry with the same clientMsgId.
    if (!this.failing) {
      this.failing = true;
      this.options.onFailure(result.error);
    }
    const code = result.error instanceof StoreUnavailableError ? 'STORE_UNAVAILABLE' : 'INTERNAL';
    for (const p of batch) p.reject(new ChatError(code));
  }
}
