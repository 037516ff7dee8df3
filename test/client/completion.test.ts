/**
 * Tab in the input, through the real key router and controller against a real server:
 * names come from the salon's members, fetched when needed, and the focus never leaves the
 * input while a word is being completed.
 */
import test, {type ExecutionContext} from 'ava';
import {KeyRouter} from '../../source/client/keys.js';
import {backends} from '../helpers/backends.js';
import {signIn, startClient, untilState} from '../helpers/controller.js';
import {startTestServer} from '../helpers/server.js';

async function setup(t: ExecutionContext) {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const alice = startClient(srv);
  t.teardown(async () => {
    await alice.quit();
    await srv.stop();
    await db.drop();
  });
  // Members of Général who never said anything: no message on screen names them.
  await srv.user('exemple', 'Exemple');
  await srv.user('jp', 'Jean Pierre');
  await srv.user('alice');
  await signIn(alice, 'alice');
  const keys = new KeyRouter(alice);
  const type = (text: string) => [...text].forEach((char) => keys.handle(char, {}));
  const tab = () => keys.handle('', {tab: true});
  return {alice, type, tab, keys};
}

test('@Exe + Tab completes a member who never spoke, fetching the member list', async (t) => {
  const {alice, type, tab} = await setup(t);
  t.is(alice.getState().membersOf, null, 'no member list was opened');
  type('@Exe');
  tab();
  await untilState(alice, (s) => s.editor.text === '@Exemple ');
  t.is(alice.getState().focus, 'input');
});

test('a name without @ completes too, with ": " first in the line; several words for one alias', async (t) => {
  const {alice, type, tab} = await setup(t);
  type('exe');
  tab();
  await untilState(alice, (s) => s.editor.text === 'Exemple: ');
  alice.dispatch({type: 'editor', action: {type: 'set', text: ''}});
  type('merci jean p');
  tab();
  t.is(alice.getState().editor.text, 'merci Jean Pierre ', 'the members are known now: at once');
});

test('Tab with no match stays in the input, where Ctrl+U, Ctrl+W and Ctrl+A still edit', async (t) => {
  const {alice, type, tab, keys} = await setup(t);
  type('hello zzz');
  tab();
  await untilState(alice, (s) => s.membersOf !== null);
  tab();
  t.is(alice.getState().focus, 'input');
  t.is(alice.getState().editor.text, 'hello zzz');
  keys.handle('w', {ctrl: true});
  t.is(alice.getState().editor.text, 'hello ');
  keys.handle('a', {ctrl: true});
  t.is(alice.getState().editor.cursor, 0);
  keys.handle('u', {ctrl: true});
  keys.handle('e', {ctrl: true});
  keys.handle('u', {ctrl: true});
  t.is(alice.getState().editor.text, '');
  // With nothing before the cursor, Tab moves the focus as it always did.
  tab();
  t.is(alice.getState().focus, 'salons');
  // From there an editing key goes to the input, with the focus, as typing does.
  alice.dispatch({type: 'editor', action: {type: 'set', text: 'abc def'}});
  keys.handle('w', {ctrl: true});
  t.is(alice.getState().focus, 'input');
  t.is(alice.getState().editor.text, 'abc ');
});
