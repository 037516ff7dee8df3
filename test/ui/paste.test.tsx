/**
 * Pasting several lines: the whole App with a real Controller (never started), fed the bytes
 * a terminal sends for a bracketed paste, and for a paste it does not bracket.
 */
import {KEY, T0, controller, msg, plain, press, renderApp, salonInfos} from './helpers.js';
import test from 'ava';

const thirty = Array.from({length: 30}, (_, i) => `line ${i + 1} of the log`);
const bracketed = (text: string) => `\u001b[200~${text}\u001b[201~`;

function app(t: {teardown(fn: () => void): void}, screen: 'main' | 'login' = 'main') {
  const ctl = controller();
  ctl.dispatch({type: 'link', link: 'online'});
  if (screen === 'login') ctl.dispatch({type: 'showLogin'});
  else {
    ctl.dispatch({type: 'loggedIn', user: {id: 1, username: 'alice', alias: 'Alice', role: 'user'}, salons: salonInfos({1: {lastSeq: 1, readSeq: 1}})});
    ctl.dispatch({type: 'page', salonId: 1, messages: [msg(1, 1, 'bob', 'welcome', T0)], mode: 'latest', hasMore: false});
  }
  const instance = renderApp(ctl);
  t.teardown(() => instance.unmount());
  return {ctl, instance, frame: () => plain(instance.lastFrame())};
}

test('paste: thirty lines land in the input as one draft; nothing is sent', async (t) => {
  const {ctl, instance, frame} = app(t);
  // The terminal sends lines separated by CR, as it does for Enter.
  await press(instance, bracketed(thirty.join('\r') + '\r'));
  t.is(ctl.getState().editor.text, thirty.join('\n'), 'the trailing line break of the copy is dropped');
  t.deepEqual(ctl.getState().outbox, []);
  // The input shows the end of the draft, where the cursor is, and says there is more above.
  t.regex(frame(), /│ ↑ line 27 of the log/);
  t.regex(frame(), /│ {3}line 30 of the log/);
});

test('paste: Enter on a large draft asks first; n keeps it to edit, y sends it as one message', async (t) => {
  const {ctl, instance, frame} = app(t);
  await press(instance, bracketed(thirty.join('\r')), KEY.enter);
  t.regex(frame(), /Send these 30 lines \(\d+ characters\) to Général as one message\? \(y\/n\)/);
  t.regex(frame(), /line 1 of the log/, 'the window shows the start of the text');
  await press(instance, KEY.enter);
  t.not(ctl.getState().modal, null, 'the Enter that sent it does not confirm it');
  await press(instance, 'n');
  t.is(ctl.getState().modal, null);
  t.is(ctl.getState().editor.text, thirty.join('\n'), 'the draft is still there');
  await press(instance, KEY.enter, 'y');
  t.is(ctl.getState().editor.text, '');
  t.deepEqual(ctl.getState().outbox.map((o) => o.text), [thirty.join('\n')]);
});

test('paste: a short paste is sent with Enter as typed text is', async (t) => {
  const {ctl, instance} = app(t);
  await press(instance, bracketed('two\rlines'), KEY.enter);
  t.deepEqual(ctl.getState().outbox.map((o) => o.text), ['two\nlines']);
});

test('paste: without brackets, lines read at once are a paste too', async (t) => {
  const {ctl, instance} = app(t);
  await press(instance, 'first\rsecond\rthird');
  t.is(ctl.getState().editor.text, 'first\nsecond\nthird');
  t.deepEqual(ctl.getState().outbox, []);
});

test('paste: a password pasted into the sign-in form fills the field, line break left out', async (t) => {
  const {ctl, instance} = app(t, 'login');
  await press(instance, 'alice', KEY.tab, bracketed('correct horse\r'));
  t.is(ctl.getState().login.password, 'correct horse');
  t.is(ctl.getState().login.busy, false, 'the paste did not press Enter');
});

test('paste: text longer than a message can be stays in the input, with the reason', async (t) => {
  const {ctl, instance, frame} = app(t);
  await press(instance, bracketed('x'.repeat(4001)), KEY.enter);
  t.is(ctl.getState().modal, null);
  t.regex(frame(), /Too long to send: 4001 characters, at most 4000\./);
  t.is(ctl.getState().editor.text.length, 4001);
});
