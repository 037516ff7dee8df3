/**
 * Asks the terminal how wide it draws emoji sequences (see client/width.ts): each spelling
 * is written at the top-left corner and followed by a cursor position request (DSR 6); the
 * column of the answer is the width. Every VT100 descendant answers; one that does not, or
 * not in time, leaves the spellings as string-width measures them.
 */
import {type TerminalProfile, asStringWidth, chooseProfile, clusterKinds} from '../client/width.js';

export interface ProbeTerminal {
  stdin: NodeJS.ReadableStream & {isTTY?: boolean; setRawMode?: (raw: boolean) => unknown};
  stdout: NodeJS.WritableStream & {isTTY?: boolean};
}

const REPORT = /\u001b\[(\d+);(\d+)R/gu;

/** Reads the terminal's widths; call on the alternate screen, before Ink reads stdin. */
export async function probeTerminal({stdin, stdout}: ProbeTerminal, timeoutMs = 1000): Promise<TerminalProfile> {
  if (!stdin.isTTY || !stdout.isTTY || !stdin.setRawMode) return asStringWidth;
  const spellings = [...new Set(clusterKinds.flatMap((kind) => kind.spellings.map((spell) => spell(kind.sample))))];
  const widths: number[] = [];
  let received = '';
  stdin.setRawMode(true);
  // Read as Ink reads ('readable', never 'data' and pause()): a paused TTY stream does not
  // wake up again for Ink's listener, and the keyboard would go dead.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function onReadable() {
      for (let chunk = stdin.read(); chunk !== null; chunk = stdin.read()) received += String(chunk);
      widths.length = 0;
      for (const match of received.matchAll(REPORT)) widths.push(Number(match[2]) - 1);
      if (widths.length >= spellings.length) done();
    }
    function done() {
      clearTimeout(timer);
      stdin.off('readable', onReadable);
      resolve();
    }
    stdin.on('readable', onReadable);
    stdout.write(spellings.map((s) => `\u001b[1;1H${s}\u001b[6n`).join('') + '\u001b[1;1H\u001b[2K');
  });
  // Keys typed meanwhile are not ours: they go back for Ink to read.
  const typed = received.replace(REPORT, '');
  if (typed) stdin.unshift(Buffer.from(typed));
  stdin.setRawMode(false);
  const measured = new Map(spellings.map((s, i) => [s, widths[i]]));
  return chooseProfile((_kind, spelling) => measured.get(spelling));
}
