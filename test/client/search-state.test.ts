/**
 * The search window's state without a server: the page that replaces a conversation's window
 * around a found message, the results kept to go back to, the pages of results, and the
 * lines of a result (its text cut around the match, the matched words marked).
 */
import test from 'ava';
import {type Action, reducer} from '../../source/client/reducer.js';
import {textLines} from '../../source/client/search-view.js';
import {type AppState, type SearchWindow, initialState} from '../../source/client/state.js';
import {searchNotice} from '../../source/client/search.js';
import {RequestError} from '../../source/client/connection.js';
import type {MessageInfo, SalonInfo, UserInfo} from '../../source/protocol/frames.js';

const me: UserInfo = {id: 1, username: 'alice', alias: 'Alice', role: 'user'};
const salons: SalonInfo[] = [{id: 1, name: 'Général', moderated: false, state: 'member', lastSeq: 300, readSeq: 300}];
const message = (seq: number, text = `message ${seq}`): MessageInfo => ({id: 1000 + seq, salon: 1, seq, author: 'bob', alias: 'Bob', text, ts: 1_767_600_000_000 + seq});
const range = (from: number, to: number) => Array.from({length: to - from + 1}, (_, i) => message(from + i));
const run = (state: AppState, ...actions: Action[]) => actions.reduce(reducer, state);
const signedIn = () => run(initialState('en', 'x:1'), {type: 'loggedIn', user: me, salons});
const viewport = {width: 60, rows: {messages: 10, pending: [], morePending: 0, info: 0}};

test('a page around a found message replaces the window, which then lacks the newest rows; a late newest page is not merged into it', (t) => {
  let state = run(signedIn(), {type: 'page', salonId: 1, messages: range(251, 300), mode: 'latest', hasMore: true});
  state = run(state, {type: 'page', salonId: 1, messages: range(61, 110), mode: 'around', hasMore: true, newer: true});
  let salon = state.salons[0]!;
  t.is(salon.entries.firstMessage()?.seq, 61);
  t.is(salon.entries.lastMessage()?.seq, 110);
  t.true(salon.hasNewer && salon.hasOlder && salon.loaded);
  t.deepEqual(salon.anchor, {key: 110, linesBelow: 0}, 'not pinned to the newest line');
  // The cursor on the message: the pane moves to it, never to "the bottom".
  state = run(state, {type: 'select', key: 100, now: 0, viewport});
  t.deepEqual(state.selected, {salonId: 1, key: 100});
  t.not(state.salons[0]!.anchor, null);
  // A newest page asked before the jump arrives after it: dropped, no hole in the window.
  state = run(state, {type: 'page', salonId: 1, messages: range(251, 300), mode: 'latest', hasMore: true});
  salon = state.salons[0]!;
  t.is(salon.entries.lastMessage()?.seq, 110);
  // Live messages wait until the user scrolls down to them.
  state = run(state, {type: 'event', event: {event: 'message', ...message(301)}, now: 0});
  t.is(state.salons[0]!.entries.lastMessage()?.seq, 110);
});

test('a page around a message among the newest holds the newest rows: pinned to the bottom, live messages follow', (t) => {
  let state = run(signedIn(), {type: 'page', salonId: 1, messages: range(251, 300), mode: 'around', hasMore: true, newer: false});
  t.false(state.salons[0]!.hasNewer);
  t.is(state.salons[0]!.anchor, null);
  state = run(state, {type: 'event', event: {event: 'message', ...message(301)}, now: 0});
  t.is(state.salons[0]!.entries.lastMessage()?.seq, 301);
});

test('results are kept when their window closes, until another search or signing out; Esc back is only for the message opened from them', (t) => {
  const results: SearchWindow = {kind: 'search', query: 'budget', results: [message(5, 'budget')], index: 0, hasMore: true};
  let state = run(signedIn(), {type: 'modal', modal: results}, {type: 'modal', modal: null});
  t.is(state.lastSearch?.query, 'budget');
  state = run(state, {type: 'searchBack', on: true});
  t.true(state.searchBack);
  // Leaving the cursor or the conversation ends the way back (the results stay for /search).
  t.false(run(state, {type: 'select', key: null}).searchBack);
  t.is(run(state, {type: 'select', key: null}).lastSearch?.query, 'budget');
  // A window still searching is not kept: there is nothing to go back to.
  t.is(run(state, {type: 'modal', modal: {kind: 'search', query: 'other', results: null}}, {type: 'modal', modal: null}).lastSearch, null);
  t.is(run(state, {type: 'ended', notice: {key: 'ended.loggedOut'}}).lastSearch, null);
});

test('a further page of results is added only to the window that asked for it', (t) => {
  const asked: SearchWindow = {kind: 'search', query: 'budget', results: [message(9, 'budget')], hasMore: true, loadingMore: true};
  const page: Action = {type: 'searchPage', query: 'budget', messages: [message(3, 'budget again')], hasMore: false};
  const state = run(signedIn(), {type: 'modal', modal: asked}, page);
  const modal = state.modal as SearchWindow;
  t.deepEqual(modal.results?.map((m) => m.seq), [9, 3]);
  t.false(modal.hasMore);
  t.false(modal.loadingMore);
  // Another query, or a window that is not waiting (closed and reopened meanwhile): unchanged.
  t.is((run(signedIn(), {type: 'modal', modal: {...asked, query: 'other'}}, page).modal as SearchWindow).results?.length, 1);
  t.is((run(signedIn(), {type: 'modal', modal: {...asked, loadingMore: false}}, page).modal as SearchWindow).results?.length, 1);
});

test('a result\u2019s text: matched words marked (prefixes, accents and case aside), three lines at most, starting near a far match', (t) => {
  const marked = (lines: {text: string; match: boolean}[][]) => lines.flat().filter((s) => s.match).map((s) => s.text);
  t.deepEqual(marked(textLines('Réunion sur le Budget, budgétaire et rebudget', {prefixes: ['reunion', 'budg'], phrases: []}, 60)), ['Réunion', 'Budget', 'budgétaire']);
  t.deepEqual(marked(textLines('le plan de la réunion', {prefixes: [], phrases: [['plan', 'reunion']]}, 60)), ['plan', 'réunion']);
  const long = `${'mot '.repeat(80)}enfin le budget ${'suite '.repeat(40)}`;
  const lines = textLines(long, {prefixes: ['budget'], phrases: []}, 30);
  t.is(lines.length, 3);
  const text = lines.map((l) => l.map((s) => s.text).join(''));
  t.true(text[0]!.startsWith('…'));
  t.deepEqual(marked(lines), ['budget']);
  t.true(text[2]!.endsWith('…'));
  t.true(text.every((l) => l.length <= 30));
});

test('refusals are told as what to change', (t) => {
  t.deepEqual(searchNotice(new RequestError('BAD_SEARCH', '', {problem: 'BAD_DATE'})), {key: 'search.problem.BAD_DATE'});
  t.deepEqual(searchNotice(new RequestError('BAD_SEARCH', '')), {key: 'error.BAD_SEARCH'});
  t.deepEqual(searchNotice(new RequestError('RATE_LIMITED', '', {retryAfterMs: 1500})), {key: 'search.tooFast', params: {seconds: 2}});
});
