/**
 * One line of the message pane, styled here and handed to Ink as a finished string.
 *
 * Ink lays out every <Text> by measuring its text, and keeps each measure in a module-level
 * cache keyed by the text, never emptied (ink/build/measure-text.js). Every message line
 * ever drawn stayed in memory that way: ~100 bytes each, the slow RSS drift of a client
 * left on a busy salon (bench/README.md, the client scenario). Here Ink measures a blank
 * placeholder as wide as the line (one cache entry per width, whatever the messages) and
 * a Transform writes the styled line in its place when the frame is composed.
 *
 * It also spares a frame work: one text node per line instead of four nested <Text>
 * elements, each a fiber, a node and a style pass.
 */
import chalk from 'chalk';
import {Transform} from 'ink';
import {displayWidth} from '../client/width.js';
import {truncate} from '../client/format.js';

export interface Segment {
  readonly text: string;
  /** One of chalk's named colours, as <Text color> takes them (client/format.ts aliasPalette). */
  readonly color?: string | undefined;
  readonly bold?: boolean | undefined;
  readonly dim?: boolean | undefined;
  readonly italic?: boolean | undefined;
  readonly inverse?: boolean | undefined;
}

type Painter = (text: string) => string;

/** The same chalk as Ink's <Text>, in the same order, so that a line's escapes are the same. */
function paint(s: Segment): string {
  let out = s.text;
  if (out === '') return out;
  if (s.dim) out = chalk.dim(out);
  const color = s.color === undefined ? undefined : (chalk as unknown as Record<string, unknown>)[s.color];
  if (typeof color === 'function') out = (color as Painter)(out);
  if (s.bold) out = chalk.bold(out);
  if (s.italic) out = chalk.italic(out);
  if (s.inverse) out = chalk.inverse(out);
  return out;
}

/**
 * The segments side by side, cut at `width` columns: nothing drawn through a Transform is
 * cut by Ink, and a line wider than the terminal would wrap and shift the whole screen.
 */
export function StyledLine({segments, width}: {readonly segments: readonly Segment[]; readonly width: number}) {
  let used = 0;
  let text = '';
  let plain = '';
  for (const segment of segments) {
    const room = width - used;
    if (room <= 0) break;
    const w = displayWidth(segment.text);
    const shown = w <= room ? segment : {...segment, text: truncate(segment.text, room)};
    used += w <= room ? w : displayWidth(shown.text);
    text += paint(shown);
    plain += shown.text;
  }
  // An empty line keeps its row, as the pane counted it (client/pane.ts). Ink's screen
  // reader mode reads the label, not the placeholder.
  return (
    <Transform transform={() => text} accessibilityLabel={plain}>
      {' '.repeat(Math.max(1, used))}
    </Transform>
  );
}
