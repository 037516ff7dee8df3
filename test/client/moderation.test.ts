/** Moderation from the client against a real server: kicks and bans with their reasons, the blocks window, what asks before it acts. */
import test from 'ava';
import {backends} from '../helpers/backends.js';
import {say, signIn, startClient, untilState} from '../helpers/controller.js';
import {OPERATOR, PASSWORD, startTestServer} from '../helpers/server.js';
import {blockRows} from '../../source/client/blocks.js';
import {KeyRouter} from '../../source/client/keys.js';
import type {BlocksWindow, Notice} from '../../source/client/state.js';
import {clientTranslator} from '../../source/i18n/client.js';

const en = (notice: Notice) => clientTranslator('en')(notice.key, notice.params);

test('/ban asks first: n leaves the account alone, y bans it', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const marc = startClient(srv);
  t.teardown(async () => {
    await marc.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.moderator('marc');
  const eve = await srv.user('eve');
  await signIn(marc, 'marc');

  say(marc, '/ban eve');
  await untilState(marc, (s) => s.modal !== null);
  t.deepEqual(marc.getState().modal, {kind: 'confirm', action: {type: 'ban', username: 'eve'}});
  await marc.confirm(false);
  t.is(marc.getState().modal, null);
  t.truthy(await srv.store.findUser('eve'), 'no answer but y deletes nothing');
  t.false(eve.events.some((e) => e.event === 'banned'));

  say(marc, '/ban eve');
  await untilState(marc, (s) => s.modal !== null);
  await marc.confirm(true);
  await eve.waitFor('banned');
  await untilState(marc, (s) => s.flash?.key === 'flash.banned');
  t.falsy(await srv.store.findUser('eve'));
});

test('/kick by alias with a duration and a reason: the user reads why and until when, the moderator until when; signing in again says so too', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const marc = startClient(srv);
  const eve = startClient(srv);
  t.teardown(async () => {
    await marc.quit();
    await eve.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.moderator('marc');
  const writer = await srv.user('eve', 'Évelyne Durand');
  await signIn(marc, 'marc');
  await signIn(eve, 'eve');
  // Marc knows eve by the alias she writes under.
  await writer.request('send', {salon: 1, text: 'buy cheap watches', clientMsgId: 'spam-1'});
  await untilState(marc, (s) => s.salons[0]?.entries.lastMessage()?.alias === 'Évelyne Durand');

  const before = Date.now();
  say(marc, '/kick Évelyne Durand 30m flooding the salon');
  await untilState(eve, (s) => s.screen === 'login' && s.ended !== null);
  t.is(eve.getState().ended?.key, 'ended.kickedWhy');
  t.regex(en(eve.getState().ended!), /^A moderator disconnected you until \d\d:\d\d \(30 minutes\): flooding the salon$/);
  await untilState(marc, (s) => s.flash?.key === 'flash.kickedWhy');
  t.regex(en(marc.getState().flash!), /^eve is kicked until \d\d:\d\d \(30 minutes\): flooding the salon$/);
  const record = await srv.store.findUser('eve');
  t.true(record!.kickedUntil! >= before + 30 * 60_000 && record!.kickedUntil! <= Date.now() + 30 * 60_000);
  t.is(record!.kickReason, 'flooding the salon');

  // Back at the sign-in form, a new attempt is refused with the same facts.
  // (The connection the kick closed may still be on its way back: tried again then, as a person would.)
  for (let attempt = 0; attempt < 20; attempt++) {
    await untilState(eve, (s) => s.link === 'online');
    eve.dispatch({type: 'formField', form: 'login', field: 0});
    eve.dispatch({type: 'formInput', form: 'login', value: 'eve'});
    eve.dispatch({type: 'formField', form: 'login', field: 1});
    eve.dispatch({type: 'formInput', form: 'login', value: PASSWORD});
    await eve.submitLogin();
    if (eve.getState().login.error?.key !== 'error.CONNECTION_CLOSED') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.is(eve.getState().login.error?.key, 'kicked.signInWhy');
  t.regex(en(eve.getState().login.error!), /^You were kicked until \d\d:\d\d \((30|29) minutes to go\): flooding the salon$/);
});

test('/kick refuses a duration it cannot read, and names the unknown user', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const marc = startClient(srv);
  t.teardown(async () => {
    await marc.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.moderator('marc');
  const eve = await srv.user('eve');
  await signIn(marc, 'marc');
  say(marc, '/kick eve 2y spam');
  await untilState(marc, (s) => s.flash !== null);
  t.is(en(marc.getState().flash!), 'Not a duration: 2y. Write 90s, 30m, 2h, 1d, 1w or a number of minutes, up to a year.');
  say(marc, '/kick ghost');
  await untilState(marc, (s) => s.flash?.key === 'error.UNKNOWN_USER');
  t.is(en(marc.getState().flash!), 'There is no user called ghost.');
  t.false(eve.events.some((e) => e.event === 'kicked'));
  say(marc, '/kick eve 90s');
  const kicked = await eve.waitFor('kicked');
  t.is(kicked.minutes, 2, 'rounded up to the minute');
  t.is(kicked.reason, undefined);
});

test('/ban with a reason: the y/n window carries it, the banned user reads it', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const marc = startClient(srv);
  const eve = startClient(srv);
  t.teardown(async () => {
    await marc.quit();
    await eve.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.moderator('marc');
  await srv.user('eve');
  await signIn(marc, 'marc');
  await signIn(eve, 'eve');
  say(marc, '/ban eve spam and insults');
  await untilState(marc, (s) => s.modal !== null);
  t.deepEqual(marc.getState().modal, {kind: 'confirm', action: {type: 'ban', username: 'eve', reason: 'spam and insults'}});
  await marc.confirm(true);
  await untilState(eve, (s) => s.ended !== null);
  t.is(en(eve.getState().ended!), 'A moderator banned this account, which no longer exists: spam and insults');
  await untilState(marc, (s) => s.flash?.key === 'flash.bannedWhy');
  t.is(en(marc.getState().flash!), 'eve was banned: spam and insults');
});

test('the blocks window: kicks counting down and bans with their reasons; u asks, y lifts and lists again; no clock once closed', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const marc = startClient(srv);
  t.teardown(async () => {
    await marc.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.moderator('marc');
  await srv.user('eve');
  await srv.user('bob');
  await srv.user('cid');
  await srv.server.moderation.kick('eve', {durationMs: 10 * 60_000, reason: 'flooding'}, OPERATOR);
  await srv.server.moderation.kick('cid', {durationMs: 3600_000}, OPERATOR);
  await srv.server.moderation.ban('bob', 'spam', OPERATOR);
  await signIn(marc, 'marc');
  const keys = new KeyRouter(marc);
  const window = () => marc.getState().modal as BlocksWindow;

  keys.handle('k', {meta: true});
  t.is(window().kind, 'blocks');
  t.true(marc.moderation.ticking);
  await untilState(marc, (s) => s.modal?.kind === 'blocks' && s.modal.blocks !== null);
  t.deepEqual(window().blocks?.map((b) => [b.username, b.kind, b.reason]), [['eve', 'kick', 'flooding'], ['cid', 'kick', null], ['bob', 'ban', 'spam']]);
  const [first] = blockRows(window(), 'en');
  t.regex(first!.left, /^(10:00|9:5\d)$/);
  // The countdown moves by itself while the window is open.
  const shown = window().now;
  await untilState(marc, (s) => s.modal?.kind === 'blocks' && s.modal.now >= shown + 1000, 3000);
  t.regex(blockRows(window(), 'en')[0]!.left, /^9:5\d$/);

  // u on the ban, then n: nothing changes.
  keys.handle('', {downArrow: true});
  keys.handle('', {downArrow: true});
  keys.handle('', {downArrow: true});
  t.is(window().index, 2, 'the cursor stops on the last row');
  keys.handle('u', {});
  t.is(window().confirm, 'bob');
  keys.handle('', {upArrow: true});
  t.is(window().index, 2, 'the question takes the keyboard');
  keys.handle('n', {});
  t.is(window().confirm, undefined);
  t.is(window().kind, 'blocks', 'the window stays');

  // Delete on eve's kick, then y: lifted, the list comes again without her.
  keys.handle('', {upArrow: true});
  keys.handle('', {upArrow: true});
  keys.handle('', {delete: true});
  t.is(window().confirm, 'eve');
  keys.handle('y', {});
  await untilState(marc, (s) => s.flash?.key === 'flash.liftedKick');
  t.is(en(marc.getState().flash!), 'eve may sign in again: the kick is over.');
  await untilState(marc, (s) => s.modal?.kind === 'blocks' && s.modal.blocks?.length === 2);
  t.deepEqual(window().blocks?.map((b) => b.username), ['cid', 'bob']);
  t.is((await srv.store.findUser('eve'))?.kickedUntil ?? null, null);
  const eve = await srv.connect();
  await t.notThrowsAsync(eve.request('login', {username: 'eve', password: PASSWORD}), 'eve may sign in again');

  // The ban too, from /blocks.
  keys.handle('', {escape: true});
  t.is(marc.getState().modal, null);
  t.false(marc.moderation.ticking, 'no clock once closed');
  say(marc, '/blocks');
  await untilState(marc, (s) => s.modal?.kind === 'blocks' && s.modal.blocks !== null);
  keys.handle('', {downArrow: true});
  keys.handle('u', {});
  keys.handle('y', {});
  await untilState(marc, (s) => s.flash?.key === 'flash.liftedBan');
  await untilState(marc, (s) => s.modal?.kind === 'blocks' && s.modal.blocks?.length === 1);
  const again = await srv.connect();
  await t.notThrowsAsync(again.request('register', {username: 'bob', alias: 'Bob again', password: PASSWORD}), 'the name may register again');
  keys.handle('q', {});
  t.false(marc.moderation.ticking);
});

test('Alt+K and /blocks are for moderators only', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const ann = startClient(srv);
  t.teardown(async () => {
    await ann.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.user('ann');
  await signIn(ann, 'ann');
  new KeyRouter(ann).handle('k', {meta: true});
  t.is(ann.getState().modal, null);
  t.false(ann.moderation.ticking);
  say(ann, '/blocks');
  t.is(ann.getState().flash?.key, 'cmd.unknown');
});

test('lifting a block someone else lifted meanwhile says so and lists again', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const marc = startClient(srv);
  t.teardown(async () => {
    await marc.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.moderator('marc');
  await srv.user('eve');
  await srv.server.moderation.kick('eve', {reason: 'flooding'}, OPERATOR);
  await signIn(marc, 'marc');
  await marc.blocks();
  marc.moderation.askLift();
  t.is((marc.getState().modal as BlocksWindow).confirm, 'eve');
  await srv.server.moderation.unblock('eve', OPERATOR);
  await marc.moderation.answerLift(true);
  t.is(en(marc.getState().flash!), 'eve is no longer kicked or banned.');
  t.deepEqual((marc.getState().modal as BlocksWindow).blocks, []);
});

test("/kick by the alias of a member who has not written: the salon's members are asked first", async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const marc = startClient(srv);
  t.teardown(async () => {
    await marc.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.moderator('marc');
  const quiet = await srv.user('q.uiet', 'Jean Dupont');
  await signIn(marc, 'marc');
  t.is(marc.getState().membersOf, null, 'no member list yet');
  say(marc, '/kick jean dupont 1h rude');
  const kicked = await quiet.waitFor('kicked');
  t.is(kicked.minutes, 60);
  t.is(kicked.reason, 'rude');
});
