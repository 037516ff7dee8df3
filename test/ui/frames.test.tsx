/**
 * A busy salon is drawn a frame at a time, not a message at a time: a burst of messages is
 * one frame, and keys are still answered at once. Through the real App and controller
 * under ink-testing-library (each frame Ink draws is one entry of `frames`).
 */
import test from 'ava';
import {T0, controller, msg, plain, press, renderApp, salonInfos, until} from './helpers.js';
import type {Action} from '../../source/client/reducer.js';

const live = (seq: number, salon = 1): Action => ({type: 'event', event: {event: 'message', ...msg(salon, seq, 'bob', `burst ${seq}`, T0 + seq)}, now: T0 + seq});

function app(t: {teardown(fn: () => void): void}, current: number) {
  const ctl = controller();
  ctl.dispatch({type: 'link', link: 'online'});
  ctl.dispatch({type: 'loggedIn', user: {id: 1, username: 'alice', alias: 'Alice', role: 'user'}, salons: salonInfos()});
  for (const id of [1, 2]) ctl.dispatch({type: 'page', salonId: id, messages: [], mode: 'latest', hasMore: false});
  ctl.dispatch({type: 'open', salonId: current});
  const instance = renderApp(ctl);
  t.teardown(() => instance.unmount());
  return {ctl, instance, frame: () => plain(instance.lastFrame())};
}

test('a burst of 300 messages into a salon in the background is drawn once, with its unread count', async (t) => {
  const {ctl, instance, frame} = app(t, 2);
  await until(() => /Message Blabla/.test(frame()));
  const before = instance.frames.length;
  for (let seq = 1; seq <= 300; seq++) ctl.dispatch(live(seq));
  t.true(await until(() => /Général\s+300/.test(frame()), 2000), frame());
  t.is(instance.frames.length - before, 1, 'one frame for the whole burst');
  // The next burst, right after: one more frame, whenever the frame's time comes.
  for (let seq = 301; seq <= 600; seq++) ctl.dispatch(live(seq));
  t.true(await until(() => /Général\s+600/.test(frame()), 2000), frame());
  t.is(instance.frames.length - before, 2);
});

test('a burst into the salon on screen is drawn once, and a key typed meanwhile is answered at once', async (t) => {
  const {ctl, instance, frame} = app(t, 1);
  await until(() => /Message Général/.test(frame()));
  const before = instance.frames.length;
  for (let seq = 1; seq <= 200; seq++) ctl.dispatch(live(seq));
  t.true(await until(() => frame().includes('burst 200'), 2000), frame());
  t.is(instance.frames.length - before, 1, 'one frame for the whole burst');
  for (let seq = 201; seq <= 400; seq++) ctl.dispatch(live(seq));
  // The key does not wait for the frame's time: the burst so far is drawn with it.
  await press(instance, 'x');
  t.regex(frame(), /› x/);
  t.true(frame().includes('burst 400'));
});
