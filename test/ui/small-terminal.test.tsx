/**
 * An 80x24 terminal, in English and French: windows that do not fit scroll, and the status
 * bar keeps who and where the user is. The whole App, driven by keys.
 */
import {KEY, NOW, T0, controller, lines, mod, plain, press, renderApp, salonInfos, until} from './helpers.js';
import test from 'ava';
import type {Controller} from '../../source/client/controller.js';
import type {Lang} from '../../source/i18n/index.js';
import type {UserInfo} from '../../source/protocol/frames.js';
import {helpLines} from '../../source/client/windows.js';

const jb: UserInfo = {id: 3, username: 'jbd', alias: 'Jean-Baptiste Delacroix', role: 'moderator'};

function app(t: {teardown(fn: () => void): void}, {lang = 'en', user = mod, salons = salonInfos()}: {lang?: Lang; user?: UserInfo; salons?: ReturnType<typeof salonInfos>} = {}) {
  const ctl: Controller = controller(lang);
  ctl.dispatch({type: 'resize', columns: 80, rows: 24});
  ctl.dispatch({type: 'link', link: 'online'});
  ctl.dispatch({type: 'loggedIn', user, salons});
  ctl.dispatch({type: 'page', salonId: 1, messages: [], mode: 'latest', hasMore: false});
  const instance = renderApp(ctl, {columns: 80});
  // ink-testing-library's terminal has no rows: the App's resize handler would say 24 anyway.
  ctl.dispatch({type: 'resize', columns: 80, rows: 24});
  t.teardown(() => instance.unmount());
  return {ctl, instance, frame: () => plain(instance.lastFrame())};
}

/** The text inside the window's double border, one string per row. */
const inside = (frame: string) => lines(frame).flatMap((line) => /║(.*)║/.exec(line)?.[1]?.trim() ?? []);

for (const lang of ['en', 'fr'] as const) {
  test(`80x24 (${lang}): /help does not fit, says where it stands, and scrolls to its last line`, async (t) => {
    const {ctl, instance, frame} = app(t, {lang});
    await press(instance, '/help', KEY.enter);
    const expected = helpLines(ctl.getState()).filter((line) => line !== '');
    const position = lang === 'en' ? /lines (\d+)–(\d+) of (\d+)/ : /lignes (\d+) à (\d+) sur (\d+)/;
    t.regex(frame(), position, 'the window says there is more');
    t.true(lines(frame()).length <= 24 && lines(frame()).every((line) => line.length <= 80));
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      for (const row of inside(frame())) seen.add(row);
      const [, , last, total] = position.exec(frame()) ?? [];
      if (last === total) break;
      await press(instance, '\u001b[6~');
    }
    const missing = expected.filter((line) => !seen.has(line));
    t.deepEqual(missing, [], 'every line of the help was on screen at some point');
    await press(instance, '\u001b[H');
    t.regex(frame(), lang === 'en' ? /lines 1–/ : /lignes 1 à/, 'Home goes back to the top');
  });
}

test('80x24: the salon switcher keeps the chosen salon in view', async (t) => {
  const many = Array.from({length: 30}, (_, i) => ({id: i + 1, name: `Salon ${String(i + 1).padStart(2, '0')}`, moderated: false, state: 'member' as const, lastSeq: 0, readSeq: 0}));
  const {instance, frame} = app(t, {salons: many});
  await press(instance, KEY.ctrl('k'));
  for (let i = 0; i < 25; i++) await press(instance, KEY.down);
  t.true(inside(frame()).includes('Salon 26'), frame());
});

test('80x24: thirty salons: the list shows a window around the current one, without the legend', async (t) => {
  const many = Array.from({length: 30}, (_, i) => ({id: i + 1, name: `Salon ${String(i + 1).padStart(2, '0')}`, moderated: false, state: 'member' as const, lastSeq: 0, readSeq: 0}));
  const {ctl, instance, frame} = app(t, {salons: many});
  const list = () => lines(frame()).map((line) => /^│(.*?)│/.exec(line)?.[1]?.trim() ?? '');
  t.deepEqual(list().filter((row) => /^\d+ Salon/.test(row)).map((row) => Number(row.split(' ')[0])), Array.from({length: 15}, (_, i) => i + 1));
  t.true(list().includes('↓ 15'));
  t.false(frame().includes('moderated: ask'), 'the legend gives way');
  ctl.openIndex(27);
  // Drawn with the next frame (client/frames.ts), which a loaded machine can delay.
  await until(() => list().includes('28 Salon 28'), 3000);
  t.true(list().includes('28 Salon 28'), frame());
  t.true(list().some((row) => /^↑ \d+$/.test(row)));
});

test('80x24: a moderator with a long alias keeps it whole, and the request count, next to a long event', async (t) => {
  const {ctl, instance, frame} = app(t, {user: jb});
  ctl.dispatch({type: 'event', event: {event: 'join_request', username: 'zoe', alias: 'Zoé', salon: 3, salonName: 'Comptabilité', ts: T0}, now: NOW});
  ctl.dispatch({type: 'flash', notice: {key: 'system.rejected', params: {salon: 'Comptabilité'}}});
  await until(() => /Your request to/.test(lines(frame()).at(-1) ?? ''), 3000);
  const status = lines(frame()).at(-1) ?? '';
  t.regex(status, /^● connected Jean-Baptiste Delacroix {2}1 join request\(s\): Alt\+P /);
  t.regex(status, /Your request to/, 'the latest event gets the rest');
  t.true(status.length <= 80);
});

for (const [lang, first, english] of [
  ['fr', '/help : aide · Tab : zone suivante', /focus|next pane/],
  ['en', '/help: help · Tab: next pane', /aide/],
] as const) {
  test(`80x24 (${lang}): the status bar's hints are in the interface's language, whole hints only`, async (t) => {
    const {frame} = app(t, {lang, user: {...mod, alias: 'Exemple'}});
    const status = lines(frame()).at(-1) ?? '';
    t.true(status.includes(first), status);
    t.notRegex(status, english);
    t.notRegex(status, /…$/, 'no hint is cut in the middle');
    t.true(status.includes('Exemple'));
  });
}

test('80x24: a salon of forty members: the list shows who fits, online first, and how many more', async (t) => {
  const {ctl, instance, frame} = app(t);
  const members = Array.from({length: 40}, (_, i) => ({username: `u${i}`, alias: `Member ${String(i).padStart(2, '0')}`, online: i % 4 === 0}));
  ctl.dispatch({type: 'toggleMembers'});
  ctl.dispatch({type: 'members', salonId: 1, members});
  await until(() => /[●○] Member/.test(frame()), 3000);
  const column = lines(frame()).map((line) => /│([^│]*)│$/.exec(line)?.[1]?.trim() ?? '');
  const shown = column.filter((row) => /^[●○] Member/.test(row));
  t.is(shown.length, 16);
  t.true(shown.slice(0, 10).every((row) => row.startsWith('●')), 'the ten online members first');
  t.true(column.includes('… and 24 more'), frame());
});
