/**
 * Keys to commands, in one table per mode: a question waiting for y/n takes the keyboard
 * first, then the command prompt, then the panels. Pure, so the bindings are tested without
 * a terminal and the help line is read from the same place.
 */
import type {Key} from 'ink';
import {PANELS, type DashboardState, type PanelId} from './state.js';

export type Command =
  | {do: 'focus'; panel: PanelId}
  | {do: 'cycle'; by: 1 | -1}
  | {do: 'move'; by: number}
  | {do: 'accept'}
  | {do: 'reject'}
  | {do: 'disconnect'}
  | {do: 'unblock'}
  | {do: 'openPrompt'}
  | {do: 'type'; text: string}
  | {do: 'erase'}
  | {do: 'submit'}
  | {do: 'cancel'}
  | {do: 'history'; by: 1 | -1}
  | {do: 'yes'}
  | {do: 'stop'};

/** Keys each panel acts on besides moving, as the status line names them (dashboard-*.ts). */
export const PANEL_KEYS: Record<PanelId, readonly string[]> = {
  sessions: ['d'],
  pending: ['a', 'r'],
  blocks: ['u'],
  audit: [],
  activity: [],
  console: [],
};

export function command(input: string, key: Partial<Key>, state: Pick<DashboardState, 'confirm' | 'prompt' | 'focus' | 'rows'>): Command | null {
  if (key.ctrl && input === 'c') return state.confirm?.kind === 'stop' ? {do: 'yes'} : {do: 'stop'};
  if (state.confirm) {
    if (input === 'y' || input === 'Y' || input === 'o' || input === 'O') return {do: 'yes'};
    return key.escape || input === 'n' || input === 'N' || key.return ? {do: 'cancel'} : null;
  }
  if (state.prompt !== null) {
    if (key.escape) return {do: 'cancel'};
    if (key.return) return {do: 'submit'};
    if (key.backspace || key.delete) return {do: 'erase'};
    if (key.upArrow) return {do: 'history', by: -1};
    if (key.downArrow) return {do: 'history', by: 1};
    // Control characters never reach the line; a paste arrives as one input with its text.
    const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
    return text && !key.ctrl && !key.meta ? {do: 'type', text} : null;
  }
  const page = Math.max(1, state.rows - 8);
  if (key.tab) return {do: 'cycle', by: key.shift ? -1 : 1};
  if (key.rightArrow) return {do: 'cycle', by: 1};
  if (key.leftArrow) return {do: 'cycle', by: -1};
  if (key.upArrow || input === 'k') return {do: 'move', by: -1};
  if (key.downArrow || input === 'j') return {do: 'move', by: 1};
  if (key.pageUp) return {do: 'move', by: -page};
  if (key.pageDown) return {do: 'move', by: page};
  if (key.home) return {do: 'move', by: -Infinity};
  if (key.end) return {do: 'move', by: Infinity};
  if (input === ':') return {do: 'openPrompt'};
  if (/^[1-6]$/.test(input)) return {do: 'focus', panel: PANELS[Number(input) - 1] as PanelId};
  if (!PANEL_KEYS[state.focus].includes(input)) return null;
  switch (input) {
    case 'a':
      return {do: 'accept'};
    case 'r':
      return {do: 'reject'};
    case 'd':
      return {do: 'disconnect'};
    case 'u':
      return {do: 'unblock'};
  }
  return null;
}
