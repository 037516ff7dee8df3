/**
 * The windows that can hold more than the screen (help, the salon switcher; search results
 * in search-view.ts) as lines, and how they scroll. Shared by the key router, which moves the offset, and the
 * Ink view, which draws the rows, so both agree on what fits. No Ink here.
 */
import {clientTranslator} from '../i18n/client.js';
import {slashCommands} from './commands.js';
import {wrap} from './format.js';
import {layout} from './pane.js';
import type {AppState, Modal} from './state.js';

/** Columns of a window: the message pane's box, its border and padding. */
export const windowWidth = (state: AppState) => layout(state).paneWidth + 2;
const textWidth = (state: AppState) => Math.max(10, windowWidth(state) - 4);

export const titleRows = (state: AppState, title: string) => wrap(title, textWidth(state)).length;

/** Rows for a window's body under its title: the pane's rows and borders, less the window's. */
export const bodyRows = (state: AppState, title: string) => Math.max(2, layout(state).paneHeight - titleRows(state, title));

export function windowTitle(state: AppState, _modal: Modal & {kind: 'help'}): string {
  return clientTranslator(state.lang)('help.title');
}

/** The help: the commands this user may run, a blank line, then the keys, wrapped to the window. */
export function helpLines(state: AppState): string[] {
  const t = clientTranslator(state.lang);
  const commands = slashCommands.filter((cmd) => !cmd.moderator || state.user?.role === 'moderator').map((cmd) => t(cmd.help));
  const keys = t('help.keys').split('\n').flatMap((line) => wrap(line, textWidth(state)));
  return [...commands.flatMap((line) => wrap(line, textWidth(state))), '', ...keys];
}

export interface Scrolled<T> {
  shown: T[];
  /** Where the window stands, when it does not show everything: 1-based lines and the total. */
  position: {first: number; last: number; total: number} | null;
}

/** The lines of a window scrolled to `offset`; one row is kept to say where it stands when they do not all fit. */
export function scrolled<T>(lines: readonly T[], rows: number, offset: number): Scrolled<T> {
  if (lines.length <= rows) return {shown: [...lines], position: null};
  const page = Math.max(1, rows - 1);
  const first = Math.max(0, Math.min(offset, lines.length - page));
  return {shown: lines.slice(first, first + page), position: {first: first + 1, last: Math.min(lines.length, first + page), total: lines.length}};
}

/** The largest useful offset of the open window (0 when it fits), for the key router. */
export function maxOffset(state: AppState): number {
  const modal = state.modal;
  if (modal?.kind !== 'help') return 0;
  const count = helpLines(state).length;
  const rows = bodyRows(state, windowTitle(state, modal));
  return count <= rows ? 0 : count - Math.max(1, rows - 1);
}

/** The first visible row of a list of `count` that keeps `index` in view within `rows`. */
export const windowAround = (index: number, count: number, rows: number) => Math.max(0, Math.min(index - rows + 1, count - rows));
