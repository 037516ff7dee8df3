/** The windows over the message pane: join, switcher, join requests, help, search. */
import {NOW, T0, apply, isInverse, lines, mainState, mod, msg, plain, render, salonInfos, themed, type MainOptions} from './helpers.js';
import test from 'ava';
import type {AppState, Modal, SearchWindow} from '../../source/client/state.js';
import type {MessageInfo, SalonInfo} from '../../source/protocol/frames.js';
import {MainScreen} from '../../source/ui/MainScreen.js';
import {helpLines} from '../../source/client/windows.js';

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
  '/search TEXT: search every conversation: word beginnings, all required, "a phrase", from:NAME, in:SALON, after:/before:YYYY-MM-DD; /search alone: the last results',
  '/members: show or hide the member list',
  '/logout: sign out',
  '/quit: leave the chat',
  '/help: this help',
];
const MOD_COMMANDS = [
  '/kick NAME [DURATION] [REASON…]: disconnect someone for a while (5 minutes unless told: 90s, 30m, 2h, 1d, 1w or minutes), telling them why (moderators)',
  '/ban NAME [REASON…]: ban someone and delete the account, telling them why (moderators)',
  '/blocks: current kicks and bans, to lift them (moderators, Alt+K)',
];

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
  for (const command of COMMANDS) t.true(rows.join(' ').includes(command), command);
  t.false(rows.some((row) => /\/kick|\/ban/.test(row)));
});

test('help: moderators also see /kick and /ban (tall terminal)', (t) => {
  const rows = inside(plain(show(t, withModal({kind: 'help'}, {user: mod, rows: 40}))));
  for (const command of [...COMMANDS, ...MOD_COMMANDS]) t.true(rows.join(' ').includes(command), command);
});

// Help fits a 24-row terminal: title and every command intact.
for (const [name, options, commands] of [
  ['user, 80x24', {columns: 80, rows: 24}, COMMANDS],
  ['moderator, 100x24', {user: mod, columns: 100, rows: 24}, [...COMMANDS, ...MOD_COMMANDS]],
] as Array<[string, MainOptions, string[]]>) {
  test(`help: fits a standard 24-row terminal, title and every command intact (${name})`, (t) => {
    const rows = inside(plain(show(t, withModal({kind: 'help'}, options))));
    t.is(rows[0], 'Keys and commands: Esc closes');
    // A long help line wraps: whole words on each row. The moderators' commands come after
    // everyone's: scrolled to them when the first page cannot hold them all.
    const state = withModal({kind: 'help'}, options);
    const offset = helpLines(state).findIndex((line) => line.startsWith('/kick'));
    const scrolledTo = inside(plain(show(t, withModal({kind: 'help', offset}, options)))).slice(1, -1);
    for (const command of commands) t.true(rows.join(' ').includes(command) || scrolledTo.join(' ').includes(command), command);
  });
}

// ---- search ------------------------------------------------------------------------------

const DAY = 86_400_000;
/** Général (1), Blabla (2) and a direct message with Bob (6). */
const withDirect = () => [...salonInfos(), {id: 6, name: 'Bob', moderated: false, state: 'member', lastSeq: 0, readSeq: 0, kind: 'dm', participants: [{username: 'alice', alias: 'Alice'}, {username: 'bob', alias: 'Bob'}]}] as SalonInfo[];
const search = (results: MessageInfo[] | null, extra: Partial<SearchWindow> = {}, options: MainOptions = {}) =>
  withModal({kind: 'search', query: 'budget', results, ...extra}, {salons: withDirect(), ...options});
const TITLE = 'Search “budget” in every conversation';
const KEYS = ' · Enter opens · Esc closes';
const TWO = [msg(6, 4, 'bob', 'the Budget is late', T0), msg(1, 9, 'carla', 'budgétaire approved for 2026', T0 - DAY, 'Carla')];

test('search: running', (t) => {
  t.deepEqual(inside(plain(show(t, search(null)))), [TITLE, 'Searching…']);
});

test('search: no result', (t) => {
  t.deepEqual(inside(plain(show(t, search([])))), [TITLE, 'No message matches “budget”.', 'Enter opens · Esc closes']);
});

test('search: each result says where (salon or the other person), who and when (the date when not today), then its text', (t) => {
  const rows = inside(plain(show(t, search(TWO, {hasMore: false}))));
  t.deepEqual(rows, [TITLE, '› Bob · Bob · 09:30', 'the Budget is late', 'Général · Carla · 4 Jan 09:30', 'budgétaire approved for 2026', 'Result 1 of 2 · no more results' + KEYS]);
});

test('search: an older year is told too', (t) => {
  const rows = inside(plain(show(t, search([msg(1, 1, 'bob', 'budget', T0 - 400 * DAY)]))));
  t.is(rows[1], '› Général · Bob · 1 Dec 2024 09:30');
});

test('search: the matched words are marked, bold and underlined (with or without colour), accents and case aside', (t) => {
  for (const color of [true, false]) {
    const frame = show(t, search(TWO), color);
    for (const word of ['Budget', 'budgétaire']) {
      const at = frame.indexOf(word);
      const before = frame.slice(frame.lastIndexOf('\n', at) + 1, at);
      t.true(before.lastIndexOf('\u001b[1m') > before.lastIndexOf('\u001b[22m'), `${word} bold (colour: ${color})`);
      t.true(before.lastIndexOf('\u001b[4m') > before.lastIndexOf('\u001b[24m'), `${word} underlined (colour: ${color})`);
    }
    // Not the words around them.
    const late = frame.indexOf(' is late');
    const before = frame.slice(frame.lastIndexOf('\n', late) + 1, late);
    t.false(before.lastIndexOf('\u001b[4m') > before.lastIndexOf('\u001b[24m'));
  }
});

test('search: the cursor is marked with › and its head line in inverse video', (t) => {
  const frame = show(t, search(TWO, {index: 1}));
  t.true(isInverse(frame, '4 Jan 09:30'));
  t.false(isInverse(show(t, search(TWO, {index: 0})), '4 Jan 09:30'));
  t.deepEqual(inside(plain(frame)).filter((row) => row.startsWith('›')), ['› Général · Carla · 4 Jan 09:30']);
  t.is(inside(plain(frame)).at(-1), 'Result 2 of 2 · no more results' + KEYS);
});

test('search: the paging line says when more can be loaded, and while it loads', (t) => {
  t.is(inside(plain(show(t, search(TWO, {hasMore: true})))).at(-1), 'Result 1 of 2 · PgDn: more results' + KEYS);
  t.is(inside(plain(show(t, search(TWO, {hasMore: true, loadingMore: true})))).at(-1), 'Result 1 of 2 · loading more…' + KEYS);
});

test('search: a page without results that stopped short says older messages remain, and how to search them', (t) => {
  t.deepEqual(inside(plain(show(t, search([], {hasMore: true, next: 900})))), [
    TITLE,
    'No match in the newest messages searched; older ones remain.',
    'PgDn: more results · Enter opens · Esc closes',
  ]);
  t.is(inside(plain(show(t, search([], {hasMore: true, next: 900, loadingMore: true})))).at(-1), 'loading more…');
});

test('search: a long text is cut to three lines, and starts near the match when it is far in', (t) => {
  const long = `${'lorem ipsum dolor sit amet '.repeat(12)}and then the budget at last ${'et cetera '.repeat(30)}`;
  const rows = inside(plain(show(t, search([msg(1, 1, 'bob', long, T0)]))));
  const text = rows.slice(2, -1);
  t.is(text.length, 3, rows.join('\n'));
  t.true(text[0]!.startsWith('…'), text[0]);
  t.true(text.join(' ').includes('the budget at last'));
  t.true(text[2]!.endsWith('…'));
});

test('search: many results fit the pane, the cursor\u2019s result in view', (t) => {
  const results = Array.from({length: 40}, (_, i) => msg(1, 40 - i, 'bob', `budget ${40 - i}`, T0));
  const frame = plain(show(t, search(results, {index: 30, hasMore: true})));
  t.is(lines(frame).length, 24);
  const rows = inside(frame);
  t.is(rows[0], TITLE);
  t.true(rows.includes('› Général · Bob · 09:30'));
  t.is(rows[rows.indexOf('› Général · Bob · 09:30') + 1], 'budget 10');
  t.is(rows.at(-1), 'Result 31 of 40 · PgDn: more results' + KEYS);
});

test('search: a refused search says what to change', (t) => {
  const rows = inside(plain(show(t, search([], {error: {key: 'search.problem.NO_WORDS'}}))));
  t.deepEqual(rows, [TITLE, 'Search for at least one word of 3 letters or more.', 'Enter opens · Esc closes']);
  const fast = inside(plain(show(t, search(TWO, {hasMore: true, error: {key: 'search.tooFast', params: {seconds: 2}}}))));
  t.deepEqual(fast.slice(-2), ['Searching too fast: wait 2 s.', 'Result 1 of 2 · PgDn: more results' + KEYS]);
});

test('search: in French', (t) => {
  t.deepEqual(inside(plain(show(t, search([], {}, {lang: 'fr'})))), ['Recherche « budget » dans toutes les conversations', 'Aucun message ne correspond à « budget ».', 'Entrée ouvre · Échap ferme']);
  const rows = inside(plain(show(t, search(TWO, {hasMore: true, loadingMore: true}, {lang: 'fr'}))));
  t.deepEqual(rows.slice(1), ['› Bob · Bob · 09:30', 'the Budget is late', 'Général · Carla · 4 janv. 09:30', 'budgétaire approved for 2026', 'Résultat 1 sur 2 · chargement de la suite… · Entrée ouvre · Échap ferme']);
  t.is(inside(plain(show(t, search(TWO, {}, {lang: 'fr'})))).at(-1), 'Résultat 1 sur 2 · aucun autre résultat · Entrée ouvre · Échap ferme');
  t.is(inside(plain(show(t, search([], {error: {key: 'search.problem.BAD_DATE'}}, {lang: 'fr'})))).at(-2), 'Écrivez les dates en AAAA-MM-JJ, comme after:2026-03-01.');
});

test('confirm: /ban says what it deletes, in English and French', (t) => {
  const modal = {kind: 'confirm', action: {type: 'ban', username: 'eve'}} as const;
  const en = inside(plain(show(t, withModal(modal, {user: mod})))).join(' ');
  t.regex(en, /Ban eve\? \(y\/n\)/);
  t.regex(en, /The account is deleted and the name cannot register again; its messages stay\./);
  const fr = inside(plain(show(t, withModal(modal, {user: mod, lang: 'fr'})))).join(' ');
  t.regex(fr, /Bannir eve \? \(o\/n\)/);
});
