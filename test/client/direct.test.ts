/**
 * Direct messages from the keyboard's commands, through the real controller and a real
 * server: /dm opens and shows the conversation, /msg sends into it, the other side sees it
 * appear live, /block stops it.
 */
import {eachBackend} from '../helpers/each-backend.js';
import {signIn, startClient, texts, untilState} from '../helpers/controller.js';
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
