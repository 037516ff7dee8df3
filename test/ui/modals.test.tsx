/** The windows over the message pane: join, switcher, join requests, help, search. */
import {NOW, T0, apply, isInverse, lines, mainState, mod, msg, plain, render, salonInfos, themed, type MainOptions} from './helpers.js';
import test from 'ava';
import type {AppState, Modal} from '../../source/client/state.js';
import {MainScreen} from '../../source/ui/MainScreen.js';

function show(t: {teardown(fn: () => void): void}, state: AppState, color = true) {
  const instance = render(themed(<MainScreen state={state} now={NOW} />, {color, lang: state.lang}));
  t.teardown(() => instance.unmount());
  return instance.lastFrame() ?? '';
}

const withModal = (modal: Modal, options: MainOptions = {}) => apply(mainState(options), {type: 'modal', modal});
/** The text inside the modal's double border, one string per row. */
const inside = (frame: string) => lines(frame).flatMap((line) => /║(.*)║/.exec(line)?.[1]?.trim() ?? []);
const request = (n: number, salon = 3, salonName = 'Comptabilité') => ({username: `user${n}`, alias: `User ${n}`, salon, salonName, ts: T0});
const COMMANDS = [
  '/join SALON: open a salon, or ask to join it',
  '/search TEXT: search the current salon',
  '/members: show or hide the member list',
  '/logout: sign out',
  '/quit: leave the chat',
  '/help: this help',
];
const MOD_COMMANDS = ['/kick USER: disconnect a user for 5 minutes (moderators)', '/ban USER: ban a user and delete the account (moderators)'];

// ---- join --------------------------------------------------------------------------------

test('join: the question, in place of the messages', (t) => {
  const frame = plain(show(t, withModal({kind: 'join', salonId: 2}, {salons: salonInfos({2: {state: 'none'}})})));
  t.deepEqual(inside(frame), ['Join salon Blabla? (y/n)']);
  t.notRegex(frame, /moderator must accept/);
});

test('join: a moderated salon warns that a moderator must accept', (t) => {
  const frame = plain(show(t, withModal({kind: 'join', salonId: 3}, {salons: salonInfos({3: {state: 'none'}})})));
  t.deepEqual(inside(frame), ['Join salon Comptabilité? (y/n)', 'A moderator must accept the request.']);
});

test('join: in French', (t) => {
  const frame = plain(show(t, withModal({kind: 'join', salonId: 3}, {lang: 'fr', salons: salonInfos({3: {state: 'none'}})})));
  t.deepEqual(inside(frame), ['Rejoindre le salon Comptabilité ? (o/n)', 'Un modérateur doit accepter la demande.']);
});

// ---- switcher ----------------------------------------------------------------------------

test('switcher: every salon before typing, the first highlighted', (t) => {
  const frame = show(t, withModal({kind: 'switcher', query: '', index: 0}));
  t.deepEqual(inside(plain(frame)), ['Go to salon: type to filter · Enter opens · Esc closes', '›', 'Général', 'Blabla', 'Comptabilité', 'Informatique', 'Marketing']);
  t.true(isInverse(frame, '  Général'));
  t.false(isInverse(frame, '  Blabla'));
});

test('switcher: typing filters, prefixes first, accents ignored', (t) => {
  t.deepEqual(inside(plain(show(t, withModal({kind: 'switcher', query: 'in', index: 0})))).slice(1), ['› in', 'Informatique', 'Marketing']);
  t.deepEqual(inside(plain(show(t, withModal({kind: 'switcher', query: 'gen', index: 0})))).slice(1), ['› gen', 'Général']);
  t.deepEqual(inside(plain(show(t, withModal({kind: 'switcher', query: 'COMPTABILITÉ', index: 0})))).slice(1), ['› COMPTABILITÉ', 'Comptabilité']);
  t.deepEqual(inside(plain(show(t, withModal({kind: 'switcher', query: 'xyz', index: 0})))).slice(1), ['› xyz']);
});

test('switcher: the chosen row is highlighted', (t) => {
  const frame = show(t, withModal({kind: 'switcher', query: 'in', index: 1}));
  t.true(isInverse(frame, '  Marketing'));
  t.false(isInverse(frame, '  Informatique'));
});

// ---- join requests -----------------------------------------------------------------------

test('pending: the requests, the chosen one highlighted', (t) => {
  const state = apply(mainState({user: mod}), {type: 'pendingList', requests: [request(1), request(2, 4, 'Informatique')]}, {type: 'modal', modal: {kind: 'pending', index: 1}});
  const frame = show(t, state);
  t.deepEqual(inside(plain(frame)), [
    'Join requests: ↑↓ choose · a accept · r reject · Esc close',
    'user1 (User 1) asks to join Comptabilité',
    'user2 (User 2) asks to join Informatique',
  ]);
  t.true(isInverse(frame, '  user2'));
  t.false(isInverse(frame, '  user1'));
});

test('pending: nothing waiting', (t) => {
  const frame = plain(show(t, withModal({kind: 'pending', index: 0}, {user: mod})));
  t.deepEqual(inside(frame), ['Join requests: ↑↓ choose · a accept · r reject · Esc close', 'No request is waiting.']);
});

// Many requests: the list shows what fits and follows the chosen one.
test('pending: many requests still fit the pane, title intact, the chosen one visible', (t) => {
  const state = apply(mainState({user: mod}), {type: 'pendingList', requests: Array.from({length: 20}, (_, i) => request(i))}, {type: 'modal', modal: {kind: 'pending', index: 19}});
  const rows = inside(plain(show(t, state)));
  t.is(rows[0], 'Join requests: ↑↓ choose · a accept · r reject · Esc close');
  t.true(rows.includes('user19 (User 19) asks to join Comptabilité'));
  t.true(rows.slice(1).every((row) => /^user\d+ \(User \d+\) asks to join Comptabilité$/.test(row)), rows.join('\n'));
});

// ---- help --------------------------------------------------------------------------------

test('help: keys and the commands a user may use (tall terminal)', (t) => {
  const rows = inside(plain(show(t, withModal({kind: 'help'}, {rows: 40}))));
  t.is(rows[0], 'Keys and commands: Esc closes');
  t.true(rows.some((row) => row.startsWith('Tab / Shift+Tab: move focus')));
  for (const command of COMMANDS) t.true(rows.includes(command), command);
  t.false(rows.some((row) => /\/kick|\/ban/.test(row)));
});

test('help: moderators also see /kick and /ban (tall terminal)', (t) => {
  const rows = inside(plain(show(t, withModal({kind: 'help'}, {user: mod, rows: 40}))));
  for (const command of [...COMMANDS, ...MOD_COMMANDS]) t.true(rows.includes(command), command);
});

// Help fits a 24-row terminal: title and every command intact.
for (const [name, options, commands] of [
  ['user, 80x24', {columns: 80, rows: 24}, COMMANDS],
  ['moderator, 100x24', {user: mod, columns: 100, rows: 24}, [...COMMANDS, ...MOD_COMMANDS]],
] as Array<[string, MainOptions, string[]]>) {
  test(`help: fits a standard 24-row terminal, title and every command intact (${name})`, (t) => {
    const rows = inside(plain(show(t, withModal({kind: 'help'}, options))));
    t.is(rows[0], 'Keys and commands: Esc closes');
    for (const command of commands) t.true(rows.includes(command), command);
  });
}

// ---- search ------------------------------------------------------------------------------

test('search: running', (t) => {
  const rows = inside(plain(show(t, withModal({kind: 'search', query: 'budget', results: null}))));
  t.deepEqual(rows, ['Messages with “budget” in Général: Esc closes', 'Searching…']);
});

test('search: no result', (t) => {
  const rows = inside(plain(show(t, withModal({kind: 'search', query: 'budget', results: []}))));
  t.deepEqual(rows, ['Messages with “budget” in Général: Esc closes', 'No message contains “budget”.']);
});

test('search: results with time, alias and text', (t) => {
  const results = [msg(1, 3, 'bob', 'the budget is late', T0), msg(1, 9, 'carla', 'budget approved', T0 + 3_600_000)];
  const rows = inside(plain(show(t, withModal({kind: 'search', query: 'budget', results}))));
  t.deepEqual(rows, ['Messages with “budget” in Général: Esc closes', '09:30 Bob the budget is late', '10:30 Carla budget approved']);
});

test('search: more results than fit are cut to the pane', (t) => {
  const results = Array.from({length: 40}, (_, i) => msg(1, i + 1, 'bob', `budget ${i + 1}`, T0));
  const frame = plain(show(t, withModal({kind: 'search', query: 'budget', results})));
  t.is(lines(frame).length, 24);
  t.regex(frame, /Messages with “budget” in Général/);
  t.regex(frame, /09:30 Bob budget 1\s/);
});

test('search: an error', (t) => {
  const rows = inside(plain(show(t, withModal({kind: 'search', query: 'budget', results: [], error: {key: 'error.CONNECTION_CLOSED'}}))));
  t.deepEqual(rows, ['Messages with “budget” in Général: Esc closes', 'The connection was lost.']);
});

test('search: in French', (t) => {
  const rows = inside(plain(show(t, withModal({kind: 'search', query: 'budget', results: []}, {lang: 'fr'}))));
  t.deepEqual(rows, ['Messages contenant « budget » dans Général : Échap ferme', 'Aucun message ne contient « budget ».']);
});

test('confirm: /ban says what it deletes, in English and French', (t) => {
  const modal = {kind: 'confirm', action: {type: 'ban', username: 'eve'}} as const;
  const en = inside(plain(show(t, withModal(modal, {user: mod})))).join(' ');
  t.regex(en, /Ban eve\? \(y\/n\)/);
  t.regex(en, /The account is deleted and the name cannot register again; its messages stay\./);
  const fr = inside(plain(show(t, withModal(modal, {user: mod, lang: 'fr'})))).join(' ');
  t.regex(fr, /Bannir eve \? \(o\/n\)/);
});
