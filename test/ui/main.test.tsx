/** The main screen around the messages: salon list, status bar, member list, input, French. */
import {NOW, SERVER, T0, apply, en, escapeRegExp, fr, isInverse, lineWith, mainState, mod, msg, plain, render, salonInfos, themed, withPage} from './helpers.js';
import test from 'ava';
import type {AppState} from '../../source/client/state.js';
import {MainScreen} from '../../source/ui/MainScreen.js';

function show(t: {teardown(fn: () => void): void}, state: AppState, color = true) {
  const instance = render(themed(<MainScreen state={state} now={NOW} />, {color, lang: state.lang}));
  t.teardown(() => instance.unmount());
  return instance.lastFrame() ?? '';
}

const mentionOfAlice = (salon: number, seq: number) =>
  ({type: 'event', event: {event: 'message', ...msg(salon, seq, 'bob', 'ping @alice', T0)}, now: NOW}) as const;

// ---- salon list --------------------------------------------------------------------------

test('salon list: the five salons, numbered, with marks for waiting and locked', (t) => {
  const frame = plain(show(t, mainState()));
  t.regex(frame, /│ Salons\s+│/);
  t.regex(frame, /│ 1 Général\s/);
  t.regex(frame, /│ 2 Blabla\s/);
  t.regex(frame, /│…3 Comptabilité\s/);
  t.regex(frame, /│⊘4 Informatique\s/);
  t.regex(frame, /│⊘5 Marketing\s/);
  // The legend's wording is the catalog's; its marks are fixed.
  t.regex(frame, new RegExp(`…\\s+${escapeRegExp(en('salons.pending'))}`));
  t.regex(frame, new RegExp(`⊘\\s+${escapeRegExp(en('salons.locked'))}`));
});

test('salon list: unread counts, capped at 999+', (t) => {
  const state = mainState({salons: salonInfos({2: {lastSeq: 12, readSeq: 5}, 1: {lastSeq: 2000, readSeq: 1}})});
  const frame = plain(show(t, state));
  t.regex(lineWith(frame, '2 Blabla') ?? '', /2 Blabla\s+7│/);
  t.regex(lineWith(frame, '1 Général') ?? '', /1 Général\s+999\+│/);
  t.regex(lineWith(frame, '3 Comptabilité') ?? '', /Comptabilité\s+│/);
});

test('salon list: mentions in another salon show as @N instead of the unread count', (t) => {
  const state = apply(mainState({salons: salonInfos({2: {lastSeq: 3, readSeq: 3}})}), mentionOfAlice(2, 4), mentionOfAlice(2, 5), {
    type: 'event',
    event: {event: 'message', ...msg(2, 6, 'bob', 'no ping', T0)},
    now: NOW,
  });
  const frame = show(t, state);
  t.regex(lineWith(frame, '2 Blabla') ?? '', /2 Blabla\s+@2│/);
  t.regex(frame, /\u001b\[35m(?:\u001b\[1m)?@2|\u001b\[1m\u001b\[35m@2/);
});

test('salon list: the current salon is highlighted, the others are not', (t) => {
  const state = apply(mainState(), {type: 'open', salonId: 2});
  const frame = show(t, state);
  t.true(isInverse(frame, '2 Blabla'));
  t.false(isInverse(frame, '1 Général'));
  t.false(isInverse(frame, '3 Comptabilité'));
  t.regex(plain(frame), /Message Blabla/);
});

// ---- status bar --------------------------------------------------------------------------

const statusOf = (frame: string) => plain(frame).split('\n').at(-1) ?? '';

test('status bar: who, where, connected, and the key hints', (t) => {
  const status = statusOf(show(t, mainState()));
  for (const part of ['Alice', '@ chat.example:5000', '● connected', '/help: help', 'Tab: next pane']) t.true(status.includes(part), `${part} not in "${status}"`);
});

test('status bar: the link while reconnecting and while connecting', (t) => {
  const reconnecting = apply(mainState(), {type: 'link', link: 'reconnecting', retryIn: 5});
  t.regex(plain(show(t, reconnecting)), /● connection lost, retrying in 5 s/);
  const connecting = apply(mainState(), {type: 'link', link: 'connecting'});
  t.regex(plain(show(t, connecting)), /● connecting…/);
});

const request = (username: string, salon = 3, salonName = 'Comptabilité') => ({username, alias: username.toUpperCase(), salon, salonName, ts: T0});

test('status bar: a moderator sees how many join requests wait', (t) => {
  const state = apply(mainState({user: mod}), {type: 'pendingList', requests: [request('zoe'), request('yan', 4, 'Informatique')]});
  const status = statusOf(show(t, state));
  t.regex(status, /Marc/);
  t.regex(status, /2 join request\(s\): Alt\+P/);
  t.notRegex(plain(show(t, mainState({user: mod}))), /join request/);
});

test('status bar: a user who is not a moderator never sees the request count', (t) => {
  const state = apply(mainState(), {type: 'pendingList', requests: [request('zoe')]});
  t.notRegex(plain(show(t, state)), /join request/);
});

test('status bar: a flash notice replaces the hints', (t) => {
  const state = apply(mainState(), {type: 'flash', notice: {key: 'error.UNKNOWN_SALON', params: {salon: 'Nowhere'}}});
  const status = statusOf(show(t, state));
  t.regex(status, /There is no salon called Nowhere\./);
  t.regex(status, /● connected/);
  t.notRegex(status, /Tab: next pane/);
});

// The latest event wins over the identity part (it used to be cut to "zoe asks to join Comptabilit…").
test('status bar: a moderator reads the whole join-request flash at 100 columns', (t) => {
  const state = apply(mainState({user: mod}), {type: 'event', event: {event: 'join_request', ...request('zoe')}, now: NOW});
  t.regex(plain(show(t, state)), /zoe asks to join Comptabilité \(Alt\+P\)\./);
});

// ---- member list -------------------------------------------------------------------------

const members = [
  {username: 'zed', alias: 'Zed', online: false},
  {username: 'bob', alias: 'Bob', online: true},
  {username: 'alice', alias: 'Alice', online: true},
];

test('member list: hidden by default, then online members first with their marks', (t) => {
  t.notRegex(plain(show(t, apply(mainState(), {type: 'members', salonId: 1, members}))), /Members/);
  const state = apply(mainState(), {type: 'toggleMembers'}, {type: 'members', salonId: 1, members});
  const frame = plain(show(t, state));
  t.regex(frame, /Members \(2\/3\)/);
  const order = ['● Alice', '● Bob', '○ Zed'].map((text) => frame.indexOf(text));
  t.true(order.every((at) => at >= 0), frame);
  t.deepEqual([...order].sort((a, b) => a - b), order);
});

test('member list: presence events move a member between online and offline', (t) => {
  const state = apply(mainState(), {type: 'toggleMembers'}, {type: 'members', salonId: 1, members}, {
    type: 'event',
    event: {event: 'presence', username: 'zed', alias: 'Zed', online: true},
    now: NOW,
  }, {type: 'event', event: {event: 'presence', username: 'bob', alias: 'Bob', online: false}, now: NOW});
  const frame = plain(show(t, state));
  t.regex(frame, /Members \(2\/3\)/);
  t.regex(frame, /● Zed/);
  t.regex(frame, /○ Bob/);
});

// ---- input -------------------------------------------------------------------------------

test('input: the placeholder names the salon, typed text replaces it', (t) => {
  t.regex(plain(show(t, mainState())), /› {3}Message Général/);
  const typed = apply(mainState(), {type: 'editor', action: {type: 'insert', text: 'bonjour à tous'}});
  const frame = plain(show(t, typed));
  t.regex(frame, /› bonjour à tous/);
  t.notRegex(frame, /Message Général/);
});

// A one-line draft longer than the box wraps inside it, under an intact prompt.
test('input: a draft longer than one row stays inside the input box', (t) => {
  const draft = 'This is a fairly long draft message that the user keeps typing well past the width of the input box so that it wraps END';
  const rows = plain(show(t, apply(mainState(), {type: 'editor', action: {type: 'insert', text: draft}}))).split('\n');
  const end = rows.findIndex((row) => row.includes('END'));
  t.regex(rows[end] ?? '', /^│ .*END\s*│$/, rows.join('\n'));
  t.regex(rows.find((row) => row.includes('This is')) ?? '', /› This is/);
  t.regex(rows[end + 1] ?? '', /^╰─+╯$/);
});

// ---- French ------------------------------------------------------------------------------

test('main screen in French', (t) => {
  const state = apply(withPage(mainState({lang: 'fr'}), 1, [msg(1, 1, 'bob', 'salut', T0)]), {type: 'toggleMembers'}, {type: 'members', salonId: 1, members});
  const frame = plain(show(t, state));
  for (const text of ['Salons', 'Membres (2/3)', '● connecté', 'Message pour Général', '── Aujourd’hui ──', 'Début de Général.', `@ ${SERVER}`]) {
    t.true(frame.includes(text), `${text} missing from\n${frame}`);
  }
  t.regex(frame, new RegExp(`…\\s+${escapeRegExp(fr('salons.pending'))}`));
  t.regex(frame, /…\s+en attente/);
});
