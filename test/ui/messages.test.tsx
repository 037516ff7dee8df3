/** The message pane: messages, day separators, unread mark, scrolling, notices, outbox. */
import {NOW, T0, apply, isInverse, lineWith, lines, mainState, msg, plain, render, salonInfos, scrolledBy, themed, withPage} from './helpers.js';
import test from 'ava';
import type {Action} from '../../source/client/reducer.js';
import type {AppState} from '../../source/client/state.js';
import {MainScreen} from '../../source/ui/MainScreen.js';

const DAY = 86_400_000;

function show(t: {teardown(fn: () => void): void}, state: AppState, color = true) {
  const instance = render(themed(<MainScreen state={state} now={NOW} />, {color, lang: state.lang}));
  t.teardown(() => instance.unmount());
  return instance.lastFrame() ?? '';
}

const live = (salon: number, seq: number, author: string, text: string, ts = T0 + seq * 60_000): Action => ({
  type: 'event',
  event: {event: 'message', ...msg(salon, seq, author, text, ts)},
  now: NOW,
});

/** Général with `count` one-line messages from bob, a minute apart, all read. */
const longSalon = (count: number) =>
  withPage(
    mainState({salons: salonInfos({1: {lastSeq: count, readSeq: count}})}),
    1,
    Array.from({length: count}, (_, i) => msg(1, i + 1, 'bob', `line number ${i + 1}`, T0 + i * 60_000)),
  );

test('messages: time, alias and text on one line', (t) => {
  const frame = plain(show(t, withPage(mainState(), 1, [msg(1, 1, 'bob', 'hello there', T0), msg(1, 2, 'carla', 'hi Bob', T0 + 5 * 60_000)])));
  t.regex(frame, /│09:30 Bob hello there\s+│/);
  t.regex(frame, /│09:35 Carla hi Bob\s+│/);
  t.regex(frame, /Start of Général\./);
});

test('messages: day separators for older days, yesterday and today', (t) => {
  const state = withPage(mainState({salons: salonInfos({1: {lastSeq: 4, readSeq: 4}})}), 1, [
    msg(1, 1, 'bob', 'friday', Date.UTC(2026, 0, 2, 17, 5)),
    msg(1, 2, 'bob', 'sunday', T0 - DAY),
    msg(1, 3, 'bob', 'monday', T0),
    msg(1, 4, 'bob', 'monday again', T0 + 60_000),
  ]);
  const all = lines(show(t, state)).map((line) => line.replace(/^.*?││|│$/g, '').trim()).filter((line) => /^(── |\d\d:\d\d )/.test(line));
  t.deepEqual(all, [
    '── Friday, 2 January 2026 ──',
    '17:05 Bob friday',
    '── Yesterday ──',
    '09:30 Bob sunday',
    '── Today ──',
    '09:30 Bob monday',
    '09:31 Bob monday again',
  ]);
});

test('messages: the "new messages" mark sits right above the first unread message', (t) => {
  const state = withPage(mainState({salons: salonInfos({1: {lastSeq: 4, readSeq: 2}})}), 1, [1, 2, 3, 4].map((seq) => msg(1, seq, 'bob', `message ${seq}`, T0 + seq * 60_000)));
  const all = lines(show(t, state));
  const mark = all.findIndex((line) => line.includes('── new messages ──'));
  t.true(mark > 0);
  t.regex(all[mark + 1] ?? '', /Bob message 3/);
  t.is(all.filter((line) => line.includes('new messages')).length, 1);
});

// The mark goes above the first unread message of someone else, my own skipped.
test('messages: the unread mark skips my own first unread message instead of vanishing', (t) => {
  const state = withPage(mainState({salons: salonInfos({1: {lastSeq: 4, readSeq: 2}})}), 1, [
    msg(1, 1, 'bob', 'message 1', T0),
    msg(1, 2, 'bob', 'message 2', T0),
    msg(1, 3, 'alice', 'my message 3', T0),
    msg(1, 4, 'bob', 'message 4', T0),
  ]);
  const all = lines(show(t, state));
  const mark = all.findIndex((line) => line.includes('── new messages ──'));
  t.true(mark > 0, all.join('\n'));
  t.regex(all[mark + 1] ?? '', /Bob message 4/);
});

test('messages: no unread mark when everything was read', (t) => {
  const state = withPage(mainState({salons: salonInfos({1: {lastSeq: 2, readSeq: 2}})}), 1, [msg(1, 1, 'bob', 'a', T0), msg(1, 2, 'bob', 'b', T0)]);
  t.notRegex(plain(show(t, state)), /new messages/);
});

test('messages: own messages show the own alias, bold, and in inverse video without colours', (t) => {
  const state = withPage(mainState(), 1, [msg(1, 1, 'alice', 'my own words', T0)]);
  t.regex(plain(show(t, state)), /09:30 Alice my own words/);
  t.regex(show(t, state), /\u001b\[1mmy own words/);
  t.true(isInverse(show(t, state, false), 'Alice\u001b'));
});

test('messages: a message that mentions me is emphasised', (t) => {
  const state = withPage(mainState(), 1, [msg(1, 1, 'bob', 'Alice, lunch?', T0)]);
  const frame = show(t, state);
  t.regex(plain(frame), /09:30 Bob Alice, lunch\?/);
  t.regex(frame, /\u001b\[35mAlice, lunch\?/);
});

test('messages: escape sequences in a message never reach the terminal', (t) => {
  const state = withPage(mainState(), 1, [msg(1, 1, 'bob', 'a\u001b]0;pwned\u0007b\u001b[2Jc\u202eX', T0)]);
  const frame = show(t, state);
  t.regex(plain(frame), /09:30 Bob abcX/);
  t.false(frame.includes('pwned'));
  t.false(frame.includes('\u001b[2J'));
  t.false(frame.includes('\u202e'));
});

test('messages: a long message wraps under its text', (t) => {
  const text = 'word '.repeat(30).trim();
  const frame = plain(show(t, withPage(mainState(), 1, [msg(1, 1, 'bob', text, T0)])));
  const first = lineWith(frame, '09:30 Bob word') ?? '';
  const index = lines(frame).indexOf(first);
  t.regex(lines(frame)[index + 1] ?? '', /│ {10}word word/);
});

test('messages: someone joining shows as a system line', (t) => {
  const state = apply(withPage(mainState(), 1, [msg(1, 1, 'bob', 'hi', T0)]), {
    type: 'event',
    event: {event: 'membership', salon: 1, salonName: 'Général', username: 'dan', alias: 'Dan', state: 'member', reason: 'joined'},
    now: T0 + 60_000,
  });
  t.regex(plain(show(t, state)), /Dan joined salon Général\./);
});

test('messages: empty salon, and older messages loading', (t) => {
  t.regex(plain(show(t, withPage(mainState(), 1, []))), /No messages yet\./);
  const loading = apply(withPage(mainState(), 1, [msg(1, 5, 'bob', 'late', T0)]), {type: 'loadingOlder', salonId: 1, loading: true});
  t.regex(plain(show(t, loading)), /Loading older messages…/);
});

test('messages: scrolled up, a new message shows the "new messages below" mark, End clears it', (t) => {
  const scrolled = scrolledBy(longSalon(30), 3);
  t.not(scrolled.salons[0]?.anchor, null);
  const state = apply(scrolled, live(1, 31, 'bob', 'brand new'));
  t.true(state.salons[0]?.newBelow);
  const frame = plain(show(t, state));
  t.regex(frame, /↓ new messages below: End jumps there/);
  t.regex(frame, /line number 27\s/);
  t.notRegex(frame, /line number 28\s|brand new/);
  const bottom = plain(show(t, apply(state, {type: 'scrollBottom'})));
  t.notRegex(bottom, /new messages below/);
  t.regex(bottom, /Bob brand new/);
});

test('messages: scrolled up without anything new, no mark', (t) => {
  t.notRegex(plain(show(t, scrolledBy(longSalon(30), 3))), /new messages below/);
});

test('messages: a salon I am not a member of asks me to join; a waiting one says so', (t) => {
  const none = plain(show(t, apply(mainState(), {type: 'open', salonId: 4})));
  t.regex(none, /You are not a member of Informatique: press Enter to join\./);
  const pending = plain(show(t, apply(mainState(), {type: 'open', salonId: 3})));
  t.regex(pending, /Your request to join Comptabilité is waiting for a moderator\./);
  const narrow = plain(show(t, {...apply(mainState(), {type: 'open', salonId: 3}), columns: 60}));
  t.regex(narrow.replace(/[│\s]+/g, ' '), /Your request to join Comptabilité is waiting for a moderator\./);
});

test('messages: the outbox, sending then failed', (t) => {
  const sending = apply(withPage(mainState(), 1, [msg(1, 1, 'bob', 'hi', T0)]), {type: 'outgoing', item: {clientMsgId: 'c1', salonId: 1, text: 'on its   way'}});
  t.regex(plain(show(t, sending)), /… Alice on its way {2}\(sending…\)/);
  const failed = apply(sending, {type: 'outgoingFailed', clientMsgId: 'c1', error: {key: 'error.RATE_LIMITED'}});
  t.regex(plain(show(t, failed)), /… Alice on its way {2}\(not sent yet: Slow down a little\.\)/);
  t.notRegex(plain(show(t, apply(failed, {type: 'open', salonId: 2}))), /on its way/);
  const acked = apply(sending, {type: 'event', event: {event: 'message', ...msg(1, 2, 'alice', 'on its   way', T0), clientMsgId: 'c1'}, now: NOW});
  t.notRegex(plain(show(t, acked)), /sending…/);
});

test('messages: the outbox line is hidden while scrolled up', (t) => {
  const state = apply(scrolledBy(longSalon(30), 3), {type: 'outgoing', item: {clientMsgId: 'c2', salonId: 1, text: 'queued'}});
  t.notRegex(plain(show(t, state)), /queued/);
});

test('messages: in French', (t) => {
  const state = apply(
    withPage(mainState({lang: 'fr', salons: salonInfos({1: {lastSeq: 2, readSeq: 1}})}), 1, [msg(1, 1, 'bob', 'un', T0 - DAY), msg(1, 2, 'bob', 'deux', T0)]),
    {type: 'outgoing', item: {clientMsgId: 'c3', salonId: 1, text: 'trois'}},
  );
  const frame = plain(show(t, state));
  for (const text of ['── Hier ──', '── Aujourd’hui ──', '── nouveaux messages ──', '(envoi…)']) t.true(frame.includes(text), `${text} missing`);
  t.regex(plain(show(t, apply(state, {type: 'open', salonId: 4}))), /Vous n'êtes pas membre de Informatique : Entrée pour adhérer\./);
});

test('messages: scrolled to the very top, "Start of Général." and the day line each have their own row', (t) => {
  const state = scrolledBy(longSalon(40), 1000);
  const rows = lines(show(t, state)).map((line) => line.split('│')[3] ?? '');
  const start = rows.findIndex((row) => row.startsWith('Start of Général.'));
  t.is(start, 1, 'on the pane\'s first row, under the border');
  t.regex(rows[start + 1] ?? '', /^── Today ── +$/);
  t.regex(rows[start + 2] ?? '', /^09:30 Bob line number 1 +$/);
  t.false(rows.some((row) => row.includes('──néral')));
});
