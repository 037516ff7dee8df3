/** Shared fixtures for the UI tests: states, messages, rendering with a theme, frame checks. */
import './setup.js';
import type {ReactElement} from 'react';
import {render} from 'ink-testing-library';
import {Controller} from '../../source/client/controller.js';
import {type Action, reducer} from '../../source/client/reducer.js';
import {type AppState, currentSalon, initialState} from '../../source/client/state.js';
import {viewport} from '../../source/client/pane.js';
import {displayWidth} from '../../source/client/format.js';
import {clientTranslator} from '../../source/i18n/client.js';
import type {Lang} from '../../source/i18n/index.js';
import type {MessageInfo, SalonInfo, UserInfo} from '../../source/protocol/frames.js';
import {App} from '../../source/ui/App.js';
import {ThemeContext} from '../../source/ui/theme.js';

export {render};

/** Monday 5 January 2026, 09:30 UTC. */
export const T0 = Date.UTC(2026, 0, 5, 9, 30);
export const NOW = Date.UTC(2026, 0, 5, 12, 0);
export const SERVER = 'chat.example:5000';

export const alice: UserInfo = {id: 1, username: 'alice', alias: 'Alice', role: 'user'};
export const mod: UserInfo = {id: 2, username: 'marc', alias: 'Marc', role: 'moderator'};

/** The five salons: member of Général and Blabla, waiting for Comptabilité, none of the other two. */
export function salonInfos(overrides: Partial<Record<number, Partial<SalonInfo>>> = {}): SalonInfo[] {
  const base: SalonInfo[] = [
    {id: 1, name: 'Général', moderated: false, state: 'member', lastSeq: 0, readSeq: 0},
    {id: 2, name: 'Blabla', moderated: false, state: 'member', lastSeq: 0, readSeq: 0},
    {id: 3, name: 'Comptabilité', moderated: true, state: 'pending', lastSeq: 0, readSeq: 0},
    {id: 4, name: 'Informatique', moderated: true, state: 'none', lastSeq: 0, readSeq: 0},
    {id: 5, name: 'Marketing', moderated: true, state: 'none', lastSeq: 0, readSeq: 0},
  ];
  return base.map((s) => ({...s, ...overrides[s.id]}));
}

export function msg(salon: number, seq: number, author: string | null, text: string, ts: number, alias?: string | null): MessageInfo {
  return {id: salon * 1000 + seq, salon, seq, author, alias: alias === undefined ? (author === null ? null : author[0]!.toUpperCase() + author.slice(1)) : alias, text, ts};
}

export const apply = (state: AppState, ...actions: Action[]): AppState => actions.reduce(reducer, state);

export interface MainOptions {
  user?: UserInfo;
  salons?: SalonInfo[];
  lang?: Lang;
  columns?: number;
  rows?: number;
}

/** A signed-in state on the main screen, current salon Général (id 1). */
export function mainState({user = alice, salons = salonInfos(), lang = 'en', columns = 100, rows = 24}: MainOptions = {}): AppState {
  return apply(initialState(lang, SERVER, '', columns, rows), {type: 'link', link: 'online'}, {type: 'loggedIn', user, salons});
}

/** Scrolls the current salon by lines (positive: back in time), as PgUp / PgDn do, within its viewport. */
export const scrolledBy = (state: AppState, lines: number): AppState => {
  const salon = currentSalon(state);
  return salon ? apply(state, {type: 'scroll', lines, now: NOW, viewport: viewport(state, salon)}) : state;
};

/** Loads a page of messages into a salon, as the 'latest' history answer would. */
export const withPage = (state: AppState, salonId: number, messages: MessageInfo[]): AppState =>
  apply(state, {type: 'page', salonId, messages, mode: 'latest', hasMore: false});

export function themed(node: ReactElement, {color = true, lang = 'en'}: {color?: boolean; lang?: Lang} = {}): ReactElement {
  return <ThemeContext.Provider value={{color, t: clientTranslator(lang)}}>{node}</ThemeContext.Provider>;
}

export const delay = (ms = 50) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
export const stripAnsi = (text: string) => text.replace(ANSI, '');
/** The frame as plain text. */
export const plain = (frame: string | undefined) => stripAnsi(frame ?? '');
/** Lines of the plain frame. */
export const lines = (frame: string | undefined) => plain(frame).split('\n');
export const widest = (frame: string | undefined) => Math.max(0, ...lines(frame).map(displayWidth));
/** SGR colour codes: foreground 30-37/90-97, background 40-47/100-107, 256/truecolour. */
export const colourCodes = (frame: string | undefined) =>
  [...(frame ?? '').matchAll(/\u001b\[([0-9;]*)m/g)].flatMap((m) => (m[1] ?? '').split(';')).filter((code) => /^(3[0-8]|9[0-7]|4[0-8]|10[0-7])$/.test(code));

/** A controller that is never started: no socket, driven with dispatch. */
export function controller(lang: Lang = 'en'): Controller {
  return new Controller({host: 'chat.example', port: 5000, lang});
}

/** Renders App with a controller; `columns` fakes the terminal's width (Ink and the App both read it). */
export function renderApp(ctl: Controller, {color = true, columns, now = () => NOW}: {color?: boolean; columns?: number; now?: () => number} = {}) {
  const instance = render(<App controller={ctl} color={color} now={now} />);
  if (columns !== undefined) {
    Object.defineProperty(instance.stdout, 'columns', {get: () => columns, configurable: true});
    instance.stdout.emit('resize');
  }
  return instance;
}

/** True when `text` is drawn in inverse video (the highlight used without colours too). */
export function isInverse(frame: string | undefined, text: string): boolean {
  const raw = frame ?? '';
  const at = raw.indexOf(text);
  if (at < 0) return false;
  const before = raw.slice(raw.lastIndexOf('\n', at) + 1, at);
  return before.lastIndexOf('\u001b[7m') > before.lastIndexOf('\u001b[27m');
}

/** The line of the plain frame that contains `text` (undefined when none does). */
export const lineWith = (frame: string | undefined, text: string | RegExp) =>
  lines(frame).find((line) => (typeof text === 'string' ? line.includes(text) : text.test(line)));

/**
 * Writes keys one at a time, as a person types. Ink handles input asynchronously (a lone Esc
 * waits for a possible sequence; under load that can take 100 ms), so after each key this
 * waits for the next frame, or at most `wait` ms for a key that changes nothing on screen.
 */
export async function press(instance: {stdin: {write(data: string): void}; frames: string[]}, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    const before = instance.frames.length;
    instance.stdin.write(key);
    await until(() => instance.frames.length > before, 500);
    await delay(10);
  }
  await delay(10);
}

/** Polls until `check` holds or `ms` have passed; tells which. */
export async function until(check: () => boolean, ms = 1000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await delay(5);
  }
  return true;
}

export const KEY = {
  enter: '\r',
  tab: '\t',
  escape: '\u001b',
  up: '\u001b[A',
  down: '\u001b[B',
  backspace: '\u007f',
  ctrl: (letter: string) => String.fromCharCode(letter.toLowerCase().charCodeAt(0) - 96),
  alt: (key: string) => `\u001b${key}`,
} as const;

/** The catalogs, for texts other engineers are still rewording (legends, hints). */
export const en = clientTranslator('en');
export const fr = clientTranslator('fr');
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
