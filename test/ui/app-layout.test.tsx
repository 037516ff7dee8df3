/** The whole App on a 60-column terminal, and without colours (NO_COLOR). */
import {T0, colourCodes, controller, delay, isInverse, lines, mod, msg, plain, renderApp, salonInfos, widest} from './helpers.js';
import test from 'ava';
import type {Controller} from '../../source/client/controller.js';
import type {Modal} from '../../source/client/state.js';
import type {UserInfo} from '../../source/protocol/frames.js';

type Setup = (ctl: Controller) => void;

const longUser: UserInfo = {id: 3, username: 'jean-baptiste.delacroix', alias: 'Jean-Baptiste Delacroix', role: 'user'};

const reconnecting: Setup = (c) => c.dispatch({type: 'link', link: 'reconnecting', retryIn: 12, error: {key: 'error.generic', params: {message: 'connect ECONNREFUSED 203.0.113.10:5000'}}});
const login: Setup = (c) => {
  c.dispatch({type: 'showLogin'});
  c.dispatch({type: 'formInput', form: 'login', value: 'a-very-long-username-typed-here'});
  c.dispatch({type: 'formNext', form: 'login', delta: 1});
  c.dispatch({type: 'formInput', form: 'login', value: 'correct horse battery staple and more'});
  c.dispatch({type: 'ended', notice: {key: 'ended.kickedWhy', params: {time: '14:30', left: '5 minutes', reason: 'flooding the salon with the same long line again and again'}}});
  c.dispatch({type: 'formError', form: 'login', error: {key: 'error.KICKED', params: {minutes: 5}}});
};
const register: Setup = (c) => {
  c.dispatch({type: 'showRegister'});
  c.dispatch({type: 'formInput', form: 'register', value: 'someone'});
  c.dispatch({type: 'formError', form: 'register', error: {key: 'form.usernameInvalid'}});
};
function main(user: UserInfo = longUser, extra: Setup = () => {}): Setup {
  return (c) => {
    c.dispatch({type: 'link', link: 'online'});
    c.dispatch({type: 'loggedIn', user, salons: salonInfos({1: {lastSeq: 4, readSeq: 2}, 2: {lastSeq: 1500, readSeq: 0}})});
    c.dispatch({type: 'page', salonId: 1, mode: 'latest', hasMore: false, messages: [
      msg(1, 1, 'bob', 'short', T0 - 86_400_000),
      msg(1, 2, 'maximilien', 'Réunion budget 2026 à 14 h : 日本語のテキスト、絵文字 😀👍🏽 et drapeau 🇫🇷, puis unmotvraimenttrèstrèslongquinetientpassurunelignedutout', T0, 'Maximilien de la Tour du Pin'),
      msg(1, 3, longUser.username, 'my own message, @bob', T0 + 60_000, longUser.alias),
      msg(1, 4, 'bob', `hey ${user.alias}, look`, T0 + 120_000),
    ]});
    c.dispatch({type: 'event', event: {event: 'message', ...msg(2, 1501, 'bob', `@${user.username}`, T0)}, now: T0});
    c.dispatch({type: 'toggleMembers'});
    c.dispatch({type: 'members', salonId: 1, members: [{username: 'maximilien', alias: 'Maximilien de la Tour du Pin', online: true}, {username: 'bob', alias: 'Bob', online: false}]});
    c.dispatch({type: 'outgoing', item: {clientMsgId: 'x1', salonId: 1, text: 'a queued message that is much longer than the narrow pane', error: {key: 'error.STORE_UNAVAILABLE'}}});
    c.dispatch({type: 'flash', notice: {key: 'system.rejected', params: {salon: 'Comptabilité'}}});
    extra(c);
  };
}
const modal = (m: Modal, user?: UserInfo): Setup => main(user, (c) => {
  c.dispatch({type: 'pendingList', requests: [{username: 'zoe', alias: 'Zoé', salon: 3, salonName: 'Comptabilité', ts: T0}]});
  c.dispatch({type: 'modal', modal: m});
});

const SCREENS: Record<string, Setup> = {
  connecting: () => {},
  'connecting, retrying': reconnecting,
  'login with notices': login,
  'register with an error': register,
  main: main(),
  'main, not a member': main(longUser, (c) => c.dispatch({type: 'open', salonId: 4})),
  'join modal': modal({kind: 'join', salonId: 4}),
  switcher: modal({kind: 'switcher', query: 'a', index: 1}),
  'pending modal': modal({kind: 'pending', index: 0}, mod),
  help: modal({kind: 'help'}, mod),
  'search results': modal({kind: 'search', query: 'budget', results: [msg(1, 2, 'maximilien', 'Réunion budget 2026 à 14 h : 日本語のテキスト 😀 et encore du texte pour remplir', T0, 'Maximilien de la Tour du Pin')]}),
  'search error': modal({kind: 'search', query: 'budget', results: [], error: {key: 'error.generic', params: {message: 'a rather long explanation of what went wrong on the server side'}}}),
};

async function frameOf(setup: Setup, options: {color: boolean; columns?: number}) {
  const ctl = controller();
  setup(ctl);
  const instance = renderApp(ctl, options);
  await delay(50);
  const result = {last: instance.lastFrame() ?? '', frames: [...instance.frames], state: ctl.getState()};
  instance.unmount();
  return result;
}

// ---- 60 columns --------------------------------------------------------------------------

for (const [name, setup] of Object.entries(SCREENS)) {
  test(`60 columns: no line wider than the terminal (${name})`, async (t) => {
    const {last, state} = await frameOf(setup, {color: true, columns: 60});
    t.is(state.columns, 60);
    const wide = lines(last).filter((line) => widest(line) > 60);
    t.deepEqual(wide, [], plain(last));
    t.true(plain(last).trim().length > 0);
  });
}

/** The main screen fills exactly the terminal: panes with their bottom borders, then the input, then one status row. */
function assertIntact(t: {is(a: unknown, b: unknown, m?: string): void; true(v: boolean, m?: string): void}, frame: string, alias?: string) {
  const rows = lines(frame);
  t.is(rows.length, 24, plain(frame));
  t.true(rows.some((row) => /^(╰─+╯){2,3}$/.test(row)), `pane bottom borders missing:\n${plain(frame)}`);
  const status = rows.at(-1) ?? '';
  t.true(/^╰─+╯$/.test(rows.at(-2) ?? '') && status.includes('●'), `status bar not on one row:\n${plain(frame)}`);
  if (alias) t.true(status.includes(alias), `alias missing from the status bar:\n${plain(frame)}`);
}

const alice: UserInfo = {id: 1, username: 'alice', alias: 'Alice', role: 'user'};
const marc: UserInfo = {id: 2, username: 'marc', alias: 'Marc', role: 'moderator'};

test('60 columns: the main screen fits 24 rows, status on one row', async (t) => {
  const {last} = await frameOf(main(alice), {color: true, columns: 60});
  assertIntact(t, last);
  t.regex(lines(last).at(-1) ?? '', /● connected .*Your request to join/);
  const quiet = await frameOf(main(alice, (c) => c.dispatch({type: 'flash', notice: null})), {color: true, columns: 60});
  assertIntact(t, quiet.last, 'Alice');
});

// Regression: the status bar's left part used to never shrink, so at 60 columns a reconnecting
// link, a moderator's request count or a long alias wrapped onto a second row and Ink squeezed
// the panes (the message pane lost its bottom border).
for (const [name, user, extra] of [
  ['reconnecting', alice, (c) => c.dispatch({type: 'link', link: 'reconnecting', retryIn: 12})],
  ['moderator with a join request', marc, (c) => c.dispatch({type: 'pendingList', requests: [{username: 'zoe', alias: 'Zoé', salon: 3, salonName: 'Comptabilité', ts: T0}]})],
  ['long alias and username', longUser, () => {}],
] as Array<[string, UserInfo, Setup]>) {
  test(`60 columns: the status bar stays on one row (${name})`, async (t) => {
    const noFlash: Setup = (c) => {
      extra(c);
      c.dispatch({type: 'flash', notice: null});
    };
    const {last} = await frameOf(main(user, noFlash), {color: true, columns: 60});
    assertIntact(t, last, user.alias);
  });
}

// ---- colours -----------------------------------------------------------------------------

test('colours are on by default (the control for the NO_COLOR tests)', async (t) => {
  const {last} = await frameOf(main(), {color: true});
  t.true(colourCodes(last).length > 0);
});

for (const [name, setup] of Object.entries(SCREENS)) {
  if (name.startsWith('connecting')) continue;
  test(`NO_COLOR: no colour codes at all (${name})`, async (t) => {
    const {frames} = await frameOf(setup, {color: false});
    for (const frame of frames) t.deepEqual(colourCodes(frame), [], JSON.stringify(frame.slice(0, 400)));
  });
}

test('NO_COLOR: emphasis falls back to inverse video (link state, current salon)', async (t) => {
  const {last} = await frameOf(main(), {color: false});
  t.true(isInverse(last, '● connected'));
  t.true(isInverse(last, '1 Général'));
});

// The spinner follows the theme too: no colour codes on the connecting screen.
test('NO_COLOR: the connecting screen has no colour codes', async (t) => {
  for (const setup of [SCREENS.connecting!, SCREENS['connecting, retrying']!]) {
    const {frames} = await frameOf(setup, {color: false});
    for (const frame of frames) t.deepEqual(colourCodes(frame), []);
  }
});
