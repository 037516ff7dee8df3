/**
 * Messages that change, from the keyboard, through the real controller and a real server:
 * the message cursor edits, reacts, replies and deletes; the other side applies each change
 * live, a client that was cut off applies them on catch-up, a new one reads pages as they
 * stand; unread counts count messages; typing notices come and go; refusals are told.
 */
import type {Controller} from '../../source/client/controller.js';
import type {KeyPress} from '../../source/client/key-input.js';
import {KeyRouter} from '../../source/client/keys.js';
import {type AppState, unread} from '../../source/client/state.js';
import type {MessageInfo} from '../../source/protocol/frames.js';
import {eachBackend} from '../helpers/each-backend.js';
import {say, signIn, startClient, untilState} from '../helpers/controller.js';
import {startTestServer} from '../helpers/server.js';

function keyboard(controller: Controller) {
  const router = new KeyRouter(controller);
  return {
    type: (text: string) => {
      for (const char of text) router.handle(char, {});
    },
    press: (key: KeyPress, input = '') => router.handle(input, key),
  };
}

const held = (s: AppState, salon: number, text: string): MessageInfo | undefined => {
  const found = s.salons.find((c) => c.id === salon)?.entries.flatMap((e) => (e.kind === 'message' ? [e.message] : [])) ?? [];
  return found.find((m) => m.text === text || m.text.startsWith(text));
};
const bySeq = (s: AppState, salon: number, seq: number) => s.salons.find((c) => c.id === salon)?.entries.message(seq);

eachBackend('the message cursor edits, reacts, replies and deletes; the other side sees each change live, a client cut off catches up', async (t, db) => {
  const srv = await startTestServer(db);
  const [alice, bob, carol] = [startClient(srv), startClient(srv), startClient(srv)];
  let late: Controller | undefined;
  try {
    for (const name of ['alice', 'bob', 'carol']) await (await srv.user(name)).conn.close();
    await signIn(alice, 'alice');
    await signIn(bob, 'bob');
    await signIn(carol, 'carol');
    say(alice, 'Bonjuor à tous');
    await untilState(bob, (s) => held(s, 1, 'Bonjuor') !== undefined);
    await untilState(carol, (s) => held(s, 1, 'Bonjuor') !== undefined);
    await untilState(alice, (s) => held(s, 1, 'Bonjuor') !== undefined && s.outbox.length === 0);
    const seq = held(alice.getState(), 1, 'Bonjuor')!.seq;
    // Carol is cut off: she will catch up with what she missed.
    for (const conn of srv.server.connections) if (conn.session?.user.username === 'carol') conn.close();
    await untilState(carol, (s) => s.link !== 'online');

    // ↑ in the empty input: the cursor on the newest message; e puts its text in the input.
    const keys = keyboard(alice);
    keys.press({upArrow: true});
    t.deepEqual(alice.getState().selected, {salonId: 1, key: seq});
    keys.type('e');
    t.is(alice.getState().editor.text, 'Bonjuor à tous');
    t.is(alice.getState().compose?.kind, 'edit');
    t.is(alice.getState().selected, null);
    alice.dispatch({type: 'editor', action: {type: 'set', text: 'Bonjour à tous'}});
    keys.press({return: true});
    await untilState(bob, (s) => bySeq(s, 1, seq)?.text === 'Bonjour à tous' && bySeq(s, 1, seq)?.editedAt !== undefined);
    t.is(alice.getState().compose, null);
    t.is(alice.getState().editor.text, '');
    t.is(held(alice.getState(), 1, 'Bonjour')?.seq, seq, 'changed in place, no new line');

    // Bob reacts with the picker (Alt+↓ would work as well as ↑ in an empty input).
    const bobKeys = keyboard(bob);
    bobKeys.press({upArrow: true, meta: true});
    bobKeys.type('+');
    t.is(bob.getState().modal?.kind, 'react');
    bobKeys.type('tada');
    bobKeys.press({return: true});
    await untilState(alice, (s) => bySeq(s, 1, seq)?.reactions?.[0]?.emoji === '🎉');
    t.deepEqual(alice.getState().salons[0]!.entries.message(seq)?.reactions, [{emoji: '🎉', count: 1}]);
    await untilState(bob, (s) => bySeq(s, 1, seq)?.reactions?.[0]?.mine === true);
    // The same choice again takes it back.
    t.deepEqual(bob.getState().selected, {salonId: 1, key: seq});
    bobKeys.type('+');
    bobKeys.type('tada');
    bobKeys.press({return: true});
    await untilState(alice, (s) => bySeq(s, 1, seq)?.reactions === undefined);
    bobKeys.type('+');
    bobKeys.press({return: true});
    await untilState(alice, (s) => bySeq(s, 1, seq)?.reactions?.[0]?.emoji === '👍');

    // r: Bob answers it; the send carries replyTo.
    bobKeys.type('r');
    t.is(bob.getState().compose?.kind, 'reply');
    bobKeys.type('Salut !');
    bobKeys.press({return: true});
    await untilState(alice, (s) => held(s, 1, 'Salut !')?.replyTo === seq);

    // Bob may not edit Alice's message: e does nothing on it; a refusal is told.
    bobKeys.press({upArrow: true, meta: true});
    bobKeys.press({upArrow: true, meta: true});
    t.deepEqual(bob.getState().selected, {salonId: 1, key: seq});
    bobKeys.type('e');
    t.is(bob.getState().compose, null, 'not offered');
    (bob as unknown as {outbox: {change(salon: number, c: object): void}}).outbox.change(1, {type: 'edit', seq, text: 'à moi'});
    await untilState(bob, (s) => s.flash?.key === 'error.NOT_YOURS');
    bobKeys.press({escape: true});
    t.is(bob.getState().selected, null);

    // d asks first, y deletes: a tombstone in place.
    keys.press({upArrow: true});
    keys.press({upArrow: true});
    t.deepEqual(alice.getState().selected, {salonId: 1, key: seq});
    keys.type('d');
    t.is(alice.getState().modal?.kind, 'confirm');
    keys.type('y');
    await untilState(bob, (s) => bySeq(s, 1, seq)?.deletedAt !== undefined);
    t.like(bySeq(bob.getState(), 1, seq), {text: '', deletedBy: 'alice', reactions: undefined});

    // Carol comes back and applies what she missed to the message she holds.
    await untilState(carol, (s) => s.link === 'online' && bySeq(s, 1, seq)?.deletedAt !== undefined && held(s, 1, 'Salut !') !== undefined);
    t.like(bySeq(carol.getState(), 1, seq), {text: '', deletedBy: 'alice'});
    // Someone who signs in after reads the page as it stands: the reply shows the tombstone.
    late = startClient(srv);
    await signIn(late, 'carol');
    await untilState(late, (s) => held(s, 1, 'Salut !') !== undefined);
    t.like(bySeq(late.getState(), 1, seq), {text: '', deletedBy: 'alice'});
    t.like(held(late.getState(), 1, 'Salut !')?.reply, {seq, deleted: true});
  } finally {
    for (const c of [alice, bob, carol, late]) await c?.quit();
    await srv.stop();
  }
});

eachBackend('unread counts count messages, not changes; an edit notifies only for a mention it adds', async (t, db) => {
  const srv = await startTestServer(db);
  const [alice, bob] = [startClient(srv), startClient(srv)];
  try {
    for (const name of ['alice', 'bob']) await (await srv.user(name)).conn.close();
    await signIn(alice, 'alice');
    await signIn(bob, 'bob');
    // Bob looks at another salon.
    bob.open(2);
    const a = (await (alice as unknown as {session: {request: Controller['session']['request']}}).session.request('send', {salon: 1, text: 'un'})).message;
    await alice.session.request('send', {salon: 1, text: 'deux'});
    await alice.session.request('react', {salon: 1, seq: a.seq, emoji: '👍'});
    await alice.session.request('edit', {salon: 1, seq: a.seq, text: 'un, corrigé'});
    await untilState(bob, (s) => s.salons[0]!.lastSeq === a.seq + 3);
    const general = () => bob.getState().salons.find((s) => s.id === 1)!;
    t.is(unread(general()), 2, 'two messages, not four rows');
    t.is(general().mentions, 0);
    const bell = bob.getState().bell;
    // An edit that adds a mention of Bob notifies once; editing it again does not.
    await alice.session.request('edit', {salon: 1, seq: a.seq, text: 'un, Bob'});
    await untilState(bob, (s) => s.salons[0]!.mentions === 1);
    t.is(bob.getState().bell, bell + 1);
    await alice.session.request('edit', {salon: 1, seq: a.seq, text: 'un, Bob !'});
    await untilState(bob, (s) => bySeq(s, 1, a.seq)?.text === 'un, Bob !');
    t.is(general().mentions, 1);
    t.is(unread(general()), 2);
    // A client signing in reads the counts from the salon list (lastN, readN).
    bob.open(1);
    await untilState(bob, (s) => unread(s.salons[0]!) === 0 && s.salons[0]!.readSeq === s.salons[0]!.lastSeq);
    await alice.session.request('react', {salon: 1, seq: a.seq, emoji: '🎉'});
    await untilState(bob, (s) => bySeq(s, 1, a.seq)?.reactions?.length === 2);
    t.is(unread(general()), 0, 'a reaction is not unread');
  } finally {
    await alice.quit();
    await bob.quit();
    await srv.stop();
  }
});

eachBackend('typing: shown to the other side while the user types, gone once the input is cleared; never for a command', async (t, db) => {
  const srv = await startTestServer(db);
  const [alice, bob] = [startClient(srv), startClient(srv)];
  try {
    for (const [name, alias] of [['alice', 'Alice'], ['bob', 'Bob']]) await (await srv.user(name!, alias)).conn.close();
    await signIn(alice, 'alice');
    await signIn(bob, 'bob');
    const keys = keyboard(alice);
    keys.type('/hel');
    await new Promise((resolve) => setTimeout(resolve, 150));
    t.deepEqual(bob.getState().typing, [], 'a command is not typing');
    alice.dispatch({type: 'editor', action: {type: 'set', text: ''}});
    keys.type('Bonj');
    await untilState(bob, (s) => s.typing.some((x) => x.username === 'alice' && x.alias === 'Alice' && x.salonId === 1));
    keys.press({ctrl: true}, 'u');
    await untilState(bob, (s) => s.typing.length === 0);
    keys.type('Bonjour');
    await untilState(bob, (s) => s.typing.length === 1);
    keys.press({return: true});
    await untilState(bob, (s) => s.typing.length === 0 && held(s, 1, 'Bonjour') !== undefined);
  } finally {
    await alice.quit();
    await bob.quit();
    await srv.stop();
  }
});

eachBackend('Enter on a reply goes to the message it answers, loading older pages; says so when there is no such message', async (t, db) => {
  const srv = await startTestServer(db);
  const alice = startClient(srv);
  try {
    const bob = await srv.user('bob');
    await (await srv.user('alice')).conn.close();
    const {message: original} = await bob.request('send', {salon: 1, text: 'the original, long ago'});
    for (let i = 0; i < 260; i++) await bob.request('send', {salon: 1, text: `filler ${i}`});
    const {change} = await bob.request('react', {salon: 1, seq: original.seq + 1, emoji: '👍'});
    await bob.request('send', {salon: 1, text: 'answering a reaction row', replyTo: change!.seq});
    await bob.request('send', {salon: 1, text: 'answering the original', replyTo: original.seq});
    await signIn(alice, 'alice');
    await untilState(alice, (s) => held(s, 1, 'answering the original') !== undefined);
    t.is(bySeq(alice.getState(), 1, original.seq), undefined, 'not in the newest page');
    const keys = keyboard(alice);
    keys.press({upArrow: true});
    t.is(alice.getState().selected?.key, held(alice.getState(), 1, 'answering the original')!.seq);
    keys.press({return: true});
    await untilState(alice, (s) => s.selected?.key === original.seq);
    t.is(bySeq(alice.getState(), 1, original.seq)?.text, 'the original, long ago');
    const salon = alice.getState().salons.find((s) => s.id === 1)!;
    t.not(salon.anchor, null, 'the pane went up with the cursor');
    t.true(salon.entries.length <= 600, 'the window stays bounded');
    // A reply to a row that is not a message (here a reaction).
    keys.press({escape: true});
    alice.scrollToBottom();
    await untilState(alice, (s) => s.salons[0]!.loaded && held(s, 1, 'answering a reaction row') !== undefined);
    keys.press({upArrow: true});
    keys.press({upArrow: true});
    t.is(alice.getState().selected?.key, held(alice.getState(), 1, 'answering a reaction row')!.seq);
    keys.press({return: true});
    await untilState(alice, (s) => s.flash?.key === 'reply.gone');
  } finally {
    await alice.quit();
    await srv.stop();
  }
});
