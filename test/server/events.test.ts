/**
 * Events on one node (no Redis), through real TCP on both backends: moderation's
 * join_request, join_request_closed and membership events to the connections PROTOCOL.md
 * names (and not to others), ALREADY_MEMBER and NO_PENDING_REQUEST details, and presence
 * in rounds: an account that came and went within one round is reported once, and a new
 * `members` request replaces the previous subscription.
 */
import type {Event} from '../../source/protocol/frames.js';
import type {Peer} from '../../source/server/peer.js';
import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, type TestClient, startTestServer} from '../helpers/server.js';

const about = (client: TestClient, kinds: string[], username: string) =>
  client.events.filter((e) => kinds.includes(e.event) && (e as {username?: string}).username === username) as (Event & Record<string, unknown>)[];

eachBackend('moderation on one node: requests and their outcome reach the moderators, the requester and the members, and nobody else', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const mod1 = await srv.moderator('mod1');
    const mod2 = await srv.moderator('mod2');
    const bob = await srv.user('bob');
    await bob.request('join', {salon: 'Comptabilité'});
    await mod1.request('accept', {username: 'bob', salon: 'Comptabilité'});
    const alice = await srv.user('alice');
    const carl = await srv.user('carl'); // online, member of Général only

    await alice.request('join', {salon: 'Comptabilité'});
    await alice.request('join', {salon: 'Informatique'});
    for (const mod of [mod1, mod2]) {
      const request = await mod.waitFor('join_request', (e) => e.username === 'alice' && e.salon === 3);
      t.like(request, {alias: 'Alice', salonName: 'Comptabilité'});
      await mod.waitFor('join_request', (e) => e.username === 'alice' && e.salon === 4);
    }
    t.like(await alice.waitFor('membership', (e) => e.salon === 3), {state: 'pending', reason: 'requested'});

    // mod1 accepts: both moderators see the request closed, Alice and the online member
    // Bob see her in.
    t.like(await mod1.request('accept', {username: 'alice', salon: 'Comptabilité'}), {username: 'alice', salon: 3});
    for (const mod of [mod1, mod2]) t.like(await mod.waitFor('join_request_closed', (e) => e.username === 'alice' && e.salon === 3), {outcome: 'accepted'});
    t.like(await alice.waitFor('membership', (e) => e.salon === 3 && e.state === 'member'), {reason: 'accepted', salonName: 'Comptabilité'});
    t.like(await bob.waitFor('membership', (e) => e.username === 'alice' && e.salon === 3), {state: 'member', reason: 'accepted'});

    // mod2 rejects the other: closed for both moderators, Alice told; nobody else.
    await mod2.request('reject', {username: 'alice', salon: 'Informatique'});
    for (const mod of [mod1, mod2]) t.like(await mod.waitFor('join_request_closed', (e) => e.username === 'alice' && e.salon === 4), {outcome: 'rejected'});
    t.like(await alice.waitFor('membership', (e) => e.salon === 4 && e.state === 'none'), {reason: 'rejected'});

    // The details of a refusal name the user and the salon.
    const again = await mod1.request('accept', {username: 'alice', salon: 'comptabilite'}).catch((e: {code: string; details?: unknown}) => e);
    t.like(again, {code: 'ALREADY_MEMBER', details: {username: 'alice', salon: 'Comptabilité'}});
    const none = await mod1.request('reject', {username: 'carl', salon: 'Marketing'}).catch((e: {code: string; details?: unknown}) => e);
    t.like(none, {code: 'NO_PENDING_REQUEST', details: {username: 'carl', salon: 'Marketing'}});

    // Who heard what, once everything above was seen: a ping answered after it all orders
    // the check (events of one connection arrive in order).
    for (const client of [alice, bob, carl, mod1, mod2]) await client.request('ping', {});
    t.deepEqual(about(carl, ['membership', 'join_request', 'join_request_closed'], 'alice'), [], 'carl, not a member, heard nothing');
    t.deepEqual(about(bob, ['membership', 'join_request', 'join_request_closed'], 'alice').map((e) => `${e.event} ${e.salon}`), ['membership 3'], 'bob heard only of her arrival');
    t.deepEqual(about(alice, ['join_request', 'join_request_closed'], 'alice'), [], 'a user does not get the moderators events');
    for (const mod of [mod1, mod2]) {
      t.deepEqual(
        about(mod, ['join_request', 'join_request_closed', 'membership'], 'alice').map((e) => `${e.event} ${e.salon}`),
        ['join_request 3', 'join_request 4', 'join_request_closed 3', 'join_request_closed 4'],
        'each moderator: two requests, two closings, once each',
      );
    }
  } finally {
    await srv.stop();
  }
});

/** A connection that reads nothing: enough for the hub to count a user online. */
const silentPeer = (id: number): Peer => ({id, write: () => {}, close: () => {}});

eachBackend('presence rounds: an account that came and went within one round is reported once, offline', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const watcher = await srv.user('watcher');
    await watcher.request('members', {salon: 1});
    // Dave and Erin exist and are offline, and the watcher has heard so: rounds go out in
    // order, so nothing older than what follows can arrive after it.
    await srv.user('dave').then((c) => c.conn.close());
    await srv.user('erin').then((c) => c.conn.close());
    for (const username of ['dave', 'erin']) await watcher.waitFor('presence', (e) => e.username === username && !e.online);
    const from = watcher.events.length;
    // Dave comes and goes in the same turn of the event loop: within one 50 ms round.
    const hub = srv.server.hub;
    const dave = hub.user('dave')!;
    const peer = silentPeer(1e9);
    hub.attach(peer, dave);
    hub.detach(peer, dave);
    // Erin comes online later, in a round of her own: once her event is here, every round
    // before it has been written.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const erin = await srv.connect();
    await erin.request('login', {username: 'erin', password: PASSWORD});
    await watcher.waitFor('presence', (e) => e.username === 'erin' && e.online && watcher.events.indexOf(e) >= from);
    const heard = watcher.events.slice(from).filter((e) => e.event === 'presence').map((e) => `${(e as {username: string}).username} ${(e as {online: boolean}).online}`);
    t.deepEqual(heard, ['dave false', 'erin true']);
  } finally {
    await srv.stop();
  }
});

eachBackend("presence: a new members request replaces the connection's subscription", async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const watcher = await srv.user('watcher');
    await watcher.request('join', {salon: 'Blabla'});
    const frank = await srv.user('frank'); // Général only
    const gina = await srv.user('gina');
    await gina.request('join', {salon: 'Blabla'});
    await watcher.request('members', {salon: 1});
    await frank.conn.close();
    await gina.conn.close();
    // Heard while watching Général: both went offline (nothing older can follow).
    for (const username of ['frank', 'gina']) await watcher.waitFor('presence', (e) => e.username === username && !e.online);
    // (waitFor looks at every event received: those below are told apart by their index.)

    await watcher.request('members', {salon: 2});
    const from = watcher.events.length;
    // Frank (Général only) then Gina (Blabla) come online: only Gina is in the list shown.
    await (await srv.connect()).request('login', {username: 'frank', password: PASSWORD});
    await (await srv.connect()).request('login', {username: 'gina', password: PASSWORD});
    await watcher.waitFor('presence', (e) => e.username === 'gina' && e.online && watcher.events.indexOf(e) >= from);
    const heard = watcher.events.slice(from).filter((e) => e.event === 'presence').map((e) => (e as {username: string}).username);
    t.deepEqual(heard, ['gina'], 'nothing about Général any more');
  } finally {
    await srv.stop();
  }
});
