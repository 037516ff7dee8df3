/**
 * The input box's rows: at most MAX_INPUT_ROWS, showing the part of a long draft (a paste of
 * thirty lines) around the cursor, so that what is typed is always in view.
 */
import {sanitize, wrap} from './format.js';

export const MAX_INPUT_ROWS = 4;

/** Columns left for text in the input box: borders, padding and the prompt. */
export const inputTextWidth = (columns: number) => Math.max(10, columns - 6);

const rowsOf = (line: string, columns: number) => wrap(sanitize(line), inputTextWidth(columns)).length;

/** Rows the input box takes: its text's rows (up to MAX_INPUT_ROWS) and its border. */
export const inputHeight = (text: string, columns: number) =>
  Math.min(MAX_INPUT_ROWS, text.split('\n').reduce((rows, line) => rows + rowsOf(line, columns), 0)) + 2;

export interface InputWindow {
  /** The shown part of the text, as offsets into it: whole lines. */
  start: number;
  end: number;
  hiddenAbove: boolean;
  hiddenBelow: boolean;
}

/** The lines to show: the cursor's, then those before it, then those after, while they fit. */
export function inputWindow(text: string, cursor: number, columns: number): InputWindow {
  const lines = text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  let current = 0;
  while (current + 1 < lines.length && (starts[current + 1] ?? Infinity) <= cursor) current++;
  let first = current;
  let last = current;
  let rows = rowsOf(lines[current] ?? '', columns);
  while (first > 0 && rows + rowsOf(lines[first - 1] ?? '', columns) <= MAX_INPUT_ROWS) rows += rowsOf(lines[--first] ?? '', columns);
  while (last + 1 < lines.length && rows + rowsOf(lines[last + 1] ?? '', columns) <= MAX_INPUT_ROWS) rows += rowsOf(lines[++last] ?? '', columns);
  const start = starts[first] ?? 0;
  const end = (starts[last] ?? 0) + (lines[last] ?? '').length;
  return {start, end, hiddenAbove: first > 0, hiddenBelow: last < lines.length - 1};
}
