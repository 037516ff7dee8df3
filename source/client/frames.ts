/**
 * When the screen is redrawn for what the network brings. A frame costs the same whatever
 * changed: Ink lays out and re-encodes the whole screen, cell by cell (8-25 ms of CPU at
 * 80x24 on the bench machine). So changes are gathered: the first after a quiet spell is
 * drawn at once, the next ones wait for FRAME_MS after the last frame. A flow that keeps
 * frames waiting for a second (faster than 4 changes a second) is drawn every
 * STEADY_FRAME_MS instead: text scrolling by at 10 or 100 messages a second cannot be read
 * line by line anyway, and two frames a second halve the client's CPU (bench/README.md, the
 * client scenario). Keys never wait (the controller's drawSoon).
 */
export const FRAME_MS = 250;
export const STEADY_FRAME_MS = 500;
/** Frames in a row that waited for their time before the pace slows: a second of flow. */
export const STEADY_AFTER = 4;

export class FramePacer {
  private last = Number.NEGATIVE_INFINITY;
  private waitedInARow = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Milliseconds until the frame for a change arriving now (0: draw on the next turn). */
  delay(): number {
    const interval = this.waitedInARow >= STEADY_AFTER ? STEADY_FRAME_MS : FRAME_MS;
    return Math.max(0, this.last + interval - this.now());
  }

  /** A frame is drawn; `waited`: its change had to wait for the frame's time. */
  drawn(waited: boolean): void {
    this.last = this.now();
    this.waitedInARow = waited ? this.waitedInARow + 1 : 0;
  }

  /** A key was handled: its frame is due at once, and the pace starts over. */
  hurry(): void {
    this.last = Number.NEGATIVE_INFINITY;
  }
}
