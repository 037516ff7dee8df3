/**
 * How much of a conversation the client keeps in memory: a window of entries around what
 * the pane shows, whatever the session's length. Past HELD.max entries a salon is cut back
 * to HELD.keep: the oldest go when the pane is at the newest line (or the salon is not on
 * screen); when the user has scrolled back, the window is re-centred on the anchor and the
 * newest go too (hasNewer). What was dropped is fetched again from the server's history
 * when the user scrolls to it. Unread counts, mentions and read markers are counters kept
 * beside the entries (lastSeq, readSeq, mentions), so dropping entries never changes them.
 *
 * The margin between keep and max makes the cut rare (once per 200 messages in a busy
 * salon) and the cut itself O(1) (entries.ts moves an index).
 */
import type {SalonView} from './state.js';

export const HELD = {max: 600, keep: 400} as const;

export function trimToWindow(salon: SalonView): SalonView {
  const {entries} = salon;
  if (entries.length <= HELD.max) return salon;
  if (salon.anchor === null) {
    return {...salon, entries: entries.dropOldest(entries.length - HELD.keep), hasOlder: true};
  }
  // Scrolled back: keep as much above the anchor as below it.
  const at = entries.indexOfKey(salon.anchor.key);
  const hi = Math.min(entries.length, Math.max(0, at - HELD.keep / 2) + HELD.keep);
  const lo = Math.max(0, hi - HELD.keep);
  const dropNewest = entries.length - hi;
  return {
    ...salon,
    entries: entries.dropNewest(dropNewest).dropOldest(lo),
    hasOlder: salon.hasOlder || lo > 0,
    hasNewer: salon.hasNewer || dropNewest > 0,
  };
}
