/**
 * The client reducer's transitions, without rendering: what a user sees in the panes and the
 * status bar is derived from this state, so each transition is checked where it is made.
 * (The Ink screens are tested under test/ui/, the controller against a real server.)
 */
import test from 'ava';
import {type Action, reducer} from '../../source/client/reducer.js';
import {type AppState, initialState, unread} from '../../source/client/state.js';
import type {Event, MessageInfo, SalonInfo, UserInfo} from '../../source/protocol/frames.js';

const me: UserInfo = {id: 1, username: 'alice', alias: 'Alice', role: 'user'};
const salons: SalonInfo[] = [
  {id: 1, name: 'Général', moderated: false, state: 'member', lastSeq: 2, readSeq: 2},
  {id: 2, name: 'Blabla', moderated: false, state: 'member', lastSeq: 0, readSeq: 0},
  {id: 3, name: 'Comptabilité', moderated: true, state: 'none', lastSeq: 0, readSeq: 0},
];

const message = (salon: number, seq: number, text: string, author = 'bob', clientMsgId?: string): MessageInfo => ({
  id: salon * 1000 + seq,
  salon,
  seq,
  author,
  alias: author.charAt(0).toUpperCase() + author.slice(1),
  text,
  ts: 1_700_000_000_000 + seq,
  ...(clientMsgId ? {clientMsgId} : {}),
});

const run = (state: AppState, ...actions: Action[]) => actions.reduce(reducer, state);
const event = (e: Event): Action => ({type: 'event', event: e, now: 1_700_000_000_000});
const messageEvent = (m: MessageInfo): Action => event({event: 'message', ...m} as Event);

function signedIn(): AppState {
  return run(initialState('en', '127.0.0.1:5000'), {type: 'loggedIn', user: me, salons});
}

const salon = (state: AppState, id: number) => state.salons.find((s) => s.id === id)!;
const seqs = (state: AppState, id: number) => salon(state, id).entries.flatMap((e) => (e.kind === 'message' ? [e.key] : []));

test('signing in opens the main screen on the first salon the user is a member of', (t) => {
  const state = signedIn();
  t.is(state.screen, 'main');
  t.is(state.current, 1);
  t.is(state.cursorId, 1, 'the list\'s cursor is on it');
  t.deepEqual(state.user, me);
  t.deepEqual(state.login.password, '', 'the password is not kept');
});

test('messages are kept once each, in seq order, whatever order they arrive in (live, pages, catch-up)', (t) => {
  let state = run(signedIn(), messageEvent(message(1, 4, 'four')), messageEvent(message(1, 3, 'three')));
  t.deepEqual(seqs(state, 1), [3, 4]);
  state = run(state, {type: 'page', salonId: 1, messages: [1, 2, 3].map((s) => message(1, s, `m${s}`)), mode: 'latest', hasMore: false});
  t.deepEqual(seqs(state, 1), [1, 2, 3, 4], 'the page fills in before, the duplicate seq 3 is dropped');
  const three = [...salon(state, 1).entries].find((e) => e.kind === 'message' && e.key === 3);
  t.is(three?.kind === 'message' ? three.message.text : undefined, 'three', 'the copy already there stays');
  state = run(state, {type: 'page', salonId: 1, messages: [4, 5].map((s) => message(1, s, `m${s}`)), mode: 'after', hasMore: false}, messageEvent(message(1, 5, 'five')));
  t.deepEqual(seqs(state, 1), [1, 2, 3, 4, 5]);
  t.is(salon(state, 1).lastSeq, 5);
  t.true(salon(state, 1).loaded);
});

test('a message to a salon the user is not a member of is not shown; unread counts follow lastSeq and the read marker', (t) => {
  let state = run(signedIn(), messageEvent(message(3, 1, 'secret')));
  t.deepEqual(seqs(state, 3), []);
  state = run(state, messageEvent(message(2, 1, 'a')), messageEvent(message(2, 2, 'b')));
  t.is(unread(salon(state, 2)), 2);
  state = run(state, event({event: 'read', salon: 2, seq: 1}));
  t.is(unread(salon(state, 2)), 1);
  state = run(state, event({event: 'read', salon: 2, seq: 0}));
  t.is(salon(state, 2).readSeq, 1, 'a read marker never goes back');
});

test('every message of someone else in a direct message counts as a mention and rings the bell, unless it is on screen', (t) => {
  const dm: SalonInfo = {id: 9, name: 'Bob', kind: 'dm', moderated: false, state: 'member', lastSeq: 0, readSeq: 0};
  let state = run(signedIn(), event({event: 'conversation', conversation: dm}));
  state = run(state, messageEvent(message(9, 1, 'on se voit à 14 h ?')));
  t.is(salon(state, 9).mentions, 1);
  t.is(state.bell, 1);
  state = run(state, messageEvent(message(9, 2, 'ok', 'alice')));
  t.is(salon(state, 9).mentions, 1, 'own message');
  t.is(state.bell, 1);
  state = {...state, current: 9};
  state = run(state, messageEvent(message(9, 3, 'parfait')));
  t.is(state.bell, 1, 'on screen: no bell');
});

test('a mention in another salon counts and rings the bell; in the salon on screen it does neither; own messages never', (t) => {
  let state = run(signedIn(), messageEvent(message(2, 1, 'Alice, un café ?')));
  t.is(salon(state, 2).mentions, 1);
  t.is(state.bell, 1);
  state = run(state, messageEvent(message(1, 3, 'alice: tu es là ?')));
  t.is(salon(state, 1).mentions, 0, 'seen on screen');
  t.is(state.bell, 1);
  state = run(state, messageEvent(message(2, 2, 'moi, Alice', 'alice')));
  t.is(salon(state, 2).mentions, 1, 'own message');
  state = run(state, event({event: 'read', salon: 2, seq: 2}));
  t.is(salon(state, 2).mentions, 0, 'reading up to the end clears the mentions');
});

test('a message written meanwhile waits in the outbox until its own event or answer arrives, then shows once', (t) => {
  let state = run(signedIn(), {type: 'outgoing', item: {clientMsgId: 'c1', salonId: 1, text: 'bonjour'}});
  t.deepEqual(state.outbox.map((o) => o.clientMsgId), ['c1']);
  state = run(state, {type: 'outgoingFailed', clientMsgId: 'c1', error: {key: 'error.STORE_UNAVAILABLE' as never}});
  t.truthy(state.outbox[0]?.error, 'kept, with its error, to be sent again');
  // Someone else's message with the same clientMsgId does not take it out.
  state = run(state, messageEvent(message(1, 3, 'other', 'bob', 'c1')));
  t.is(state.outbox.length, 1);
  state = run(state, messageEvent(message(1, 4, 'bonjour', 'alice', 'c1')), {type: 'sent', clientMsgId: 'c1', message: message(1, 4, 'bonjour', 'alice', 'c1')});
  t.deepEqual(state.outbox, []);
  t.deepEqual(seqs(state, 1), [3, 4], 'the event and the answer show one message');
});

test('joining: a request waits, the acceptance makes the salon a member salon with a line and a flash; a rejection only flashes', (t) => {
  const membership = (salonId: number, state: 'member' | 'pending' | 'none', reason: string, username = 'alice') =>
    event({event: 'membership', salon: salonId, salonName: salonId === 3 ? 'Comptabilité' : 'Blabla', username, alias: username === 'alice' ? 'Alice' : 'Bob', state, reason} as Event);
  let state = run(signedIn(), membership(3, 'pending', 'requested'));
  t.is(salon(state, 3).state, 'pending');
  t.is(state.flash?.key, 'join.requested');
  state = run(state, membership(3, 'member', 'accepted'));
  t.is(salon(state, 3).state, 'member');
  t.is(state.flash?.key, 'system.joined');
  t.deepEqual([...salon(state, 3).entries].map((e) => e.kind), ['system'], 'a line says Alice joined');
  state = run(state, membership(3, 'none', 'rejected'));
  t.is(salon(state, 3).state, 'none');
  t.deepEqual([...salon(state, 3).entries], [], 'nothing of a salon one is no longer in is kept');
  t.is(state.flash?.key, 'system.rejected');
});

test('someone else joins or is banned: a line in the salon, and the member list on screen follows', (t) => {
  let state = run(signedIn(), {type: 'members', salonId: 1, members: [{username: 'alice', alias: 'Alice', online: true}, {username: 'eve', alias: 'Eve', online: true}]});
  state = run(state, event({event: 'membership', salon: 1, salonName: 'Général', username: 'bob', alias: 'Bob', state: 'member', reason: 'joined'} as Event));
  t.deepEqual(state.members.map((m) => m.username), ['alice', 'bob', 'eve'], 'sorted by alias');
  state = run(state, event({event: 'presence', username: 'bob', alias: 'Bob', online: false}));
  t.deepEqual(state.members.map((m) => m.online), [true, false, true]);
  t.false(state.online.bob);
  state = run(state, event({event: 'membership', salon: 1, salonName: 'Général', username: 'eve', alias: 'Eve', state: 'none', reason: 'banned'} as Event));
  t.deepEqual(state.members.map((m) => m.username), ['alice', 'bob']);
  t.deepEqual([...salon(state, 1).entries].map((e) => (e.kind === 'system' ? e.notice.key : 'message')), ['system.joined', 'system.banned']);
});

test("a moderator's list of join requests: added once, removed when closed", (t) => {
  const request = {username: 'bob', alias: 'Bob', salon: 3, salonName: 'Comptabilité', ts: 1};
  let state = run(signedIn(), event({event: 'join_request', ...request} as Event), event({event: 'join_request', ...request} as Event));
  t.is(state.pending.length, 1);
  t.is(state.flash?.key, 'flash.joinRequest');
  state = run(state, event({event: 'join_request_closed', username: 'bob', salon: 3, outcome: 'accepted'} as Event));
  t.deepEqual(state.pending, []);
});

test("the moderator's list fetched at sign-in keeps a request announced live before the answer, once", (t) => {
  const live = {username: 'bob', alias: 'Bob', salon: 3, salonName: 'Comptabilité', ts: 2};
  const listed = {username: 'cid', alias: 'Cid', salon: 3, salonName: 'Comptabilité', ts: 1};
  const state = run(signedIn(), event({event: 'join_request', ...live} as Event), {type: 'pendingList', requests: [listed, live]});
  t.deepEqual(state.pending.map((r) => r.username), ['cid', 'bob'], 'bob once, though both told of him');
  const racing = run(signedIn(), event({event: 'join_request', ...live} as Event), {type: 'pendingList', requests: [listed]});
  t.deepEqual(racing.pending.map((r) => r.username), ['cid', 'bob'], 'the answer read before bob asked does not drop him');
});

test('kicked or banned: back to the sign-in form with the reason, nothing left to send; shutdown only flashes', (t) => {
  const before = run(signedIn(), {type: 'outgoing', item: {clientMsgId: 'c1', salonId: 1, text: 'x'}});
  const kicked = run(before, event({event: 'kicked', minutes: 5, until: 0} as Event));
  t.is(kicked.screen, 'login');
  t.is(kicked.ended?.key, 'ended.kicked');
  t.is(kicked.ended?.params?.left, '5 minutes', "an until this clock disagrees with: five minutes from now");
  t.is(kicked.user, null);
  t.deepEqual(kicked.outbox, []);
  t.is(run(before, event({event: 'banned'})).ended?.key, 'ended.banned');
  const shutdown = run(before, event({event: 'shutdown', reason: 'shutdown'}));
  t.is(shutdown.screen, 'main');
  t.is(shutdown.flash?.key, 'ended.shutdown');
  t.is(shutdown.outbox.length, 1, 'kept, to be sent after the reconnection');
});

test('signing in again after a reconnection keeps what was loaded of the salons one is still in', (t) => {
  let state = run(signedIn(), {type: 'page', salonId: 1, messages: [1, 2].map((s) => message(1, s, `m${s}`)), mode: 'latest', hasMore: false});
  state = run(state, {type: 'open', salonId: 2}, {type: 'link', link: 'reconnecting', retryIn: 1});
  state = run(state, {type: 'link', link: 'online'}, {type: 'loggedIn', user: me, salons: [{...salons[0]!, lastSeq: 3}, salons[1]!, salons[2]!]});
  t.deepEqual(seqs(state, 1), [1, 2], 'entries kept; seq 3 will be fetched after 2');
  t.is(salon(state, 1).lastSeq, 3);
  t.is(state.current, 2, 'still in the salon the user was in');
});

test('the sign-in and registration forms: Tab cycles, a new account is signed in at once', (t) => {
  let state = run(initialState('en', 'x'), {type: 'showLogin'}, {type: 'formInput', form: 'login', value: 'alice'}, {type: 'formNext', form: 'login', delta: 1});
  t.is(state.login.username, 'alice');
  t.is(state.login.field, 1);
  state = run(state, {type: 'formNext', form: 'login', delta: 1});
  t.is(state.login.field, 0, 'wraps around');
  state = run(state, {type: 'showRegister'}, {type: 'formNext', form: 'register', delta: -1});
  t.is(state.register.field, 3, 'Shift+Tab from the first field goes to the last');
  state = run(state, {type: 'formInput', form: 'register', value: 'secret'}, {type: 'registered', username: 'carol'});
  t.is(state.screen, 'login');
  t.like(state.login, {username: 'carol', busy: true, field: 1});
  t.is(state.register.confirm, '', 'the registration form is emptied');
  state = run(state, {type: 'formError', form: 'login', error: {key: 'error.UNAUTHORIZED' as never}});
  t.like(state.login, {busy: false, password: ''});
});
