/**
 * The input field as pure state (after senpai's ui/editor.go and readline), so that the client's
 * reducer owns it and every key binding is testable without a terminal. No Ink here.
 */
import {foldName} from '../protocol/names.js';

export interface EditorState {
  readonly text: string;
  /** In UTF-16 code units, always on a grapheme boundary. */
  readonly cursor: number;
  /** Oldest first. */
  readonly history: readonly string[];
  /** Index into `history` of the entry being shown; null while editing the live text. */
  readonly historyIndex: number | null;
  /** The live text, kept aside while browsing history. */
  readonly draft: string;
}

export const emptyEditor: EditorState = Object.freeze({text: '', cursor: 0, history: Object.freeze([]), historyIndex: null, draft: ''});

export type EditorAction =
  | {type: 'insert'; text: string}
  | {type: 'backspace'}
  | {type: 'delete'}
  | {type: 'left'}
  | {type: 'right'}
  | {type: 'home'}
  | {type: 'end'}
  | {type: 'wordLeft'}
  | {type: 'wordRight'}
  | {type: 'killWordBack'}
  | {type: 'killToStart'}
  | {type: 'killToEnd'}
  | {type: 'historyUp'}
  | {type: 'historyDown'}
  | {type: 'set'; text: string}
  /** Read `state.text` before dispatching: the reducer only clears it and records it. */
  | {type: 'submit'};

const HISTORY_MAX = 200;

// Stepping by grapheme cluster keeps the cursor out of surrogate pairs, and also out of
// ZWJ emoji, flags and letters with combining accents, which a user sees as one character.
const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

function previousBoundary(text: string, cursor: number): number {
  if (cursor <= 0) return 0;
  return graphemes.segment(text).containing(cursor - 1)?.index ?? cursor - 1;
}

function nextBoundary(text: string, cursor: number): number {
  if (cursor >= text.length) return text.length;
  const segment = graphemes.segment(text).containing(cursor);
  return segment ? segment.index + segment.segment.length : cursor + 1;
}

function lineStart(text: string, cursor: number): number {
  // lastIndexOf clamps a negative start to 0 and would find a newline at index 0.
  return cursor === 0 ? 0 : text.lastIndexOf('\n', cursor - 1) + 1;
}

function lineEnd(text: string, cursor: number): number {
  const index = text.indexOf('\n', cursor);
  return index === -1 ? text.length : index;
}

const isSpace = (char: string | undefined) => char !== undefined && /\s/u.test(char);

function wordStartBefore(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && isSpace(text[i - 1])) i--;
  while (i > 0 && !isSpace(text[i - 1])) i--;
  return i;
}

function wordEndAfter(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && isSpace(text[i])) i++;
  while (i < text.length && !isSpace(text[i])) i++;
  return i;
}

// The server refuses control characters other than '\n', so a paste must not smuggle them in.
function cleanInput(text: string): string {
  return text
    .replace(/\r\n?/gu, '\n')
    .replace(/\t/gu, ' ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/gu, '');
}

function splice(state: EditorState, start: number, end: number, insert = ''): EditorState {
  return {...state, text: state.text.slice(0, start) + insert + state.text.slice(end), cursor: start + insert.length};
}

function recall(state: EditorState, historyIndex: number | null, text: string, draft: string): EditorState {
  return {...state, text, cursor: text.length, historyIndex, draft};
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const {text, cursor} = state;
  switch (action.type) {
    case 'insert':
      return splice(state, cursor, cursor, cleanInput(action.text));
    case 'backspace':
      return cursor === 0 ? state : splice(state, previousBoundary(text, cursor), cursor);
    case 'delete':
      return cursor === text.length ? state : splice(state, cursor, nextBoundary(text, cursor));
    case 'left':
      return {...state, cursor: previousBoundary(text, cursor)};
    case 'right':
      return {...state, cursor: nextBoundary(text, cursor)};
    case 'home':
      return {...state, cursor: lineStart(text, cursor)};
    case 'end':
      return {...state, cursor: lineEnd(text, cursor)};
    case 'wordLeft':
      return {...state, cursor: wordStartBefore(text, cursor)};
    case 'wordRight':
      return {...state, cursor: wordEndAfter(text, cursor)};
    case 'killWordBack':
      // readline's unix-word-rubout: the blanks between the word and the cursor go with it.
      return splice(state, wordStartBefore(text, cursor), cursor);
    case 'killToStart': {
      // At a line start the newline goes, as in Emacs, so that repeating the key keeps working.
      const start = lineStart(text, cursor);
      return splice(state, start === cursor ? Math.max(0, cursor - 1) : start, cursor);
    }
    case 'killToEnd': {
      const end = lineEnd(text, cursor);
      return splice(state, cursor, end === cursor ? Math.min(text.length, cursor + 1) : end);
    }
    case 'historyUp': {
      const {history, historyIndex} = state;
      if (history.length === 0 || historyIndex === 0) return state;
      const index = historyIndex === null ? history.length - 1 : historyIndex - 1;
      return recall(state, index, history[index] ?? '', historyIndex === null ? text : state.draft);
    }
    case 'historyDown': {
      const {history, historyIndex} = state;
      if (historyIndex === null) return state;
      if (historyIndex >= history.length - 1) return recall(state, null, state.draft, '');
      return recall(state, historyIndex + 1, history[historyIndex + 1] ?? '', state.draft);
    }
    case 'set': {
      const clean = cleanInput(action.text);
      return {...state, text: clean, cursor: clean.length};
    }
    case 'submit': {
      const blank = text.trim() === '';
      const repeated = state.history[state.history.length - 1] === text;
      const history = blank || repeated ? state.history : [...state.history, text].slice(-HISTORY_MAX);
      return {text: '', cursor: 0, history, historyIndex: null, draft: ''};
    }
  }
}

/** Where the cursor is, for drawing it: zero-based line, and column in code points within that line. */
export function cursorLineAndColumn(state: EditorState): {line: number; column: number} {
  const before = state.text.slice(0, state.cursor);
  const start = lineStart(state.text, state.cursor);
  let line = 0;
  for (const char of before) if (char === '\n') line++;
  return {line, column: [...state.text.slice(start, state.cursor)].length};
}

// ---- completion ------------------------------------------------------------------------

export interface Completion {
  readonly text: string;
  readonly cursor: number;
}

/**
 * What repeated Tab needs: the candidates found at the first Tab and which one is shown.
 * `produced` is the editor content that this completion left; a later Tab continues the cycle
 * only if the content is still exactly that, so a stale cycle after any edit starts afresh.
 */
export interface CompletionCycle {
  /** The word (or words, for aliases with spaces) as typed before the first Tab. */
  readonly prefix: string;
  /** Where the completed word starts. */
  readonly start: number;
  readonly candidates: readonly string[];
  readonly index: number;
  /** Appended to the candidate: ' ' or ': '. */
  readonly suffix: string;
  /** The text that followed the cursor at the first Tab. */
  readonly rest: string;
  readonly produced: Completion;
}

// Case- and accent-insensitive, so that "hel" finds "Hélène" on a keyboard without accents.
const fold = foldName;

function matching(prefix: string, names: readonly string[]): string[] {
  const wanted = fold(prefix);
  return [...new Set(names)].filter((name) => fold(name).startsWith(wanted));
}

function apply(state: EditorState, cycle: Omit<CompletionCycle, 'produced'>): {state: EditorState; cycle: CompletionCycle} {
  const candidate = cycle.candidates[cycle.index] ?? '';
  // Completing before an existing blank must not double it; the cursor then steps over it.
  const reuseBlank = cycle.suffix.endsWith(' ') && cycle.rest.startsWith(' ');
  const inserted = candidate + (reuseBlank ? cycle.suffix.slice(0, -1) : cycle.suffix);
  const text = state.text.slice(0, cycle.start) + inserted + cycle.rest;
  const cursor = cycle.start + inserted.length + (reuseBlank ? 1 : 0);
  return {state: {...state, text, cursor}, cycle: {...cycle, produced: {text, cursor}}};
}

/**
 * Tab completion of the word before the cursor: a word starting with '/' at the start of the
 * text completes from `commands` and adds a space; any other word completes from `aliases`
 * (case- and accent-insensitive prefix match, in the caller's order), adding ': ' when the
 * word is the first of the text, else ' '; a word starting with '@' keeps it and adds ' '. An alias with spaces also completes from several
 * typed words ("jean p" finds "Jean Pierre"). Pass the previous result's `cycle` back in on
 * the next Tab to cycle through the candidates. Undefined when nothing matches.
 */
/** True when the cursor follows a word (not a blank, not the start): Tab then completes, never moves the focus. */
export function wordBeforeCursor(state: EditorState): boolean {
  return state.cursor > 0 && !isSpace(state.text[state.cursor - 1]);
}

export function complete(
  state: EditorState,
  commands: readonly string[],
  aliases: readonly string[],
  cycle?: CompletionCycle,
): {state: EditorState; cycle: CompletionCycle} | undefined {
  if (cycle && cycle.candidates.length > 0 && cycle.produced.text === state.text && cycle.produced.cursor === state.cursor) {
    return apply(state, {...cycle, index: (cycle.index + 1) % cycle.candidates.length});
  }
  const before = state.text.slice(0, state.cursor);
  const rest = state.text.slice(state.cursor);
  const wordStart = wordStartBefore(before, before.length);
  if (wordStart === before.length || isSpace(before[before.length - 1])) return undefined;
  const isFirst = (start: number) => before.slice(0, start).trim() === '';

  if (before[wordStart] === '/' && isFirst(wordStart)) {
    const candidates = matching(before.slice(wordStart), commands);
    if (candidates.length === 0) return undefined;
    return apply(state, {prefix: before.slice(wordStart), start: wordStart, candidates, index: 0, suffix: ' ', rest});
  }

  // Longest run of typed words first, so that "jean p" prefers "Jean Pierre" to any "p…".
  const maxWords = Math.max(1, ...aliases.map((alias) => alias.trim().split(/\s+/u).length));
  const starts = [wordStart];
  const lineBegin = lineStart(before, before.length);
  while (starts.length < maxWords && (starts[0] ?? 0) > lineBegin) {
    const previous = wordStartBefore(before, starts[0] ?? 0);
    if (previous < lineBegin) break;
    starts.unshift(previous);
  }
  for (const start of starts) {
    const prefix = before.slice(start);
    // "@Exe" completes to "@Exemple": the @ is kept, the name after it is matched.
    const at = prefix.startsWith('@');
    const candidates = matching(at ? prefix.slice(1) : prefix, aliases).map((name) => (at ? `@${name}` : name));
    if (candidates.length > 0) {
      return apply(state, {prefix, start, candidates, index: 0, suffix: isFirst(start) && !at ? ': ' : ' ', rest});
    }
  }
  return undefined;
}
