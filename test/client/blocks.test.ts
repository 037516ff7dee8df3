/** Kicks and bans as the client words them: /kick and /ban read, times told, notices shown. */
import test from 'ava';
import {blockRows, countdown, durationText, kickedNotice, kickedRefusal, parseBan, parseKick, resolveName, shownBlocks, untilLabel} from '../../source/client/blocks.js';
import {noticeOf} from '../../source/client/notices.js';
import {type Action, reducer} from '../../source/client/reducer.js';
import {type AppState, type BlocksWindow, initialState} from '../../source/client/state.js';
import {clientTranslator} from '../../source/i18n/client.js';
import type {Event, SalonInfo} from '../../source/protocol/frames.js';

process.env.TZ = 'UTC';

const en = clientTranslator('en');
const fr = clientTranslator('fr');
/** Monday 5 January 2026, 14:05 UTC. */
const NOW = Date.UTC(2026, 0, 5, 14, 5);
const MIN = 60_000;
const run = (state: AppState, ...actions: Action[]) => actions.reduce(reducer, state);
const text = (lang: 'en' | 'fr', notice: {key: Parameters<typeof en>[0]; params?: Record<string, string | number>}) => clientTranslator(lang)(notice.key, notice.params);

function signedIn(lang: 'en' | 'fr' = 'en'): AppState {
  const salons: SalonInfo[] = [{id: 1, name: 'Général', moderated: false, state: 'member', lastSeq: 0, readSeq: 0}];
  return run(initialState(lang, 'x:1'), {type: 'loggedIn', user: {id: 9, username: 'marc', alias: 'Marc', role: 'moderator'}, salons});
}

/** Someone the client has seen write in Général: alias `alias`, username `username`. */
const withAuthor = (state: AppState, username: string, alias: string, seq = 1) =>
  run(state, {type: 'page', salonId: 1, mode: 'latest', hasMore: false, messages: [{id: seq, salon: 1, seq, author: username, alias, text: 'hi', ts: NOW}]});

// ---- time ---------------------------------------------------------------------------------

test('time left in words: seconds, minutes rounded up, hours, days; singular and French', (t) => {
  t.is(durationText(45_000, en), '45 seconds');
  t.is(durationText(1000, en), '1 second');
  t.is(durationText(25 * MIN, en), '25 minutes');
  t.is(durationText(24 * MIN + 1000, en), '25 minutes', 'nobody may come back before the end');
  t.is(durationText(MIN, en), '1 minute');
  t.is(durationText(119 * MIN, en), '119 minutes');
  t.is(durationText(3 * 60 * MIN, en), '3 hours');
  t.is(durationText(3 * 24 * 60 * MIN, en), '3 days');
  t.is(durationText(24 * 60 * MIN, fr), '24 heures');
  t.is(durationText(7 * 24 * 60 * MIN, fr), '7 jours');
  t.is(durationText(MIN, fr), '1 minute');
});

test('a countdown: m:ss, h:mm:ss, then days', (t) => {
  t.is(countdown(299_000, en), '4:59');
  t.is(countdown(299_001, en), '5:00', 'rounded up to the second');
  t.is(countdown(3 * 3600_000 + 4 * MIN + 5000, en), '3:04:05');
  t.is(countdown(2 * 86_400_000 + 3600_000, en), '2 d 01:00:00');
  t.is(countdown(2 * 86_400_000 + 3600_000, fr), '2 j 01:00:00');
  t.is(countdown(-5000, en), '0:00');
});

test('until when: the time today, the day and time another day', (t) => {
  t.is(untilLabel(NOW + 25 * MIN, NOW, 'en'), '14:30');
  t.is(untilLabel(NOW + 24 * 60 * MIN, NOW, 'en'), 'Tue 6 Jan 14:05');
  t.is(untilLabel(NOW + 24 * 60 * MIN, NOW, 'fr'), 'mar. 6 janv. 14:05');
});

// ---- what the kicked or banned user reads ---------------------------------------------------

test('the kicked user reads until when, how long and why', (t) => {
  t.is(text('en', kickedNotice('en', NOW + 25 * MIN, NOW, 'flooding')), 'A moderator disconnected you until 14:30 (25 minutes): flooding');
  t.is(text('en', kickedNotice('en', NOW + 25 * MIN, NOW, null)), 'A moderator disconnected you until 14:30 (25 minutes).');
  t.is(text('fr', kickedNotice('fr', NOW + 25 * MIN, NOW, 'flood')), 'Un modérateur vous a déconnecté jusqu\u2019à 14:30 (25 minutes) : flood');
});

test('the kicked event ends the session with the reason, cleaned of escape sequences', (t) => {
  const event: Event = {event: 'kicked', minutes: 25, until: NOW + 25 * MIN, reason: 'flood\u001b[2J ing'};
  const state = run(signedIn(), {type: 'event', event, now: NOW});
  t.is(state.screen, 'login');
  t.is(state.ended?.key, 'ended.kickedWhy');
  t.is(text('en', state.ended!), 'A moderator disconnected you until 14:30 (25 minutes): flood ing');
  // A clock far from the server's: the kick is told from now, for its minutes.
  const skewed = run(signedIn(), {type: 'event', event: {event: 'kicked', minutes: 30, until: NOW - 3600_000}, now: NOW});
  t.is(text('en', skewed.ended!), 'A moderator disconnected you until 14:35 (30 minutes).');
});

test('the banned event says why when the moderator did', (t) => {
  t.is(text('en', run(signedIn(), {type: 'event', event: {event: 'banned', reason: 'spam'}, now: NOW}).ended!), 'A moderator banned this account, which no longer exists: spam');
  t.is(text('fr', run(signedIn('fr'), {type: 'event', event: {event: 'banned'}, now: NOW}).ended!), "Un modérateur a banni ce compte ; il n'existe plus.");
});

test('the KICKED refusal at sign-in: until when by this clock, how long, why', (t) => {
  const error = Object.assign(new Error('kicked'), {code: 'KICKED', details: {retryAfter: 25 * 60, until: 0, reason: 'flooding'}});
  t.is(text('en', noticeOf(error, {lang: 'en', now: NOW})), 'You were kicked until 14:30 (25 minutes to go): flooding');
  t.is(text('fr', noticeOf(error, {lang: 'fr', now: NOW})), 'Vous êtes expulsé jusqu\u2019à 14:30 (encore 25 minutes) : flooding');
  t.is(text('en', noticeOf(error)), 'You were kicked: try again in 25 minute(s).', 'without the time: the minutes');
  t.is(kickedRefusal('en', NOW, {}), undefined, 'an older server sends no details');
});

test("a refusal's details fill the notice's words", (t) => {
  const error = Object.assign(new Error('no'), {code: 'UNKNOWN_USER', details: {username: 'ghost\u0007'}});
  t.is(text('en', noticeOf(error)), 'There is no user called ghost.');
});

// ---- /kick and /ban --------------------------------------------------------------------------

test('/kick: a name, then a duration and a reason, each optional', (t) => {
  const state = signedIn();
  t.deepEqual(parseKick(state, 'eve'), {ok: true, username: 'eve'});
  t.deepEqual(parseKick(state, 'eve 30m'), {ok: true, username: 'eve', durationMs: 30 * MIN});
  t.deepEqual(parseKick(state, 'eve 2h flooding the salon'), {ok: true, username: 'eve', durationMs: 120 * MIN, reason: 'flooding the salon'});
  t.deepEqual(parseKick(state, 'eve 10 enough'), {ok: true, username: 'eve', durationMs: 10 * MIN, reason: 'enough'});
  t.deepEqual(parseKick(state, 'eve flooding'), {ok: true, username: 'eve', reason: 'flooding'}, 'no duration: the default');
  t.deepEqual(parseKick(state, 'eve 2y spam'), {ok: false, error: {key: 'kick.badDuration', params: {text: '2y'}}});
  t.deepEqual(parseKick(state, 'eve 0'), {ok: false, error: {key: 'kick.badDuration', params: {text: '0'}}});
  t.deepEqual(parseKick(state, `eve 5m ${'x'.repeat(301)}`), {ok: false, error: {key: 'kick.reasonLong', params: {max: 300}}});
});

test('a name is a username or an alias the client has seen, several words included', (t) => {
  const state = withAuthor(withAuthor(signedIn(), 'jdupont', 'Jean Dupont'), 'eve', 'Évelyne', 2);
  t.deepEqual(resolveName(state, ['Jean', 'Dupont', '30m', 'flood']), {username: 'jdupont', rest: ['30m', 'flood'], known: true});
  t.deepEqual(resolveName(state, ['stranger', 'flood']), {username: 'stranger', rest: ['flood'], known: false});
  t.deepEqual(parseKick(state, 'evelyne 1h'), {ok: true, username: 'eve', durationMs: 60 * MIN}, 'accents and case aside');
  t.deepEqual(parseKick(state, 'jdupont'), {ok: true, username: 'jdupont'});
  t.deepEqual(parseKick(state, 'stranger 5m'), {ok: true, username: 'stranger', durationMs: 5 * MIN}, 'unknown: the server judges the username');
  // Someone's alias that is another account's username names that account.
  const clash = withAuthor(withAuthor(signedIn(), 'bob', 'Bobby'), 'bobby2', 'bob', 3);
  t.is(resolveName(clash, ['bob']).username, 'bob');
});

test('/ban: a name and a reason', (t) => {
  const state = withAuthor(signedIn(), 'jdupont', 'Jean Dupont');
  t.deepEqual(parseBan(state, 'Jean Dupont spam and insults'), {ok: true, username: 'jdupont', reason: 'spam and insults'});
  t.deepEqual(parseBan(state, 'eve'), {ok: true, username: 'eve'});
});

// ---- the blocks window's rows --------------------------------------------------------------------

test("rows: kicks count down by the server's clock, run-out ones leave, bans stay", (t) => {
  const modal: BlocksWindow = {
    kind: 'blocks',
    index: 0,
    // The server's clock is 10 s ahead of this one.
    skew: 10_000,
    now: NOW,
    blocks: [
      {username: 'gone', kind: 'kick', until: NOW + 5000, reason: null},
      {username: 'eve', kind: 'kick', until: NOW + 10_000 + 25 * MIN, reason: 'flooding'},
      {username: 'bob', kind: 'ban', until: null, reason: 'spam'},
    ],
  };
  t.deepEqual(shownBlocks(modal).map((b) => b.username), ['eve', 'bob']);
  t.deepEqual(blockRows(modal, 'en'), [
    {username: 'eve', kind: 'kicked', left: '25:00', until: '14:30', reason: 'flooding'},
    {username: 'bob', kind: 'banned', left: '—', until: '', reason: 'spam'},
  ]);
  t.is(blockRows({...modal, now: NOW + 61_000}, 'en')[0]?.left, '23:59');
});
