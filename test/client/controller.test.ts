/**
 * The client's state and network code against a real chat-server on port 0: what a user
 * would see, read from the controller's state, without a terminal.
 */
import {Controller} from '../../source/client/controller.js';
import {eachBackend} from '../helpers/each-backend.js';
import {signIn, startClient, texts, untilState} from '../helpers/controller.js';
import {OPERATOR, PASSWORD, eventually, startTestServer} from '../helpers/server.js';

// The shared helpers under the names this file has always used.
const client = startClient;
const until = untilState;

function type(controller: Controller, text: string): void {
  controller.dispatch({type: 'editor', action: {type: 'insert', text}});
}

eachBackend('a user registers from the form, signs in, and messages flow both ways', async (t, db) => {
  const srv = await startTestServer(db);
  const alice = client(srv);
  const bob = client(srv);
  try {
    await until(alice, (s) => s.screen === 'login');
    alice.dispatch({type: 'showRegister'});
    for (const value of ['alice', 'Alice', PASSWORD, 'different']) {
      alice.dispatch({type: 'formInput', form: 'register', value});
      alice.dispatch({type: 'formNext', form: 'register', delta: 1});
    }
    await alice.submitRegister();
    t.is(alice.getState().register.error?.key, 'form.passwordMismatch', 'checked before sending');
    t.is(alice.getState().register.field, 3, 'the cursor is on the field to correct');
    alice.dispatch({type: 'formInput', form: 'register', value: PASSWORD});
    await alice.submitRegister();
    // The new account signs in at once: no third typing of the password.
    t.is(alice.getState().screen, 'main');
    t.is(alice.getState().user?.username, 'alice');
    t.deepEqual(alice.getState().flash, {key: 'register.welcome', params: {username: 'alice'}});

    await srv.user('bob');
    await signIn(bob, 'bob');
    type(alice, 'Bonjour !');
    alice.submitInput();
    await until(bob, (s) => texts(s, 1).includes('Bonjour !'));
    type(bob, 'Salut !');
    bob.submitInput();
    await until(alice, (s) => texts(s, 1).join('|') === 'Bonjour !|Salut !');
    t.deepEqual(alice.getState().outbox, []);
    // What was on screen is read, on the server too: a reload of the list shows no unread.
    await eventually(async () => Number((await db.query("SELECT last_read_seq AS n FROM salons_adheres WHERE username = 'alice' AND salon_id = 1"))[0]?.n) === 2);
    alice.dispatch({type: 'salons', salons: (await alice.session.request('salons', {})).salons});
    t.is(alice.getState().salons[0]?.readSeq, 2);
  } finally {
    await alice.quit();
    await bob.quit();
    await srv.stop();
  }
});

eachBackend('a wrong password and a taken username are told in words', async (t, db) => {
  const srv = await startTestServer(db);
  await srv.user('carol');
  const c = client(srv);
  try {
    await until(c, (s) => s.screen === 'login');
    c.dispatch({type: 'formInput', form: 'login', value: 'carol'});
    c.dispatch({type: 'formNext', form: 'login', delta: 1});
    c.dispatch({type: 'formInput', form: 'login', value: 'not the password'});
    await c.submitLogin();
    t.is(c.getState().login.error?.key, 'error.INVALID_CREDENTIALS');
    c.dispatch({type: 'showRegister'});
    for (const value of ['carol', 'Another', PASSWORD, PASSWORD]) {
      c.dispatch({type: 'formInput', form: 'register', value});
      c.dispatch({type: 'formNext', form: 'register', delta: 1});
    }
    await c.submitRegister();
    t.is(c.getState().register.error?.key, 'error.USERNAME_TAKEN');
  } finally {
    await c.quit();
    await srv.stop();
  }
});

eachBackend('after a lost connection the client comes back by itself and misses nothing', async (t, db) => {
  const srv = await startTestServer(db);
  await srv.user('dave');
  const eve = await srv.user('eve');
  const dave = client(srv);
  try {
    await signIn(dave, 'dave');
    await eve.request('send', {salon: 1, text: 'before'});
    await until(dave, (s) => texts(s, 1).includes('before'));
    type(dave, 'half-typed');
    // Cut every connection from the server side, then keep talking while dave is away.
    for (const conn of srv.server.connections) if (conn.session?.user.username === 'dave') conn.close();
    await until(dave, (s) => s.link === 'reconnecting' || s.link === 'connecting');
    const missed = ['while away 1', 'while away 2', 'while away 3'];
    for (const text of missed) await eve.request('send', {salon: 1, text});
    await until(dave, (s) => s.link === 'online' && texts(s, 1).length === 4);
    t.deepEqual(texts(dave.getState(), 1), ['before', ...missed]);
    t.is(dave.getState().editor.text, 'half-typed', 'the half-typed line is kept');
    t.is(dave.getState().screen, 'main', 'signed in again without the password');
  } finally {
    await dave.quit();
    await srv.stop();
  }
});

eachBackend('a message written while the connection is down is sent once it is back, exactly once', async (t, db) => {
  const srv = await startTestServer(db);
  await srv.user('fred');
  const watcher = await srv.user('gina');
  const fred = client(srv);
  try {
    await signIn(fred, 'fred');
    for (const conn of srv.server.connections) if (conn.session?.user.username === 'fred') conn.close();
    await until(fred, (s) => s.link !== 'online');
    type(fred, 'sent from the tunnel');
    fred.submitInput();
    t.is(fred.getState().outbox.length, 1, 'kept in the outbox');
    await watcher.waitFor('message', (e) => e.text === 'sent from the tunnel');
    await until(fred, (s) => s.outbox.length === 0 && texts(s, 1).includes('sent from the tunnel'));
    const rows = await db.query("SELECT message_id FROM messages WHERE contenu = 'sent from the tunnel'");
    t.is(rows.length, 1);
  } finally {
    await fred.quit();
    await srv.stop();
  }
});

eachBackend('unread counts and read markers live on the server and agree between two terminals', async (t, db) => {
  const srv = await startTestServer(db);
  await srv.user('hugo');
  const other = await srv.user('ines');
  await other.request('join', {salon: 2});
  const first = client(srv);
  const second = client(srv);
  try {
    await signIn(first, 'hugo');
    await signIn(second, 'hugo');
    await first.session.request('join', {salon: 2});
    await other.request('send', {salon: 2, text: 'one'});
    await other.request('send', {salon: 2, text: 'hugo, two'});
    await until(second, (s) => s.salons[1]?.lastSeq === 2);
    t.is(second.getState().salons[1]?.lastSeq, 2);
    await until(second, (s) => (s.salons[1]?.mentions ?? 0) === 1);
    first.open(2);
    await until(second, (s) => s.salons[1]?.readSeq === 2 && s.salons[1]?.mentions === 0);
    const [row] = await db.query("SELECT last_read_seq FROM salons_adheres WHERE username = 'hugo' AND salon_id = 2");
    t.is(Number(row?.last_read_seq), 2, 'stored on the server');
  } finally {
    await first.quit();
    await second.quit();
    await srv.stop();
  }
});

eachBackend('a moderated join is answered live, and a kick is told plainly', async (t, db) => {
  const srv = await startTestServer(db);
  await srv.user('jade');
  const jade = client(srv);
  try {
    await signIn(jade, 'jade');
    jade.open(3);
    t.deepEqual(jade.getState().modal, {kind: 'join', salonId: 3});
    await jade.answerJoin(true);
    await until(jade, (s) => s.salons[2]?.state === 'pending');
    await srv.server.moderation.accept('jade', 'Comptabilité', OPERATOR);
    await until(jade, (s) => s.salons[2]?.state === 'member');
    t.is(jade.getState().flash?.key, 'system.joined');
    await srv.server.moderation.kick('jade', {}, OPERATOR);
    await until(jade, (s) => s.screen === 'login' && s.ended?.key === 'ended.kicked');
    t.is(jade.getState().ended?.params?.left, '5 minutes');
  } finally {
    await jade.quit();
    await srv.stop();
  }
});

eachBackend('scrolling back loads older pages until the start of the salon', async (t, db) => {
  const srv = await startTestServer(db);
  const writer = await srv.user('kim');
  await srv.user('leo');
  for (let i = 1; i <= 260; i++) await writer.request('send', {salon: 1, text: `line ${i}`});
  const leo = client(srv);
  try {
    await signIn(leo, 'leo');
    await until(leo, (s) => s.salons[0]?.loaded === true);
    t.is(texts(leo.getState(), 1).length, 50, 'the first page only');
    for (let i = 0; i < 200 && leo.getState().salons[0]?.hasOlder; i++) {
      leo.scroll(20);
      await until(leo, (s) => !s.salons[0]?.loadingOlder);
    }
    t.deepEqual(texts(leo.getState(), 1), Array.from({length: 260}, (_, i) => `line ${i + 1}`));
    leo.dispatch({type: 'scrollBottom'});
    t.is(leo.getState().salons[0]?.anchor, null);
  } finally {
    await leo.quit();
    await srv.stop();
  }
});
