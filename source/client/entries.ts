/**
 * A salon's entries (messages and system lines, sorted by key) as an immutable list whose
 * common changes cost O(1) or O(log n), never a copy of the whole list: a live message is
 * appended to an array shared with the previous state (that state only reads up to its own
 * end, so the append is invisible to it), dropping old entries moves a start index, and a
 * lookup by key is a binary search. A busy salon merges a message per event: copying the
 * list each time made every message cost as much as the salon's length.
 *
 * Only a list that ends where its shared array ends appends in place; any other (an older
 * state, a list cut at its end) copies its own range first. The shared array is compacted
 * when the entries dropped at its front outnumber those in use, so it holds at most about
 * twice the entries of the list (amortised O(1) per entry).
 */
import type {MessageInfo} from '../protocol/frames.js';
import type {Entry} from './state.js';

export class Entries implements Iterable<Entry> {
  static readonly empty = new Entries([], 0, 0);

  private constructor(
    private readonly items: Entry[],
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** Takes the array as it is (sorted by key, unique keys): the list owns it from now on. */
  static adopt(items: Entry[]): Entries {
    return items.length === 0 ? Entries.empty : new Entries(items, 0, items.length);
  }

  get length(): number {
    return this.end - this.start;
  }

  /** The entry at `index` (0 = oldest held); undefined outside. */
  at(index: number): Entry | undefined {
    return index >= 0 && index < this.length ? this.items[this.start + index] : undefined;
  }

  first(): Entry | undefined {
    return this.at(0);
  }

  last(): Entry | undefined {
    return this.at(this.length - 1);
  }

  /** Index of the first entry whose key is above `key` (length if none). */
  indexAfter(key: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.items[mid] as Entry).key <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.start;
  }

  /** Index of the entry with this key, or of the nearest older one (0 if none is older). */
  indexOfKey(key: number): number {
    return Math.max(0, this.indexAfter(key) - 1);
  }

  has(key: number): boolean {
    const i = this.indexAfter(key) - 1;
    return i >= 0 && (this.at(i) as Entry).key === key;
  }

  /** The newest message held (system lines skipped: a few at most follow it). */
  lastMessage(): MessageInfo | undefined {
    for (let i = this.end - 1; i >= this.start; i--) {
      const e = this.items[i] as Entry;
      if (e.kind === 'message') return e.message;
    }
    return undefined;
  }

  firstMessage(): MessageInfo | undefined {
    for (let i = this.start; i < this.end; i++) {
      const e = this.items[i] as Entry;
      if (e.kind === 'message') return e.message;
    }
    return undefined;
  }

  /** Adds an entry newer than every held one. */
  append(entry: Entry): Entries {
    if (this.end === this.items.length && this.start <= this.length) {
      this.items.push(entry);
      return new Entries(this.items, this.start, this.end + 1);
    }
    // Someone else appended to the shared array after this list was made, or the dropped
    // front outweighs what is held: copy this list's own range (compaction).
    const items = this.items.slice(this.start, this.end);
    items.push(entry);
    return new Entries(items, 0, items.length);
  }

  /** Adds messages once each, in key order; O(log n) per message when they are newer than all. */
  merge(messages: readonly MessageInfo[]): Entries {
    let list: Entries = this;
    const rest: Entry[] = [];
    for (const m of messages) {
      if (list.has(m.seq)) continue;
      const last = list.last();
      if (rest.length === 0 && (!last || m.seq > last.key)) list = list.append({kind: 'message', key: m.seq, message: m});
      else rest.push({kind: 'message', key: m.seq, message: m});
    }
    if (rest.length === 0) return list;
    // Older messages (a page scrolled back to, a gap filled): one sorted copy.
    const seen = new Set<number>();
    const added = rest.filter((e) => !seen.has(e.key) && (seen.add(e.key), true));
    return Entries.adopt([...list, ...added].sort((a, b) => a.key - b.key));
  }

  /** The message held with this seq, if any. */
  message(seq: number): MessageInfo | undefined {
    const i = this.indexAfter(seq) - 1;
    const e = this.at(i);
    return e?.kind === 'message' && e.key === seq ? e.message : undefined;
  }

  /**
   * With the entry of the same key replaced (a message that changed). Its own range is
   * copied, O(n) for a window of at most HELD.max entries: writing into the shared array
   * would change what older states show.
   */
  replace(entry: Entry): Entries {
    const i = this.indexAfter(entry.key) - 1;
    if (i < 0 || (this.at(i) as Entry).key !== entry.key) return this;
    const items = this.items.slice(this.start, this.end);
    items[i] = entry;
    return new Entries(items, 0, items.length);
  }

  /** Without the `count` oldest entries. */
  dropOldest(count: number): Entries {
    if (count <= 0) return this;
    if (count >= this.length) return Entries.empty;
    return new Entries(this.items, this.start + count, this.end);
  }

  /** Without the `count` newest entries (a list that no longer ends with its array: it copies on its next append). */
  dropNewest(count: number): Entries {
    if (count <= 0) return this;
    if (count >= this.length) return Entries.empty;
    return new Entries(this.items, this.start, this.end - count);
  }

  *[Symbol.iterator](): Iterator<Entry> {
    for (let i = this.start; i < this.end; i++) yield this.items[i] as Entry;
  }

  flatMap<T>(f: (entry: Entry) => T | readonly T[]): T[] {
    return [...this].flatMap(f);
  }
}
