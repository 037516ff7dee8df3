/**
 * Text from other people (messages, aliases, salon names, join requests) crafted to hide,
 * reorder or pile up: what the screen shows after it went through the real reducer.
 */
import {NOW, T0, apply, lines, mainState, mod, msg, plain, render, salonInfos, themed, withPage} from './helpers.js';
import test from 'ava';
import {displayWidth} from '../../source/client/format.js';
import type {AppState} from '../../source/client/state.js';
import {MainScreen} from '../../source/ui/MainScreen.js';

/** Every invisible character the crafted texts below carry (ZWJ is kept between pictographs). */
const INVISIBLE = /[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\u3164]/u;
const ZALGO = 'Z' + '\u0301\u0302\u0303\u0304\u0305'.repeat(800);

function show(t: {teardown(fn: () => void): void}, state: AppState) {
  const instance = render(themed(<MainScreen state={state} now={NOW} />, {lang: state.lang}));
  t.teardown(() => instance.unmount());
  return plain(instance.lastFrame());
}

/** Rows that end in a border: they must all end in the same column. */
const borderColumns = (frame: string) => [...new Set(lines(frame).filter((line) => line.endsWith('│')).map(displayWidth))];

function hostileState(): AppState {
  const salons = salonInfos({1: {lastSeq: 3, readSeq: 3}, 2: {name: 'Bla\u2067bla\u2069\u200b'}});
  const state = withPage(mainState({user: mod, salons}), 1, [
    msg(1, 1, 'eve', 'pay\u200b\u200bpal \u200fmoc.evil\u200e and a\u2028second line', T0, '\u200fAdmin\u200b\u3164'),
    msg(1, 2, 'zed', ZALGO, T0 + 60_000, 'Zed'),
    msg(1, 3, 'amy', 'family 👩\u200d👩\u200d👧 and ⚠\ufe0f', T0 + 120_000, 'Amy'),
  ]);
  return apply(
    state,
    {type: 'toggleMembers'},
    {type: 'members', salonId: 1, members: [{username: 'eve', alias: 'Ev\u200be\u202e', online: true}]},
    {type: 'event', event: {event: 'join_request', username: 'eve', alias: '\u2066Eve\u2069', salon: 3, salonName: 'Compta\u200bbilité', ts: T0}, now: NOW},
  );
}

test('format characters never reach the screen: messages, aliases, salon names, members, requests', (t) => {
  const frame = show(t, hostileState());
  t.false(INVISIBLE.test(frame), JSON.stringify(lines(frame).filter((line) => INVISIBLE.test(line))));
  t.regex(frame, /09:30 Admin paypal moc\.evil and a\s*│/, 'the alias cannot pass for another with invisible padding');
  t.regex(frame, /│\s+second line\s+│/, 'a line separator breaks the line like a newline');
  t.regex(frame, /2 Blabla/);
  t.regex(frame, /● Eve/);
  t.regex(frame, /eve asks to join Comptabilité/);
});

test('a letter under 4,000 combining marks keeps 4 of them, and every border stays in its column', (t) => {
  const frame = show(t, hostileState());
  const zalgo = lines(frame).find((line) => line.includes('09:31 Zed'));
  t.truthy(zalgo);
  t.is(zalgo?.match(/\p{M}/gu)?.length, 4);
  t.deepEqual(borderColumns(frame), [100]);
});

test('emoji sequences keep their joiners and selectors', (t) => {
  const frame = show(t, hostileState());
  t.true(frame.includes('family 👩\u200d👩\u200d👧 and ⚠\ufe0f'));
});
