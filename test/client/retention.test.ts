/**
 * A client left all day on a busy salon: what it keeps in memory stays the same size
 * whatever the number of messages received, the work per message does not grow with what
 * it holds, and counts stay exact although old messages are dropped. Through the real
 * reducer and pane code; sizes and counts, never times.
 */
import test from 'ava';
import {Entries} from '../../source/client/entries.js';
import {paneView, viewport} from '../../source/client/pane.js';
import {type Action, reducer} from '../../source/client/reducer.js';
import {HELD} from '../../source/client/retention.js';
import {type AppState, type Entry, type SalonView, initialState, unread} from '../../source/client/state.js';
import type {MessageInfo, SalonInfo} from '../../source/protocol/frames.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0);
const me = {id: 9, username: 'me', alias: 'Me', role: 'user' as const};
const salons: SalonInfo[] = [
  {id: 1, name: 'Général', moderated: false, state: 'member', lastSeq: 0, readSeq: 0},
  {id: 2, name: 'Blabla', moderated: false, state: 'member', lastSeq: 0, readSeq: 0},
];

/** Fixed-width texts, so that two states holding as many messages have the same size; every 1,000th mentions me. */
const textOf = (seq: number) => `${seq % 1000 === 0 ? '@Me look' : 'message '} ${String(seq).padStart(7, '0')}`;
const message = (seq: number, salon = 1): MessageInfo => ({id: seq, salon, seq, author: 'bob', alias: 'Bob', ts: T0 + seq, text: textOf(seq)});
const live = (m: MessageInfo): Action => ({type: 'event', event: {event: 'message', ...m}, now: T0 + m.seq});

function signedIn(current = 1): AppState {
  let state = initialState('en', 'chat.example:5000', '', 80, 24);
  for (const action of [
    {type: 'loggedIn', user: me, salons},
    {type: 'page', salonId: 1, messages: [], mode: 'latest', hasMore: false},
    {type: 'page', salonId: 2, messages: [], mode: 'latest', hasMore: false},
    {type: 'open', salonId: current},
  ] as Action[]) state = reducer(state, action);
  return state;
}

const general = (state: AppState) => state.salons.find((s) => s.id === 1) as SalonView;
const held = (salon: SalonView) => [...salon.entries].map((e) => (e.kind === 'message' ? e.message.text : 'system'));

/** Receives messages from..to; tells the most entries held at once and their size in bytes then. */
function receive(state: AppState, from: number, to: number, most = {entries: 0, bytes: 0}): AppState {
  for (let seq = from; seq <= to; seq++) {
    state = reducer(state, live(message(seq)));
    const salon = general(state);
    if (salon.entries.length >= most.entries) Object.assign(most, {entries: salon.entries.length, bytes: JSON.stringify(held(salon)).length});
  }
  return state;
}

const ctx = {width: 56, me, lang: 'en' as const, now: T0 + 100_000};

for (const [where, current] of [['on screen', 1], ['in the background', 2]] as const) {
  test(`a busy salon ${where}: the state after 50,000 messages is the size of the state after 5,000; counts stay exact`, (t) => {
    const first = {entries: 0, bytes: 0};
    const after5k = receive(signedIn(current), 1, 5_000, first);
    const rest = {entries: 0, bytes: 0};
    const big = general(receive(after5k, 5_001, 50_000, rest));
    t.is(first.entries, HELD.max, `at most ${HELD.max} entries held over the first 5,000`);
    t.deepEqual(rest, first, 'over the next 45,000: never more entries nor more bytes held');
    t.true(big.entries.length <= HELD.max);
    t.is(held(big).at(-1), textOf(50_000), 'the newest is held');
    t.true(big.hasOlder, 'what was dropped is fetched again when scrolled back to');
    t.is(unread(big), 50_000, 'every message still counts as unread');
    // A mention in the salon on screen, at the newest line, is seen; elsewhere it is counted.
    t.is(big.mentions, current === 1 ? 0 : 50, 'every mention counted');
    const view = paneView(big, 10, ctx);
    t.is(view.lines.at(-1)?.text, textOf(50_000), 'the pane shows the newest message');
  });
}

/** An array that counts the entries read from it by index. */
function counted(entries: Entry[]): {items: Entry[]; reads: () => number} {
  let reads = 0;
  const items = new Proxy(entries, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return {items, reads: () => reads};
}

test('merging one live message into a salon holding 100,000 touches a bounded number of entries', (t) => {
  const list = Array.from({length: 100_000}, (_, i): Entry => ({kind: 'message', key: i + 1, message: message(i + 1)}));
  const {items, reads} = counted(list);
  const state = signedIn(2);
  const huge: AppState = {...state, salons: state.salons.map((s) => (s.id === 1 ? {...s, entries: Entries.adopt(items), lastSeq: 100_000} : s))};
  const next = reducer(huge, live(message(100_001)));
  t.true(reads() <= 64, `entries read: ${reads()}`);
  t.is(general(next).entries.last()?.key, 100_001);
  t.is(unread(general(next)), 100_001);
  // A duplicate (the same seq again, as a catch-up page may bring it) is found as cheaply.
  const before = reads();
  reducer(next, live(message(100_001)));
  t.true(reads() - before <= 64, `entries read for a duplicate: ${reads() - before}`);
});

test('drawing the pane of a salon holding 100,000 reads what fits on screen, not the salon', (t) => {
  const list = Array.from({length: 100_000}, (_, i): Entry => ({kind: 'message', key: i + 1, message: message(i + 1)}));
  const {items, reads} = counted(list);
  const salon: SalonView = {...general(signedIn()), entries: Entries.adopt(items), lastSeq: 100_000, readSeq: 99_990};
  const view = paneView(salon, 20, ctx);
  t.is(view.lines.at(-1)?.text, textOf(100_000));
  t.true(reads() <= 200, `entries read: ${reads()}`);
});

test('scrolled back in a busy salon: the window stays bounded around what is read, the newest are fetched again on the way down', (t) => {
  let state = receive(signedIn(1), 1, 500);
  state = reducer(state, {type: 'scroll', lines: 300, now: T0, viewport: viewport(state, general(state))});
  const anchor = general(state).anchor;
  if (!anchor) return void t.fail('scrolled');
  const reading = paneView(general(state), 18, ctx).lines.map((l) => l.text);
  state = receive(state, 501, 5_000);
  const salon = general(state);
  t.true(salon.entries.length <= HELD.max, `bounded: ${salon.entries.length}`);
  t.true(salon.hasNewer, 'the newest messages were dropped, to fetch when scrolled down to');
  t.deepEqual(paneView(salon, 18, ctx).lines.map((l) => l.text), reading, 'what the user reads has not moved');
  t.true(salon.newBelow, '"new messages below" is shown');
  t.is(unread(salon), 5_000);
  // Scrolling down to the end of the window does not pin to the bottom: newer ones exist.
  state = reducer(state, {type: 'scroll', lines: -100_000, now: T0, viewport: viewport(state, general(state))});
  t.not(general(state).anchor, null);
  // A page of newer messages joins the window where it ends.
  const last = general(state).entries.lastMessage()?.seq ?? 0;
  const page = Array.from({length: 100}, (_, i) => message(last + 1 + i));
  state = reducer(state, {type: 'page', salonId: 1, messages: page, mode: 'newer', hasMore: true});
  t.is(general(state).entries.lastMessage()?.seq, last + 100);
  // End: back to the newest page, fetched again (the controller asks for it).
  state = reducer(state, {type: 'scrollBottom'});
  t.is(general(state).anchor, null);
  t.is(general(state).entries.length, 0);
  t.false(general(state).loaded, 'the newest page is fetched again');
  t.false(general(state).hasNewer);
  // Pages asked for before End do not join the window fetched again: no hole.
  const late = reducer(state, {type: 'page', salonId: 1, messages: [message(3_000)], mode: 'newer', hasMore: true});
  t.is(general(late).entries.length, 0);
  const older = reducer(state, {type: 'page', salonId: 1, messages: [message(100)], mode: 'older', hasMore: true});
  t.is(general(older).entries.length, 0);
});

test('the unread mark is not drawn on a later message when the first unread one was dropped', (t) => {
  const state = receive(signedIn(2), 1, 2_000);
  const salon = {...general(state), readSeq: 10};
  t.false(paneView(salon, 30, ctx).lines.some((l) => l.kind === 'unread'));
  const recent = {...general(state), readSeq: 1_990};
  const lines = paneView(recent, 30, ctx).lines;
  const mark = lines.findIndex((l) => l.kind === 'unread');
  t.is(lines[mark + 1]?.text, textOf(1_991), 'above the first unread one when it is held');
});
