/**
 * What Ink's useInput hands over, put back into what the user did: keys pressed one by one,
 * a burst of typed keys, or a paste. No Ink imported: tested without a terminal.
 */

export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/** Keys that edit the input: wherever the focus is, they go there (with the focus), as typing does. */
export const editsInput = (input: string, key: KeyPress) =>
  Boolean(key.backspace || key.delete || key.leftArrow || key.rightArrow) || (key.ctrl === true && /^[aeuwd]$/u.test(input)) || (key.meta === true && /^[bf]$/u.test(input));

/** Bracketed paste (ESC[200~ … ESC[201~), as Ink hands the markers over: without their ESC. */
export const PASTE_START = '[200~';
export const PASTE_END = '[201~';

/**
 * Several lines in one read, from a terminal that does not bracket pastes: a person types
 * one key at a time, and Enter is not followed by more text in the same read.
 */
export const looksPasted = (input: string, key: KeyPress) =>
  !key.ctrl && !key.meta && /[^\r\n][\r\n]+[^\r\n]/u.test(input) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u.test(input);

/** Typed text: what remains once control keys are ruled out. */
export const printable = (input: string, key: KeyPress) => !key.ctrl && !key.meta && input.length > 0 && !/[\u0000-\u001f\u007f]/u.test(input);

/**
 * A bracketed paste as Ink delivers it: the start marker, the text in pieces (a read at a
 * time, with Enter and Tab as keys of their own), the end marker.
 */
export class PasteCollector {
  /** The text so far; null when not in a paste. */
  private text: string | null = null;

  /** True when this key belongs to a paste (starts, continues or ends one). */
  takes(input: string, key: KeyPress): boolean {
    return this.text !== null || (input === PASTE_START && !key.ctrl && !key.meta);
  }

  /** Adds a key taken by `takes`; returns the whole text at the end marker. */
  add(input: string, key: KeyPress): string | undefined {
    if (input === PASTE_START) {
      this.text = '';
      return undefined;
    }
    if (input === PASTE_END) {
      const text = this.text ?? '';
      this.text = null;
      return text;
    }
    // Escape sequences inside pasted text are not keys the user pressed.
    if (!key.ctrl && !key.meta) this.text += key.tab ? '\t' : key.return ? '\n' : input;
    return undefined;
  }
}

/**
 * Ink hands over a burst of keys that contains no escape byte as one string ("bob\tpass\r"
 * when keys come faster than the terminal is read). Such a burst is split back into the
 * keys a person pressed; undefined when the input is a single key already.
 */
export function splitBurst(input: string, key: KeyPress): [string, KeyPress][] | undefined {
  if (input.length < 2 || key.ctrl || key.meta || !/[\u0000-\u001f\u007f]/u.test(input)) return undefined;
  const keys: [string, KeyPress][] = [];
  for (const part of input.match(/[\u0000-\u001f\u007f]|[^\u0000-\u001f\u007f]+/gu) ?? []) {
    if (part === '\t') keys.push(['', {tab: true}]);
    else if (part === '\r') keys.push(['', {return: true}]);
    else if (part === '\n') keys.push(['\n', {}]);
    else if (part === '\u007f' || part === '\b') keys.push(['', {delete: true}]);
    else if (part.length === 1 && part < ' ') keys.push([String.fromCharCode(part.charCodeAt(0) + 96), {ctrl: true}]);
    else keys.push([part, {}]);
  }
  return keys;
}
