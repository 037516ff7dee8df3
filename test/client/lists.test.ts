/**
 * The order of the conversation list and of the member list, through the real reducer: the
 * salons first, then direct messages and groups by last activity, kept up as messages and
 * new conversations arrive; the cursors stay on a conversation or a person, not on a row.
 */
import test from 'ava';
import {cursorIndex, listOrder, memberCursorIndex, memberOrder, switcherMatches} from '../../source/client/lists.js';
import {type Action, reducer} from '../../source/client/reducer.js';
import {type AppState, initialState} from '../../source/client/state.js';
import type {Event, MessageInfo, SalonInfo, UserInfo} from '../../source/protocol/frames.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0);
const me: UserInfo = {id: 1, username: 'alice', alias: 'Alice', role: 'user'};
const person = (username: string) => ({username, alias: username.charAt(0).toUpperCase() + username.slice(1)});
const direct = (id: number, others: string[], lastTs: number): SalonInfo => ({
  id,
  name: others.map((o) => person(o).alias).join(', '),
  kind: others.length > 1 ? 'group' : 'dm',
  moderated: false,
  state: 'member',
  participants: [person('alice'), ...others.map(person)],
  lastSeq: 0,
  readSeq: 0,
  lastTs,
});
const salons: SalonInfo[] = [
  {id: 1, name: 'Général', kind: 'salon', moderated: false, state: 'member', lastSeq: 0, readSeq: 0, lastTs: T0 + 5},
  direct(10, ['bob'], T0 + 1),
  {id: 2, name: 'Blabla', kind: 'salon', moderated: false, state: 'member', lastSeq: 0, readSeq: 0},
  direct(11, ['carol', 'dan'], T0 + 3),
  direct(12, ['eve'], 0),
];

const run = (state: AppState, ...actions: Action[]) => actions.reduce(reducer, state);
const event = (e: Event, now = T0): Action => ({type: 'event', event: e, now});
const message = (salon: number, seq: number, ts: number, author = 'bob'): Action =>
  event({event: 'message', id: salon * 100 + seq, salon, seq, author, alias: person(author).alias, text: `m${seq}`, ts} as MessageInfo & {event: 'message'});
const names = (state: AppState) => listOrder(state).map((s) => s.name);
const signedIn = () => run(initialState('en', 'chat.example:5000'), {type: 'loggedIn', user: me, salons});

test('the list: the salons as the server lists them, then direct messages and groups, newest activity first', (t) => {
  t.deepEqual(names(signedIn()), ['Général', 'Blabla', 'Carol, Dan', 'Bob', 'Eve']);
});

test('a message moves its conversation to the top of the direct messages; a salon does not move', (t) => {
  let state = run(signedIn(), message(12, 1, T0 + 10, 'eve'));
  t.deepEqual(names(state), ['Général', 'Blabla', 'Eve', 'Carol, Dan', 'Bob']);
  state = run(state, message(10, 1, T0 + 20), message(2, 1, T0 + 30));
  t.deepEqual(names(state), ['Général', 'Blabla', 'Bob', 'Eve', 'Carol, Dan']);
  // A salon list asked for before that message (a refresh after a join) does not undo it.
  state = run(state, {type: 'salons', salons});
  t.deepEqual(names(state), ['Général', 'Blabla', 'Bob', 'Eve', 'Carol, Dan']);
});

test('a conversation opened by someone else arrives live at the top of the direct messages', (t) => {
  const state = run(signedIn(), event({event: 'conversation', conversation: direct(13, ['zoe'], 0)}, T0 + 50));
  t.deepEqual(names(state), ['Général', 'Blabla', 'Zoe', 'Carol, Dan', 'Bob', 'Eve']);
  // A salon made at run time joins the salons, above the direct messages.
  const made = run(state, event({event: 'salon', salon: {id: 3, name: 'Projets', kind: 'salon', moderated: false, state: 'none', lastSeq: 0, readSeq: 0}}));
  t.deepEqual(names(made).slice(0, 4), ['Général', 'Blabla', 'Projets', 'Zoe']);
});

test('the cursor moves by rows as displayed, and stays on its conversation when the order changes under it', (t) => {
  let state = run(signedIn(), {type: 'cursor', index: 3});
  t.is(state.cursorId, 10, 'the fourth row is Bob');
  t.is(cursorIndex(state), 3);
  state = run(state, message(10, 1, T0 + 100));
  t.is(state.cursorId, 10);
  t.is(cursorIndex(state), 2, 'Bob moved up; the cursor with him');
  t.is(run(state, {type: 'cursor', index: 99}).cursorId, 12, 'clamped to the last row');
  t.is(run(state, {type: 'open', salonId: 11}).cursorId, 11, 'opening moves the cursor there');
});

test('the switcher finds a direct message or group by any other participant, never by oneself', (t) => {
  const state = signedIn();
  const found = (query: string) => switcherMatches(listOrder(state), query, me.username).map((s) => s.name);
  t.deepEqual(found('dan'), ['Carol, Dan'], 'the second person of a group, by alias');
  t.deepEqual(found('EVE'), ['Eve']);
  t.deepEqual(found('ali'), [], 'everyone takes part in their own conversations: no match by one\'s own name');
  t.deepEqual(found('bla'), ['Blabla']);
  t.deepEqual(found(''), names(state), 'an empty filter lists everything in the list\'s order');
});

test('the member list: online first, then by alias; its cursor follows the person', (t) => {
  const members = [
    {username: 'zoe', alias: 'Zoé', online: true},
    {username: 'bob', alias: 'Bob', online: false},
    {username: 'alice', alias: 'Alice', online: true},
  ];
  let state = run(signedIn(), {type: 'members', salonId: 1, members});
  t.deepEqual(memberOrder(state).map((m) => m.username), ['alice', 'zoe', 'bob']);
  state = run(state, {type: 'memberCursor', index: 2});
  t.is(state.memberCursor, 'bob');
  state = run(state, event({event: 'presence', username: 'bob', alias: 'Bob', online: true}));
  t.is(memberCursorIndex(state), 1, 'Bob came online and moved up; the cursor with him');
  t.is(run(state, {type: 'memberCursor', index: -5}).memberCursor, 'alice', 'clamped to the first row');
});
