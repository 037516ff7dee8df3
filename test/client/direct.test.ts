/**
 * Direct messages from the keyboard's commands, through the real controller and a real
 * server: /dm opens and shows the conversation, /msg sends into it, the other side sees it
 * appear live, /block stops it.
 */
import type {Controller} from '../../source/client/controller.js';
import type {KeyPress} from '../../source/client/key-input.js';
import {KeyRouter} from '../../source/client/keys.js';
import {isDirect, listOrder, memberOrder} from '../../source/client/lists.js';
import {type AppState, currentSalon, unread} from '../../source/client/state.js';
import {eachBackend} from '../helpers/each-backend.js';
import {say, signIn, startClient, texts, untilState} from '../helpers/controller.js';
import {startTestServer} from '../helpers/server.js';

eachBackend('/dm opens a direct message, /msg writes into it, and it appears live for the other person, named after the sender', async (t, db) => {
  const srv = await startTestServer(db);
  const alice = startClient(srv);
  const bob = startClient(srv);
  try {
    await (await srv.user('alice', 'Alice')).conn.close();
    await (await srv.user('bob', 'Bob')).conn.close();
    await signIn(alice, 'alice');
    await signIn(bob, 'bob');
    alice.dispatch({type: 'editor', action: {type: 'set', text: '/msg bob Bonjour en direct'}});
    alice.submitInput();
    // Shown at once.
    await untilState(alice, (s) => s.salons.some((c) => c.kind === 'dm' && c.id === s.current));
    const dm = alice.getState().salons.find((c) => c.kind === 'dm')!;
    t.is(dm.name, 'Bob');
    await untilState(bob, (s) => texts(s, dm.id).includes('Bonjour en direct'));
    t.is(bob.getState().salons.find((c) => c.id === dm.id)?.name, 'Alice', 'appeared live, named after Alice');

    bob.dispatch({type: 'editor', action: {type: 'set', text: '/block alice'}});
    bob.submitInput();
    await untilState(bob, (s) => s.flash?.key === 'flash.blocked');
    alice.dispatch({type: 'editor', action: {type: 'set', text: '/dm bob'}});
    alice.submitInput();
    await untilState(alice, (s) => s.flash?.key === 'error.CANNOT_MESSAGE');
    t.pass();
  } finally {
    await alice.quit();
    await bob.quit();
    await srv.stop();
  }
});

/** Keys as Ink hands them over, through the one router the app uses. */
function keyboard(controller: Controller) {
  const router = new KeyRouter(controller);
  return {
    alt: (input: string) => router.handle(input, {meta: true}),
    ctrl: (input: string) => router.handle(input, {ctrl: true}),
    type: (text: string) => router.handle(text, {}),
    press: (key: KeyPress) => router.handle('', key),
  };
}

const directNames = (s: AppState) => listOrder(s).filter(isDirect).map((c) => c.name);
const rowOf = (s: AppState, name: string) => listOrder(s).findIndex((c) => c.name === name);

eachBackend('direct messages in the list: live, newest first, reached by Alt+number, Alt+A and Ctrl+K; read like salons', async (t, db) => {
  const srv = await startTestServer(db);
  const [alice, bob, carol] = [startClient(srv), startClient(srv), startClient(srv)];
  let again: Controller | undefined;
  try {
    for (const [name, alias] of [['alice', 'Alice'], ['bob', 'Bob'], ['carol', 'Carol']] as const) await (await srv.user(name, alias)).conn.close();
    await signIn(alice, 'alice');
    await signIn(bob, 'bob');
    await signIn(carol, 'carol');
    say(carol, '/msg alice first from Carol');
    await untilState(alice, (s) => directNames(s).join() === 'Carol');
    say(bob, '/msg alice then Bob');
    // Appeared live, the newest conversation first.
    await untilState(alice, (s) => directNames(s).join() === 'Bob,Carol' && listOrder(s).filter(isDirect).every((c) => c.lastSeq === 1));
    const keys = keyboard(alice);
    const salons = listOrder(alice.getState()).filter((c) => !isDirect(c)).length;
    t.is(rowOf(alice.getState(), 'Carol'), salons + 1, 'the second row of the Direct section');
    // Alt+number opens the row as displayed.
    keys.alt(String(salons + 2));
    t.is(currentSalon(alice.getState())?.name, 'Carol');
    // Each is read once on screen for a moment (the controller marks what was seen, debounced).
    await untilState(alice, (s) => texts(s, s.current!).includes('first from Carol') && currentSalon(s)?.readSeq === 1);
    // Alt+A: the conversation with something new, here Bob's (a direct message is a mention).
    keys.alt('a');
    t.is(currentSalon(alice.getState())?.name, 'Bob');
    await untilState(alice, (s) => texts(s, s.current!).includes('then Bob') && currentSalon(s)?.readSeq === 1);
    // Carol writes again: her conversation goes back to the top, live.
    say(carol, 'and again');
    await untilState(alice, (s) => directNames(s).join() === 'Carol,Bob');
    // Ctrl+K finds a direct message by the person's username.
    keys.ctrl('k');
    keys.type('carol');
    keys.press({return: true});
    t.is(currentSalon(alice.getState())?.name, 'Carol');
    // What was on screen is marked read on the server: another terminal of Alice agrees.
    await untilState(alice, (s) => currentSalon(s)?.readSeq === 2);
    // The read request is sent with the change; its answer is not awaited by anyone.
    await new Promise((resolve) => setTimeout(resolve, 200));
    again = startClient(srv);
    await signIn(again, 'alice');
    t.deepEqual(directNames(again.getState()), ['Carol', 'Bob'], 'the order comes from the server too (lastTs)');
    t.true(listOrder(again.getState()).filter(isDirect).every((c) => unread(c) === 0 && c.lastSeq > 0));
  } finally {
    for (const c of [alice, bob, carol, again]) await c?.quit();
    await srv.stop();
  }
});

eachBackend('Enter on a member in the member list opens the direct message with them; not with oneself', async (t, db) => {
  const srv = await startTestServer(db);
  const alice = startClient(srv);
  const bob = startClient(srv);
  try {
    await (await srv.user('alice', 'Alice')).conn.close();
    await (await srv.user('bob', 'Bob')).conn.close();
    await signIn(alice, 'alice');
    await signIn(bob, 'bob');
    const keys = keyboard(alice);
    // Alt+M shows the list, Tab from the input gives it the keyboard.
    keys.alt('m');
    await untilState(alice, (s) => s.members.some((m) => m.username === 'bob'));
    keys.press({tab: true});
    t.is(alice.getState().focus, 'members');
    const order = () => memberOrder(alice.getState()).map((m) => m.username);
    const go = (username: string) => {
      keys.press({upArrow: true});
      keys.press({upArrow: true});
      for (let i = 0; i < order().indexOf(username); i++) keys.press({downArrow: true});
    };
    go('alice');
    keys.press({return: true});
    t.is(alice.getState().flash?.key, 'members.self');
    t.is(alice.getState().focus, 'members', 'nothing opened');
    go('bob');
    keys.press({return: true});
    t.is(alice.getState().focus, 'input');
    await untilState(alice, (s) => currentSalon(s)?.kind === 'dm' && currentSalon(s)?.name === 'Bob');
    // It appears live on the other side.
    await untilState(bob, (s) => directNames(s).join() === 'Alice');
    // Esc gives the keyboard back to the input.
    keys.press({tab: true});
    t.is(alice.getState().focus, 'members');
    keys.press({escape: true});
    t.is(alice.getState().focus, 'input');
  } finally {
    await alice.quit();
    await bob.quit();
    await srv.stop();
  }
});
