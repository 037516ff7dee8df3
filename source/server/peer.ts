/** What the hub needs of a connection: a way to send bytes and to end it. */
import type {Event} from '../protocol/frames.js';

export interface Peer {
  readonly id: number;
  /** Sends bytes already encoded; never blocks (see Connection.write). */
  write(bytes: Buffer): void;
  /** Sends a last event, then closes. Idempotent. */
  close(last?: Event): void;
}
