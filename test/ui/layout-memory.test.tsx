/**
 * Ink keeps the measure of every text it lays out in a module-level cache keyed by the
 * text, for the life of the process (ink/build/measure-text.js). The message pane must
 * not hand it the messages' text, or a client left on a busy salon keeps every line it
 * ever drew (issue 14: the RSS drift). Checked on Ink's own tree, through the real App.
 */
import test from 'ava';
import {T0, controller, plain, renderApp, salonInfos, until} from './helpers.js';
import type {Action} from '../../source/client/reducer.js';

interface InkNode {
  nodeName: string;
  nodeValue?: string;
  childNodes?: InkNode[];
}

// Ink's instance per stdout: the same module Ink itself loaded, found beside its entry point.
const {default: instances} = (await import(new URL('./instances.js', import.meta.resolve('ink')).href)) as {default: WeakMap<object, {rootNode: InkNode}>};

/** The text of each node Ink measures (an ink-text and what it holds), as Ink squashes it. */
function measuredTexts(node: InkNode, out: string[] = []): string[] {
  const own = (n: InkNode): string => (n.nodeName === '#text' ? (n.nodeValue ?? '') : (n.childNodes ?? []).map(own).join(''));
  if (node.nodeName === 'ink-text') out.push(own(node));
  else for (const child of node.childNodes ?? []) measuredTexts(child, out);
  return out;
}

const live = (seq: number): Action => ({type: 'event', event: {event: 'message', id: 1000 + seq, salon: 1, seq, author: 'bob', alias: 'Bob', text: `busy line ${seq} @alice`, ts: T0 + seq}, now: T0 + seq});

test('the message pane lays out blank placeholders: no message text enters Ink\'s measure cache', async (t) => {
  const ctl = controller();
  ctl.dispatch({type: 'link', link: 'online'});
  ctl.dispatch({type: 'loggedIn', user: {id: 1, username: 'alice', alias: 'Alice', role: 'user'}, salons: salonInfos()});
  ctl.dispatch({type: 'page', salonId: 1, messages: [], mode: 'latest', hasMore: false});
  const instance = renderApp(ctl);
  t.teardown(() => instance.unmount());
  for (let seq = 1; seq <= 30; seq++) ctl.dispatch(live(seq));
  t.true(await until(() => plain(instance.lastFrame()).includes('busy line 30'), 2000), plain(instance.lastFrame()));
  // What the user sees is styled as before: the mention in bold magenta, the alias coloured.
  t.regex(instance.lastFrame() ?? '', /\u001b\[1m\u001b\[35mbusy line 30 @alice/);
  const ink = instances.get(instance.stdout);
  t.truthy(ink, 'Ink instance of the test stdout');
  const texts = measuredTexts(ink!.rootNode);
  t.true(texts.length > 0);
  t.deepEqual(
    texts.filter((text) => /busy line|Bob|\d\d:\d\d/.test(text)),
    [],
  );
});
