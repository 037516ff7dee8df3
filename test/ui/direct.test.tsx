/** The salon list's Direct section, the member list's cursor and the switcher, drawn by Ink. */
import {NOW, T0, apply, isInverse, lineWith, lines, mainState, msg, plain, render, salonInfos, themed} from './helpers.js';
import test from 'ava';
import type {AppState} from '../../source/client/state.js';
import type {SalonInfo} from '../../source/protocol/frames.js';
import {helpLines} from '../../source/client/windows.js';
import {MainScreen} from '../../source/ui/MainScreen.js';

function show(t: {teardown(fn: () => void): void}, state: AppState) {
  const instance = render(themed(<MainScreen state={state} now={NOW} />, {lang: state.lang}));
  t.teardown(() => instance.unmount());
  return instance.lastFrame() ?? '';
}

const direct = (id: number, others: string[], lastTs: number): SalonInfo => ({
  id,
  name: others.join(', '),
  kind: others.length > 1 ? 'group' : 'dm',
  moderated: false,
  state: 'member',
  participants: [{username: 'alice', alias: 'Alice'}, ...others.map((alias) => ({username: alias.toLowerCase(), alias}))],
  lastSeq: 0,
  readSeq: 0,
  lastTs,
});

const withDirect = (lang: 'en' | 'fr' = 'en') =>
  mainState({lang, salons: [...salonInfos(), direct(10, ['Bob'], T0), direct(11, ['Carol', 'Dan', 'Eve', 'Frédérique'], T0 + 1)]});

/** The salon list's column, trimmed. */
const column = (frame: string) => lines(frame).map((line) => /^│(.*?)│/.exec(line)?.[1]?.trim() ?? '');

test('salon list: a Direct section under the salons, newest activity first, numbered on', (t) => {
  const rows = column(show(t, withDirect()));
  const at = rows.indexOf('Direct');
  t.true(at > rows.indexOf('⊘5 Marketing'), rows.join('\n'));
  t.regex(rows[at + 1] ?? '', /^6 Carol, Dan, Eve…$/, 'the group, written last, first; its names cut to the width');
  t.is(rows[at + 2], '7 Bob');
});

test('salon list: a message reorders the Direct section live and shows as a mention', (t) => {
  const state = apply(withDirect(), {type: 'event', event: {event: 'message', ...msg(10, 1, 'bob', 'tu es là ?', T0 + 5)}, now: NOW});
  const frame = show(t, state);
  const rows = column(frame);
  t.regex(rows[rows.indexOf('Direct') + 1] ?? '', /^6 Bob\s+@1$/);
  t.regex(lineWith(frame, '7 Carol') ?? '', /7 Carol/);
});

test('salon list: the section is titled in French', (t) => {
  t.true(column(show(t, withDirect('fr'))).includes('Messages directs'));
});

test('salon list: no direct message, no section', (t) => {
  t.false(plain(show(t, mainState())).includes('Direct'));
});

test('member list: with the focus, the chosen member is highlighted', (t) => {
  const members = [
    {username: 'alice', alias: 'Alice', online: true},
    {username: 'bob', alias: 'Bob', online: true},
  ];
  const state = apply(withDirect(), {type: 'toggleMembers'}, {type: 'members', salonId: 1, members}, {type: 'focus', focus: 'members'}, {type: 'memberCursor', index: 1});
  const frame = show(t, state);
  t.true(isInverse(frame, ' Bob'), frame);
  t.false(isInverse(frame, ' Alice'));
  t.false(isInverse(show(t, {...state, focus: 'input'}), ' Bob'), 'without the focus, no cursor');
});

test('switcher: direct messages are listed after the salons, marked, and found by a participant', (t) => {
  const state = apply(withDirect(), {type: 'modal', modal: {kind: 'switcher', query: 'eve', index: 0}});
  const frame = plain(show(t, state));
  t.regex(frame, /Carol, Dan, Eve, Frédérique\s+· Direct/);
  t.notRegex(frame, /║ +Général/, 'no salon matches');
});

test('/help tells how to message a member from the member list, in both languages', (t) => {
  const en = helpLines(mainState({columns: 200})).join('\n');
  t.regex(en, /Alt\+M: member list; Tab to it, ↑\/↓ and Enter: direct message with that member, Esc: back/);
  t.regex(en, /Alt\+1…9, Ctrl\+N \/ Ctrl\+P: switch salon or direct message/);
  const fr = helpLines(mainState({lang: 'fr', columns: 200})).join('\n');
  t.regex(fr, /Alt\+M : liste des membres ; Tab pour y aller, ↑\/↓ et Entrée : message direct à ce membre/);
});
