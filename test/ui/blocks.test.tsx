/** The moderators' blocks window in place of the messages, on an 80x24 terminal: rows, countdowns, the chosen block, lifting. */
import {KEY, NOW, apply, controller, isInverse, lines, mainState, mod, plain, press, render, renderApp, salonInfos, themed, widest} from './helpers.js';
import test from 'ava';
import type {AppState, BlocksWindow} from '../../source/client/state.js';
import type {Lang} from '../../source/i18n/index.js';
import type {BlockInfo} from '../../source/protocol/frames.js';
import {MainScreen} from '../../source/ui/MainScreen.js';

const MIN = 60_000;
const EVE: BlockInfo = {username: 'eve', kind: 'kick', until: NOW + 25 * MIN, reason: 'flooding'};
const CID: BlockInfo = {username: 'cid', kind: 'kick', until: NOW + 26 * 3600_000, reason: null};
const BOB: BlockInfo = {username: 'bob', kind: 'ban', until: null, reason: 'spam'};

const blocksModal = (extra: Partial<BlocksWindow> = {}): BlocksWindow => ({kind: 'blocks', blocks: [EVE, CID, BOB], skew: 0, now: NOW, index: 0, ...extra});
const withBlocks = (extra: Partial<BlocksWindow> = {}, lang: Lang = 'en'): AppState =>
  apply(mainState({user: mod, columns: 80, rows: 24, lang}), {type: 'modal', modal: blocksModal(extra)});

function show(t: {teardown(fn: () => void): void}, state: AppState, color = true) {
  const instance = render(themed(<MainScreen state={state} now={NOW} />, {color, lang: state.lang}));
  t.teardown(() => instance.unmount());
  return instance.lastFrame() ?? '';
}

/** The text inside the window's double border, one string per row. */
const inside = (frame: string) => lines(frame).flatMap((line) => /║(.*)║/.exec(line)?.[1]?.trimEnd() ?? []);

test('80x24: each block on a row (name, kind, time left, reason), the chosen one told under the list', (t) => {
  const frame = show(t, withBlocks());
  t.deepEqual(inside(plain(frame)).filter((row) => row.trim() !== ''), [
    ' Kicks and bans: ↑↓ choose · u lift · Esc close',
    ' › eve  kicked         25:00  flooding',
    '   cid  kicked  1 d 02:00:00',
    '   bob  banned             —  spam',
    ' eve: kicked until 12:25',
    ' Reason: flooding',
  ]);
  t.true(isInverse(frame, 'eve'));
  t.false(isInverse(frame, 'bob'));
  t.true(widest(frame) <= 80, 'fits 80 columns');
  t.true(lines(frame).length <= 24, 'fits 24 rows');
});

test('the countdown follows the window clock; a kick that ran out leaves the list', (t) => {
  t.regex(plain(show(t, withBlocks({now: NOW + 61_000}))), /eve {2}kicked {9}23:59/);
  const later = plain(show(t, withBlocks({now: NOW + 25 * MIN})));
  t.notRegex(later, /eve/);
  t.regex(later, /› cid/, 'the cursor on what is left');
});

test("the server's clock counts, not this one", (t) => {
  // The server is a minute ahead: a minute less is left than this clock would say.
  t.regex(plain(show(t, withBlocks({skew: MIN}))), /eve {2}kicked {9}24:00/);
});

test('a ban chosen: no end, its reason; a block without one says so', (t) => {
  t.deepEqual(inside(plain(show(t, withBlocks({index: 2})))).slice(-2), [' bob: banned, with no end', ' Reason: spam']);
  t.deepEqual(inside(plain(show(t, withBlocks({index: 1})))).slice(-2), [' cid: kicked until Tue 6 Jan 14:00', ' No reason given.']);
});

test('lifting asks in place of the details', (t) => {
  // Wrapped when longer than the window: read as one text.
  const tail = (state: AppState, rows: number) => inside(plain(show(t, state))).slice(-rows).map((row) => row.trim()).join(' ');
  t.is(tail(withBlocks({index: 2, confirm: 'bob'}), 2), 'Lift the ban on bob? The name may register again. (y/n)');
  t.is(tail(withBlocks({confirm: 'eve'}), 1), 'End the kick of eve now? (y/n)');
  t.notRegex(plain(show(t, withBlocks({confirm: 'eve'}))), /Reason: flooding/, 'the question in place of the details');
});

test('on its way, empty, refused', (t) => {
  t.deepEqual(inside(plain(show(t, withBlocks({blocks: null})))).slice(1), [' Loading…']);
  t.deepEqual(inside(plain(show(t, withBlocks({blocks: []})))).slice(1), [' Nobody is kicked or banned.']);
  t.regex(plain(show(t, withBlocks({blocks: [], error: {key: 'error.FORBIDDEN'}}))), /Only moderators may do that\./);
});

test('a long reason is cut on its row and wrapped under the list; a long list keeps the chosen row in view', (t) => {
  const reason = 'posted the same advertisement for watches in every salon, then insulted those who asked him to stop';
  const many: BlockInfo[] = Array.from({length: 30}, (_, i) => ({username: `user${String(i).padStart(2, '0')}`, kind: 'kick', until: NOW + (i + 1) * MIN, reason: i === 27 ? reason : null}));
  const frame = show(t, withBlocks({blocks: many, index: 27}));
  const rows = inside(plain(frame));
  t.true(rows.some((row) => row.startsWith(' › user27')), 'the chosen row is shown');
  t.false(rows.some((row) => row.includes('user00')), 'the first rows give way');
  t.true(rows.at(-2)!.startsWith(' Reason: posted the same advertisement'));
  t.true(rows.at(-1)!.length > 10, 'the rest of the reason on the next line');
  t.true(widest(frame) <= 80);
  t.true(lines(frame).length <= 24);
});

test('in French', (t) => {
  const rows = inside(plain(show(t, withBlocks({}, 'fr')))).filter((row) => row.trim() !== '');
  t.deepEqual(rows, [
    ' Expulsions et bannissements : ↑↓ choisir · u lever ·',
    '  Échap fermer',
    ' › eve  expulsé         25:00  flooding',
    '   cid  expulsé  1 j 02:00:00',
    '   bob  banni               —  spam',
    ' eve : expulsé jusqu\u2019à 12:25',
    ' Raison : flooding',
  ]);
});

test('the ban question shows the reason the user will read', (t) => {
  const state = apply(mainState({user: mod, columns: 80}), {type: 'modal', modal: {kind: 'confirm', action: {type: 'ban', username: 'eve', reason: 'spam and insults'}}});
  const rows = inside(plain(show(t, state)));
  t.deepEqual(rows.slice(0, 1), [' Ban eve? (y/n)']);
  t.true(rows.some((row) => row.includes('Reason given to them: spam and insults')));
});

test('keys in the App: ↓ chooses, u asks, n keeps, Esc closes', async (t) => {
  const ctl = controller();
  ctl.dispatch({type: 'link', link: 'online'});
  ctl.dispatch({type: 'loggedIn', user: mod, salons: salonInfos()});
  const instance = renderApp(ctl, {columns: 80});
  ctl.dispatch({type: 'resize', columns: 80, rows: 24});
  t.teardown(() => instance.unmount());
  ctl.dispatch({type: 'modal', modal: blocksModal()});
  await press(instance, KEY.down, 'u');
  t.regex(plain(instance.lastFrame()), /End the kick of cid now\? \(y\/n\)/);
  await press(instance, 'n');
  t.notRegex(plain(instance.lastFrame()), /\(y\/n\)/);
  t.regex(plain(instance.lastFrame()), /cid: kicked until/);
  await press(instance, KEY.escape);
  t.is(ctl.getState().modal, null);
});
