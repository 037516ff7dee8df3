/** The whole App with a real Controller (never started: no network), driven by keys. */
import {KEY, NOW, T0, controller, isInverse, mainState, mod, msg, plain, press, renderApp, salonInfos, until} from './helpers.js';
import test from 'ava';
import type {UserInfo} from '../../source/protocol/frames.js';

function app(t: {teardown(fn: () => void): void}, setup: (ctl: ReturnType<typeof controller>) => void = () => {}) {
  const ctl = controller();
  setup(ctl);
  const instance = renderApp(ctl);
  t.teardown(() => instance.unmount());
  return {ctl, instance, frame: () => plain(instance.lastFrame()), raw: () => instance.lastFrame() ?? ''};
}

/** Signed in, Blabla not joined yet, Général loaded with one message. */
const signedIn = (user: UserInfo = mainState().user!) => (ctl: ReturnType<typeof controller>) => {
  ctl.dispatch({type: 'link', link: 'online'});
  ctl.dispatch({type: 'loggedIn', user, salons: salonInfos({1: {lastSeq: 1, readSeq: 1}, 2: {state: 'none'}})});
  ctl.dispatch({type: 'page', salonId: 1, messages: [msg(1, 1, 'bob', 'welcome', T0)], mode: 'latest', hasMore: false});
};

test('app: starts on the connecting screen', (t) => {
  const {frame} = app(t);
  t.regex(frame(), /Connecting to chat\.example:5000…/);
});

test('app: typing in the sign-in form; the password stays hidden', async (t) => {
  const {instance, frame, ctl} = app(t, (c) => c.dispatch({type: 'showLogin'}));
  await press(instance, 'alice', KEY.tab, 'hunter2');
  t.regex(frame(), /Username\s+alice/);
  t.regex(frame(), /› Password\s+•{7}(?!•)/);
  t.false(frame().includes('hunter2'));
  t.false(instance.frames.some((f) => f.includes('hunter2')));
  await press(instance, KEY.backspace, KEY.backspace);
  t.regex(frame(), /Password\s+•{5}(?!•)/);
  t.is(ctl.getState().login.password, 'hunte');
});

test('app: Enter on an empty password asks to fill every field', async (t) => {
  const {instance, frame} = app(t, (c) => c.dispatch({type: 'showLogin'}));
  await press(instance, 'alice', KEY.enter);
  t.regex(frame(), /› Password/);
  await press(instance, KEY.enter);
  t.regex(frame(), /Fill in every field\./);
});

test('app: Ctrl+R opens the registration, which validates before sending; Esc goes back', async (t) => {
  const {instance, frame} = app(t, (c) => c.dispatch({type: 'showLogin'}));
  await press(instance, KEY.ctrl('r'));
  t.regex(frame(), /Create an account on chat\.example:5000/);
  await press(instance, 'zoe', KEY.tab, 'Zoé', KEY.tab, 'sesame123', KEY.tab, 'sesame124', KEY.enter);
  t.regex(frame(), /The two passwords differ\./);
  t.false(frame().includes('sesame'));
  t.regex(frame(), /Alias \(shown to others\)\s+Zoé/);
  await press(instance, KEY.escape);
  t.regex(frame(), /Sign in to chat\.example:5000/);
});

test('app: Alt+2 on a salon I have not joined asks to join; Esc closes and the pane says how to join', async (t) => {
  const {instance, frame, raw, ctl} = app(t, signedIn());
  t.regex(frame(), /09:30 Bob welcome/);
  await press(instance, KEY.alt('2'));
  t.regex(frame(), /Join salon Blabla\? \(y\/n\)/);
  t.true(isInverse(raw(), '2 Blabla'));
  await press(instance, KEY.escape);
  // A lone Esc is told apart from an escape sequence by a short wait, longer on a busy machine.
  await until(() => ctl.getState().modal === null, 2000);
  t.is(ctl.getState().modal, null);
  t.notRegex(frame(), /Join salon Blabla/);
  t.regex(frame(), /You are not a member of Blabla: press Enter to join\./);
});

test('app: "n" answers no to the join question', async (t) => {
  const {instance, frame, ctl} = app(t, signedIn());
  await press(instance, KEY.alt('2'));
  t.regex(frame(), /Join salon Blabla\?/);
  await press(instance, 'n');
  t.is(ctl.getState().modal, null);
  t.notRegex(frame(), /Join salon Blabla\?/);
});

test('app: Ctrl+K opens the switcher, typing filters, arrows choose, Esc closes', async (t) => {
  const {instance, frame, raw} = app(t, signedIn());
  await press(instance, KEY.ctrl('k'));
  t.regex(frame(), /Go to salon: type to filter/);
  t.regex(frame(), /║\s+Marketing\s+║/);
  await press(instance, 'in');
  t.regex(frame(), /› in/);
  t.regex(frame(), /║\s+Informatique\s+║/);
  t.notRegex(frame(), /║\s+Blabla\s+║/);
  await press(instance, KEY.down);
  t.true(isInverse(raw(), '  Marketing'));
  await press(instance, KEY.escape);
  t.notRegex(frame(), /Go to salon/);
  t.regex(frame(), /09:30 Bob welcome/);
});

test('app: Enter in the switcher opens the salon', async (t) => {
  const {instance, frame, raw} = app(t, signedIn());
  await press(instance, KEY.ctrl('k'), 'compta', KEY.enter);
  t.notRegex(frame(), /Go to salon/);
  t.true(isInverse(raw(), '3 Comptabilité'));
  t.regex(frame(), /Your request to join Comptabilité is waiting for a moderator\./);
});

test('app: typed text shows in the input; /help opens the help, Esc closes it', async (t) => {
  const {instance, frame} = app(t, signedIn());
  await press(instance, 'hello world');
  t.regex(frame(), /› hello world/);
  await press(instance, KEY.ctrl('u'), '/help', KEY.enter);
  t.regex(frame(), /\/search TEXT: search every conversation/);
  await press(instance, KEY.escape);
  t.notRegex(frame(), /\/search TEXT/);
  t.regex(frame(), /› {3}Message Général/);
});

test('app: Alt+M shows and hides the member list', async (t) => {
  const {instance, frame, ctl} = app(t, signedIn());
  t.notRegex(frame(), /Members/);
  await press(instance, KEY.alt('m'));
  ctl.dispatch({type: 'members', salonId: 1, members: [{username: 'bob', alias: 'Bob', online: true}]});
  // An answer from the server is drawn with the next frame (client/frames.ts).
  await until(() => /Members \(1\/1\)/.test(frame()));
  t.regex(frame(), /Members \(1\/1\)/);
  t.regex(frame(), /● Bob/);
  await press(instance, KEY.alt('m'));
  t.notRegex(frame(), /Members/);
});

test('app: Alt+P opens the join requests for a moderator only', async (t) => {
  const user = app(t, signedIn());
  await press(user.instance, KEY.alt('p'));
  t.notRegex(user.frame(), /Join requests/);
  const moderator = app(t, signedIn(mod));
  moderator.ctl.dispatch({type: 'event', event: {event: 'join_request', username: 'zoe', alias: 'Zoé', salon: 3, salonName: 'Comptabilité', ts: T0}, now: NOW});
  // An event is drawn with the next frame (client/frames.ts), which a loaded machine can delay.
  await until(() => /1 join request\(s\)/.test(moderator.frame()), 3000);
  t.regex(moderator.frame(), /1 join request\(s\)/);
  await press(moderator.instance, KEY.alt('p'));
  t.regex(moderator.frame(), /zoe \(Zoé\) asks to join Comptabilité/);
  await press(moderator.instance, KEY.escape);
  t.notRegex(moderator.frame(), /Join requests/);
});

test('app: Tab moves to the salon list, arrows and Enter open a salon', async (t) => {
  const {instance, frame, raw} = app(t, signedIn());
  await press(instance, KEY.tab, KEY.down, KEY.down, KEY.down, KEY.enter);
  t.true(isInverse(raw(), '4 Informatique'));
  t.regex(frame(), /Join salon Informatique\? \(y\/n\)/);
  t.regex(frame(), /A moderator must accept the request\./);
});
