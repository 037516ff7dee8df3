import test from 'ava';
import {Entries} from '../../source/client/entries.js';
import {paneView, scrollAnchor} from '../../source/client/pane.js';
import type {SalonView} from '../../source/client/state.js';
import type {MessageInfo} from '../../source/protocol/frames.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0);
const me = {username: 'me', alias: 'Me'};

function salonWith(count: number): SalonView {
  const entries = Array.from({length: count}, (_, i) => {
    const message: MessageInfo = {id: i + 1, salon: 1, seq: i + 1, author: 'bob', alias: 'Bob', text: `message ${i + 1}`, ts: T0 + i};
    return {kind: 'message' as const, key: i + 1, message};
  });
  return {id: 1, name: 'Général', moderated: false, state: 'member', lastSeq: count, readSeq: count, mentions: 0, entries: Entries.adopt(entries), loaded: true, hasOlder: false, loadingOlder: false, hasNewer: false, loadingNewer: false, anchor: null, newBelow: false, changeSeq: 0};
}

const ctx = {width: 60, height: 10, me, lang: 'en' as const, now: T0};
const texts = (s: SalonView) => paneView(s, 10, ctx).lines.map((l) => l.text);

test('a salon of 100,000 messages shows exactly the newest screenful', (t) => {
  const salon = salonWith(100_000);
  const view = paneView(salon, 10, ctx);
  t.is(view.lines.length, 10);
  t.is(view.lines.at(-1)?.text, 'message 100000');
  t.false(view.atTop);
});

test('scrolling up and down by lines moves through the messages and back to the bottom', (t) => {
  const salon = salonWith(100_000);
  const up = {...salon, anchor: scrollAnchor(salon, 25, ctx)};
  t.is(texts(up).at(-1), 'message 99975');
  const further = {...up, anchor: scrollAnchor(up, 25, ctx)};
  t.is(texts(further).at(-1), 'message 99950');
  const back = {...further, anchor: scrollAnchor(further, -50, ctx)};
  t.is(back.anchor, null, 'pinned to the bottom again');
});

test('scrolling past the first message stops with the first line at the top', (t) => {
  const salon = salonWith(30);
  const top = {...salon, anchor: scrollAnchor(salon, 1000, ctx)};
  const view = paneView(top, 10, ctx);
  t.true(view.atTop);
  t.is(view.lines.length, 10, 'the pane stays full');
  t.deepEqual(view.lines.slice(0, 3).map((l) => l.text), ['Start of Général.', 'Today', 'message 1'], 'the start of the salon is one of the lines counted');
});

test('a short salon cannot scroll', (t) => {
  const salon = salonWith(3);
  t.is(scrollAnchor(salon, 5, ctx), null);
  t.true(paneView(salon, 10, ctx).atTop);
});

test('the unread mark sits above the first unread message of someone else', (t) => {
  const salon = {...salonWith(20), readSeq: 17};
  const lines = paneView(salon, 10, ctx).lines;
  const mark = lines.findIndex((l) => l.kind === 'unread');
  t.is(lines[mark + 1]?.text, 'message 18');
});
