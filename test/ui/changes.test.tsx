/**
 * Messages that change, on screen: "(edited)", tombstones, reactions (the user's own
 * highlighted), reply quotes, the message cursor and its hints, typing and compose lines,
 * the reaction picker; changes while scrolled up do not move the view. English and French.
 */
import {NOW, T0, apply, controller, isInverse, lineWith, lines, mainState, msg, plain, press, KEY, render, renderApp, salonInfos, scrolledBy, themed, until, withPage} from './helpers.js';
import test from 'ava';
import type {Action} from '../../source/client/reducer.js';
import type {AppState} from '../../source/client/state.js';
import type {MessageInfo} from '../../source/protocol/frames.js';
import {MainScreen} from '../../source/ui/MainScreen.js';
import {StatusBar} from '../../source/ui/StatusBar.js';

function show(t: {teardown(fn: () => void): void}, state: AppState, color = true) {
  const instance = render(themed(<MainScreen state={state} now={NOW} />, {color, lang: state.lang}));
  t.teardown(() => instance.unmount());
  return instance.lastFrame() ?? '';
}

const change = (seq: number, kind: MessageInfo['kind'], target: number, author: string, text = ''): Action => ({
  type: 'event',
  event: {event: 'message', ...msg(1, seq, author, text, T0 + seq * 60_000), kind, target},
  now: NOW,
});

const three = (lang: 'en' | 'fr' = 'en') =>
  withPage(mainState({lang, salons: salonInfos({1: {lastSeq: 3, readSeq: 3}})}), 1, [
    msg(1, 1, 'bob', 'first message', T0),
    msg(1, 2, 'alice', 'my own words', T0 + 60_000),
    msg(1, 3, 'carla', 'third one', T0 + 120_000),
  ]);

test('an edit changes the text in place with "(edited)"; a deletion leaves a tombstone with author and time (en, fr)', (t) => {
  for (const lang of ['en', 'fr'] as const) {
    const state = apply(three(lang), change(4, 'edit', 1, 'bob', 'first message, fixed'), change(5, 'delete', 2, 'alice'));
    const frame = plain(show(t, state));
    t.regex(frame, lang === 'en' ? /09:30 Bob first message, fixed \(edited\)/ : /09:30 Bob first message, fixed \(modifié\)/);
    t.regex(frame, lang === 'en' ? /09:31 Alice message deleted/ : /09:31 Alice message supprimé/);
    t.notRegex(frame, /my own words/);
    t.is(state.salons[0]!.lastSeq, 5);
  }
});

test('a change is applied once: an older or repeated one (seq not above changedSeq) is ignored', (t) => {
  let state = withPage(mainState({salons: salonInfos({1: {lastSeq: 6, readSeq: 6}})}), 1, [{...msg(1, 1, 'bob', 'as it stands', T0), editedAt: T0, changedSeq: 6}]);
  // A catch-up page repeating an edit the page already shows.
  state = apply(state, {type: 'page', salonId: 1, mode: 'after', hasMore: false, messages: [{...msg(1, 5, 'bob', 'older text', T0), kind: 'edit', target: 1}]});
  t.is(state.salons[0]!.entries.message(1)?.text, 'as it stands');
  state = apply(state, change(7, 'react', 1, 'alice', '👍'), change(7, 'react', 1, 'alice', '👍'));
  t.deepEqual(state.salons[0]!.entries.message(1)?.reactions, [{emoji: '👍', count: 1, mine: true}]);
  t.is(state.salons[0]!.entries.message(1)?.changedSeq, 7);
});

test('reactions under the message as "👍 2  🎉 1", the user\'s own highlighted; gone when taken back', (t) => {
  const state = apply(three(), change(4, 'react', 1, 'bob', '👍'), change(5, 'react', 1, 'alice', '👍'), change(6, 'react', 1, 'carla', '🎉'));
  const frame = show(t, state, false);
  const reactions = lineWith(frame, '👍 2');
  t.truthy(reactions, plain(frame));
  t.regex(reactions ?? '', /👍 2 {2}🎉 1/);
  t.true(isInverse(frame, '👍 2'), 'mine: inverse without colours');
  t.false(isInverse(frame, '🎉 1'));
  // Under the message, aligned with its text.
  const all = lines(frame);
  const at = all.findIndex((line) => line.includes('first message'));
  t.true((all[at + 1] ?? '').includes('👍 2'));
  t.is((all[at + 1] ?? '').indexOf('👍'), (all[at] ?? '').indexOf('first'));
  const back = apply(state, change(7, 'unreact', 1, 'alice', '👍'), change(8, 'unreact', 1, 'bob', '👍'));
  t.deepEqual(back.salons[0]!.entries.message(1)?.reactions, [{emoji: '🎉', count: 1}]);
  t.notRegex(plain(show(t, back)), /👍/);
});

test('a reply quotes the start of the original: from the held original, from a page\'s preview, or says it answers an earlier message', (t) => {
  const long = 'a rather long first message that goes on and on well past forty characters';
  let state = withPage(mainState({salons: salonInfos({1: {lastSeq: 40, readSeq: 40}})}), 1, [
    {...msg(1, 10, 'carla', 'answering someone', T0), replyTo: 3, reply: {seq: 3, alias: 'Dan', text: 'what Dan had said'}},
    {...msg(1, 11, 'carla', 'answering a gone one', T0), replyTo: 4, reply: {seq: 4, alias: 'Dan', text: '', deleted: true}},
    msg(1, 12, 'bob', long, T0),
  ]);
  state = apply(state, {type: 'event', event: {event: 'message', ...msg(1, 41, 'alice', 'yes indeed', T0 + 60_000), replyTo: 12}, now: NOW});
  state = apply(state, {type: 'event', event: {event: 'message', ...msg(1, 42, 'alice', 'and this', T0 + 60_000), replyTo: 2}, now: NOW});
  const frame = plain(show(t, state));
  t.regex(frame, /↳ Dan: what Dan had said/);
  t.regex(frame, /↳ Dan: message deleted/);
  t.regex(frame, /↳ Bob: a rather long first message that goes o…[^\n]*\n[^\n]*09:31 Alice yes indeed/);
  t.regex(frame, /↳ reply to an earlier message[^\n]*\n[^\n]*09:31 Alice and this/);
  // The original edited live: the quote follows it.
  const edited = plain(show(t, apply(state, change(43, 'edit', 12, 'bob', 'short now'))));
  t.regex(edited, /↳ Bob: short now/);
});

test('changes while scrolled up change lines in place: the view does not move', (t) => {
  const count = 40;
  let state = withPage(
    mainState({salons: salonInfos({1: {lastSeq: count, readSeq: count}})}),
    1,
    Array.from({length: count}, (_, i) => msg(1, i + 1, 'bob', `line number ${i + 1}`, T0 + i * 1000)),
  );
  state = scrolledBy(state, 10);
  const anchor = state.salons[0]!.anchor;
  t.not(anchor, null);
  const before = lines(show(t, state));
  const row = (frame: string[], text: string) => frame.findIndex((line) => new RegExp(`${text}\\b`).test(line));
  const bottom = `line number ${anchor!.key}`;
  const at = row(before, bottom);
  t.true(at > 0);
  // Below the view: an edit that takes three lines and reactions; above it: a reaction, a deletion.
  const wide = 'a much longer text now '.repeat(8);
  state = apply(state, change(41, 'edit', count, 'bob', wide), change(42, 'react', count - 1, 'alice', '👍'), change(43, 'react', anchor!.key - 5, 'alice', '🎉'), change(44, 'delete', anchor!.key - 3, 'bob'));
  t.deepEqual(state.salons[0]!.anchor, anchor, 'the anchor stays on its entry');
  const after = lines(show(t, state));
  t.is(row(after, bottom), at, 'the bottom line of the view stays on its row');
  t.is(after[at], before[at]);
  t.false(state.salons[0]!.newBelow, 'a change is not a new message');
});

test('the message cursor: the selected message highlighted, its keys in the status bar, only what is allowed (en, fr)', (t) => {
  const selected = (state: AppState, key: number) => apply(state, {type: 'select', key});
  const mine = selected(three(), 2);
  const frame = show(t, mine, false);
  t.true(isInverse(frame, 'my own words'));
  t.false(isInverse(frame, 'third one'));
  const bar = (state: AppState) => {
    const instance = render(themed(<StatusBar state={{...state, columns: 200}} />, {lang: state.lang}));
    t.teardown(() => instance.unmount());
    return plain(instance.lastFrame());
  };
  t.regex(bar(mine), /↑↓: choose · e: edit · d: delete · r: reply · \+: react · Esc: back/);
  const others = bar(selected(three(), 3));
  t.notRegex(others, /e: edit|d: delete/);
  t.regex(others, /r: reply · \+: react/);
  t.regex(bar(selected(three('fr'), 2)), /e : modifier · d : supprimer · r : répondre · \+ : réagir/);
  // A moderator deletes others' messages in a salon.
  const moderator = apply(selected(three(), 3), {type: 'loggedIn', user: {id: 9, username: 'marc', alias: 'Marc', role: 'moderator'}, salons: salonInfos({1: {lastSeq: 3, readSeq: 3}})});
  t.regex(bar(moderator), /d: delete/);
  t.notRegex(bar(moderator), /e: edit/);
});

test('who is typing, above the input: one, two, several; and what Enter will do (en, fr)', (t) => {
  const typing = (state: AppState, ...names: string[]) =>
    apply(state, ...names.map((name): Action => ({type: 'event', event: {event: 'typing', salon: 1, username: name.toLowerCase(), alias: name, active: true}, now: NOW})));
  t.regex(plain(show(t, typing(three(), 'Bob'))), /Bob is typing…/);
  t.regex(plain(show(t, typing(three(), 'Bob', 'Carla'))), /Bob and Carla are typing…/);
  t.regex(plain(show(t, typing(three(), 'Bob', 'Carla', 'Dan'))), /Several people are typing…/);
  t.regex(plain(show(t, typing(three('fr'), 'Bob'))), /Bob écrit…/);
  t.regex(plain(show(t, typing(three('fr'), 'Bob', 'Carla'))), /Bob et Carla écrivent…/);
  const stopped = apply(typing(three(), 'Bob'), {type: 'event', event: {event: 'typing', salon: 1, username: 'bob', alias: 'Bob', active: false}, now: NOW});
  t.notRegex(plain(show(t, stopped)), /typing/);
  const expired = apply(typing(three(), 'Bob'), {type: 'typingExpire', now: NOW + 6000});
  t.deepEqual(expired.typing, []);
  // Bounded whatever comes.
  const many = typing(three(), ...Array.from({length: 40}, (_, i) => `P${i}`));
  t.true(many.typing.length <= 16);
  const replying = apply(three(), {type: 'compose', compose: {kind: 'reply', salonId: 1, seq: 3, alias: 'Carla', text: 'third one', deleted: false}});
  t.regex(plain(show(t, replying)), /Replying to Carla: third one · Esc cancels/);
  const editing = apply(three('fr'), {type: 'compose', compose: {kind: 'edit', salonId: 1, seq: 2, draft: ''}});
  t.regex(plain(show(t, editing)), /Modification de votre message/);
});

test('the app: ↑ in the empty input selects, + opens the picker, typing filters shortcodes, Esc closes; d asks y/n; /help lists the keys (en, fr)', async (t) => {
  for (const lang of ['en', 'fr'] as const) {
    const ctl = controller(lang);
    for (const action of [
      {type: 'link', link: 'online'},
      {type: 'loggedIn', user: {id: 1, username: 'alice', alias: 'Alice', role: 'user'}, salons: salonInfos({1: {lastSeq: 3, readSeq: 3}})},
      {type: 'page', salonId: 1, mode: 'latest', hasMore: false, messages: [msg(1, 1, 'bob', 'first message', T0), msg(1, 2, 'alice', 'my own words', T0)]},
    ] as Action[])
      ctl.dispatch(action);
    const app = renderApp(ctl);
    t.teardown(() => app.unmount());
    await press(app, KEY.up);
    t.deepEqual(ctl.getState().selected, {salonId: 1, key: 2});
    await press(app, '+');
    t.true(await until(() => plain(app.lastFrame()).includes(':tada:')));
    await press(app, 't', 'a');
    t.true(await until(() => !plain(app.lastFrame()).includes(':+1:') && plain(app.lastFrame()).includes(':tada:')));
    await press(app, KEY.escape);
    t.true(await until(() => ctl.getState().modal === null));
    await press(app, 'd');
    t.true(await until(() => plain(app.lastFrame()).includes(lang === 'en' ? 'Delete this message? (y/n)' : 'Supprimer ce message ? (o/n)')));
    await press(app, 'n');
    t.true(await until(() => ctl.getState().modal === null));
    await press(app, KEY.escape);
    t.is(ctl.getState().selected, null);
    ctl.help();
    ctl.dispatch({type: 'resize', columns: 140, rows: 50});
    t.true(await until(() => plain(app.lastFrame()).includes(lang === 'en' ? 'message cursor' : 'curseur de messages')), plain(app.lastFrame()));
  }
});
