/**
 * The line codec: one JSON object per line, UTF-8, `\n` terminated (a `\r` before it is
 * tolerated for people typing into netcat). Pure: no sockets, no timers.
 */
const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8', {fatal: true});

export type FrameFault = 'FRAME_TOO_LARGE' | 'BAD_FRAME';

export interface LineSink {
  line(text: string): void;
  fault(code: FrameFault): void;
  /** An oversized line went on past `maxSkipBytes` without a newline: give up on the peer. */
  runaway?(): void;
}

/**
 * Splits a byte stream into lines no longer than `maxBytes`. A longer line is reported once
 * and skipped up to its newline, so one bad frame never desynchronises the stream and the
 * decoder never holds more than `maxBytes` of a line in memory; past `maxSkipBytes` of
 * skipping the sink hears that the peer is sending one endless line.
 */
export class LineDecoder {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;
  private skipped = 0;

  constructor(private readonly maxBytes: number, private readonly sink: LineSink, private readonly maxSkipBytes = Infinity) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      this.finishLine(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  /** Bytes of an unfinished line held in memory (for tests and metrics). */
  get pendingBytes(): number {
    return this.size;
  }

  /** True while a line has begun and its newline has not come (held or being skipped). */
  get midLine(): boolean {
    return this.size > 0 || this.skipping;
  }

  private keep(piece: Buffer): void {
    if (this.skipping) {
      this.skipped += piece.length;
      if (this.skipped > this.maxSkipBytes) this.sink.runaway?.();
      return;
    }
    if (this.size + piece.length > this.maxBytes) {
      this.skipped = this.size + piece.length;
      this.reset();
      this.skipping = true;
      this.sink.fault('FRAME_TOO_LARGE');
      return;
    }
    // Copy: the socket may reuse the chunk's memory once we return.
    this.parts.push(Buffer.from(piece));
    this.size += piece.length;
  }

  private finishLine(piece: Buffer): void {
    if (this.skipping) {
      this.skipping = false;
      this.skipped = 0;
      return;
    }
    if (this.size + piece.length > this.maxBytes) {
      this.reset();
      this.sink.fault('FRAME_TOO_LARGE');
      return;
    }
    const bytes = this.size === 0 ? piece : Buffer.concat([...this.parts, piece]);
    this.reset();
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    if (end === 0) return; // blank lines are keep-alives from people typing
    let text: string;
    try {
      text = utf8.decode(bytes.subarray(0, end));
    } catch {
      this.sink.fault('BAD_FRAME');
      return;
    }
    this.sink.line(text);
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
  }
}

/** Encodes one frame. Callers that send the same frame to many peers encode it once. */
export function encodeFrame(frame: unknown): Buffer {
  return Buffer.from(JSON.stringify(frame) + '\n', 'utf8');
}
