/** The dashboard's pure parts: key bindings by mode, cursor bounds, column layout; and the activity counter. */
import test from 'ava';
import {command} from '../../source/dashboard/keys.js';
import {columnWidths} from '../../source/dashboard/rows.js';
import {initialState, listWindow, reducer, visiblePanels} from '../../source/dashboard/state.js';
import {ActivityCounter} from '../../source/server/activity.js';

const base = initialState(80, 24, 0);

test('keys: a question takes the keyboard first, then the prompt, then the panels', (t) => {
  t.deepEqual(command('a', {}, {...base, focus: 'pending'}), {do: 'accept'});
  t.is(command('a', {}, {...base, focus: 'sessions'}), null, 'a panel acts only on its own keys');
  t.deepEqual(command('a', {}, {...base, prompt: 'KIC'}), {do: 'type', text: 'a'});
  t.deepEqual(command('y', {}, {...base, prompt: 'x', confirm: {kind: 'stop'}}), {do: 'yes'});
  t.deepEqual(command('o', {}, {...base, confirm: {kind: 'stop'}}), {do: 'yes'}, 'oui');
  t.deepEqual(command('x', {}, {...base, confirm: {kind: 'stop'}}), null, 'any other key waits');
  t.deepEqual(command('', {escape: true}, {...base, confirm: {kind: 'stop'}}), {do: 'cancel'});
  t.deepEqual(command('3', {}, base), {do: 'focus', panel: 'blocks'});
  t.deepEqual(command('', {tab: true, shift: true}, base), {do: 'cycle', by: -1});
  t.deepEqual(command('c', {ctrl: true}, base), {do: 'stop'});
  t.deepEqual(command('c', {ctrl: true}, {...base, confirm: {kind: 'stop'}}), {do: 'yes'}, 'Ctrl+C twice stops');
  t.deepEqual(command('\u001b[31mx\u0007', {}, {...base, prompt: ''}), {do: 'type', text: '[31mx'}, 'no control character reaches the line');
});

test('state: cursors stay within their lists as data changes; Tab goes round', (t) => {
  const request = {username: 'bob', alias: 'Bob', salon: 3, salonName: 'Comptabilité', ts: 0};
  let s = reducer(base, {type: 'data', data: {pending: [request, {...request, username: 'carl'}]}});
  s = reducer(reducer(s, {type: 'focus', panel: 'pending'}), {type: 'move', by: 5});
  t.is(s.cursor.pending, 1);
  s = reducer(s, {type: 'data', data: {pending: [request]}});
  t.is(s.cursor.pending, 0, 'the accepted request is gone, the cursor follows');
  t.is(reducer(reducer(s, {type: 'focus', panel: 'console'}), {type: 'cycle', by: 1}).focus, 'sessions');
  t.deepEqual(visiblePanels(s), ['pending']);
  t.is(visiblePanels(reducer(s, {type: 'resize', columns: 160, rows: 40})).length, 6);
});

test('state: the console keeps its newest lines; the prompt remembers commands', (t) => {
  let s = reducer(base, {type: 'print', lines: Array.from({length: 250}, (_, i) => `line ${i}`)});
  t.is(s.console.length, 200);
  t.is(s.console[0], 'line 50');
  s = reducer(reducer(s, {type: 'remember', line: 'WHO'}), {type: 'remember', line: 'BLOCKS'});
  s = reducer(reducer(s, {type: 'prompt', text: ''}), {type: 'history', by: -1});
  t.is(s.prompt, 'BLOCKS');
  t.is(reducer(s, {type: 'history', by: -1}).prompt, 'WHO');
});

test('layout: columns fill the width; the list window keeps the cursor in view', (t) => {
  const widths = columnWidths(76, [{width: 14, grow: true}, {width: 15, grow: true}, {width: 12, grow: true}, {width: 20}]);
  t.is(widths.reduce((a, b) => a + b, 0) + widths.length - 1, 76);
  t.deepEqual(listWindow(5, 4, 10), {start: 0, end: 5});
  t.deepEqual(listWindow(100, 50, 10), {start: 45, end: 55});
  t.deepEqual(listWindow(100, 99, 10), {start: 90, end: 100});
});

test('activity: messages of the last minute per conversation; a backlog is not activity; quiet ones are forgotten', (t) => {
  let now = 1_000_000;
  const counter = new ActivityCounter(() => now);
  for (let i = 0; i < 5; i++) counter.count(1, now);
  counter.count(2, now);
  counter.count(3, now - 120_000);
  t.deepEqual([...counter.perMinute()], [[1, 5], [2, 1]]);
  now += 30_000;
  counter.count(1, now);
  t.is(counter.perMinute().get(1), 6);
  now += 35_000;
  t.is(counter.perMinute().get(1), 1, 'the first five are over a minute old');
  t.false(counter.perMinute().has(2));
  now += 60_000;
  t.is(counter.perMinute().size, 0);
  t.is((counter as unknown as {rings: Map<number, unknown>}).rings.size, 0, 'nothing kept for conversations gone quiet');
});
