/** The duration grammar shared by the console's KICK and the client's /kick. */
import test from 'ava';
import {MAX_KICK_MS, parseDuration} from '../../source/protocol/duration.js';
import {parseDuration as consoleParse} from '../../source/server/moderation.js';

test('units as people type them; a bare number is minutes', (t) => {
  t.is(parseDuration('90s'), 90_000);
  t.is(parseDuration('30'), 30 * 60_000);
  t.is(parseDuration('30m'), 30 * 60_000);
  t.is(parseDuration('30min'), 30 * 60_000);
  t.is(parseDuration('2h'), 2 * 3600_000);
  t.is(parseDuration('1d'), 86_400_000);
  t.is(parseDuration('1j'), 86_400_000, 'jour, as French operators write it');
  t.is(parseDuration('1w'), 7 * 86_400_000);
  t.is(parseDuration(' 2H '), 2 * 3600_000, 'spaces and case do not matter');
});

test('anything else, zero and more than a year are refused', (t) => {
  for (const text of ['', 'flooding', '0', '0m', '1.5h', '-5', '30x', '1y', '367d', '1234567']) t.is(parseDuration(text), undefined, text);
  t.is(parseDuration('366d'), MAX_KICK_MS);
});

test('the console reads the same grammar', (t) => {
  t.is(consoleParse, parseDuration);
});
