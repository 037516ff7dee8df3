/** Every refusal of the gates and of membership, request by request. */
import type {RequestParams, RequestType} from '../../source/protocol/frames.js';
import {eachBackend} from '../helpers/each-backend.js';
import {OPERATOR, PASSWORD, refusal, startTestServer} from '../helpers/server.js';

const memberOnly: [RequestType, Record<string, unknown>][] = [
  ['history', {salon: 2}],
  ['send', {salon: 2, text: 'let me in'}],
  ['members', {salon: 2}],
  ['read', {salon: 2, seq: 1}],
  ['search', {salon: 2, text: 'x'}],
];
const moderatorOnly: [RequestType, Record<string, unknown>][] = [
  ['pending', {}],
  ['accept', {username: 'x', salon: 3}],
  ['reject', {username: 'x', salon: 3}],
  ['kick', {username: 'x'}],
  ['ban', {username: 'x'}],
];
const loggedIn: [RequestType, Record<string, unknown>][] = [
  ['logout', {}],
  ['salons', {}],
  ['join', {salon: 2}],
  ...memberOnly,
  ...moderatorOnly,
];

eachBackend('each gate refuses what it must: logged out, not a moderator, not a member, pending', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const anonymous = await srv.connect();
    for (const [type, params] of loggedIn) {
      t.is(await refusal(anonymous.request(type, params as RequestParams<typeof type>)), 'NOT_AUTHENTICATED', `${type} before login`);
    }
    const user = await srv.user('plain');
    for (const [type, params] of moderatorOnly) {
      t.is(await refusal(user.request(type, params as RequestParams<typeof type>)), 'FORBIDDEN', `${type} from a user`);
    }
    for (const [type, params] of memberOnly) {
      t.is(await refusal(user.request(type, params as RequestParams<typeof type>)), 'NOT_MEMBER', `${type} from a non-member`);
    }
    await user.request('join', {salon: 3});
    for (const [type, params] of memberOnly) {
      const pendingParams = {...params, salon: 3};
      t.is(await refusal(user.request(type, pendingParams as RequestParams<typeof type>)), 'NOT_MEMBER', `${type} while pending`);
    }
    await user.request('logout', {});
    for (const [type, params] of loggedIn) {
      t.is(await refusal(user.request(type, params as RequestParams<typeof type>)), 'NOT_AUTHENTICATED', `${type} after logout`);
    }
    t.is((await db.query('SELECT message_id FROM messages')).length, 0, 'nothing was posted');
  } finally {
    await srv.stop();
  }
});

eachBackend('a kicked user and a banned name can neither come back nor post', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const kicked = await srv.user('kicked');
    const banned = await srv.user('banned');
    await srv.server.moderation.kick('kicked', {}, OPERATOR);
    await srv.server.moderation.ban('banned', undefined, OPERATOR);
    await kicked.closed;
    await banned.closed;
    const again = await srv.connect();
    t.is(await refusal(again.request('login', {username: 'kicked', password: PASSWORD})), 'KICKED');
    t.is(await refusal(again.request('login', {username: 'banned', password: PASSWORD})), 'BANNED');
    t.is(await refusal(again.request('send', {salon: 1, text: 'still here?'})), 'NOT_AUTHENTICATED');
    t.is((await db.query('SELECT message_id FROM messages')).length, 0);
  } finally {
    await srv.stop();
  }
});
