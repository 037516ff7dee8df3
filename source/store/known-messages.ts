/**
 * The recent messages this node's writer stored or changed, as it left them: what a change
 * needs to be checked (author, time, text, deletion, reactions) without reading it. People
 * edit and react to recent messages, so on MySQL most batches with changes are planned
 * from here and written in one round trip (changes-mysql.ts) instead of reading first.
 *
 * It may be out of date: another node may have changed a message since. The write checks
 * each message's version (changed_seq, which every change sets) under the counters' locks
 * and plans the batch again from the database when one moved. What changes a message
 * without a change row (a BAN: its author's id set to NULL, the banned account's reactions
 * removed) is not seen until the message is read again; the banned account cannot send,
 * and at worst its reactions still count toward the distinct-reactions limit meanwhile.
 */
import type {Reaction, Target} from './changes.js';
import {targetKey} from './changes.js';
import type {StoredMessage} from './types.js';

interface Known {
  target: Target;
  reactions: Reaction[];
}

export class KnownMessages {
  private readonly entries = new Map<string, Known>();

  constructor(private readonly limit = 1024) {}

  get(salonId: number, seq: number): Known | undefined {
    return this.entries.get(targetKey(salonId, seq));
  }

  remember(target: Target, reactions: Reaction[]): void {
    const key = targetKey(target.salonId, target.seq);
    // Most recently written last: Map keeps insertion order, the oldest goes first.
    this.entries.delete(key);
    this.entries.set(key, {target, reactions});
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
  }

  forget(targets: readonly Target[]): void {
    for (const t of targets) this.entries.delete(targetKey(t.salonId, t.seq));
  }

  /** Messages just stored: as sent, unchanged, without reactions (replays are not: they may have changed since). */
  rememberSent(messages: readonly StoredMessage[]): void {
    for (const m of messages) {
      if (m.replayed || m.kind !== 'message') continue;
      this.remember({id: m.id, salonId: m.salonId, seq: m.seq, kind: 'message', clientId: m.clientId, text: m.text, ts: m.ts, deletedAt: null, changedSeq: 0}, []);
    }
  }
}
