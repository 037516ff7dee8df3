/**
 * Signing in with the company directory, against a real OpenLDAP server (slapd) and a real
 * chat-server over TCP: employees sign in with their directory password, their account is
 * made at the first sign-in, moderators come from a group, and nothing a user types can
 * widen the search or let someone in without a password.
 */
import {PEOPLE_DN} from '../helpers/slapd.js';
import {directoryTest} from '../helpers/directory.js';
import {PASSWORD, refusal} from '../helpers/server.js';

directoryTest("an employee signs in with the directory password: the first sign-in makes the account, keyed on the directory's id, a member of Général", {mysql: true}, async (t, {slapd, srv, db}) => {
  const client = await srv.connect();
  const result = await client.request('login', {username: 'jdupont', password: 'jean password'});
  t.is(result.user.username, 'jdupont');
  t.is(result.user.alias, 'Jean Dupont', 'the alias is the display name');
  t.is(result.user.role, 'user');
  t.is(result.salons.find((s) => s.id === 1)?.state, 'member', 'a member of Général as any new account');
  t.true(srv.notices.some((n) => n.kind === 'directory_account' && n.username === 'jdupont'));

  const [row] = await db.query<{directory_id: string; password_hash: unknown; client_id: number}>("SELECT client_id, directory_id, password_hash FROM clients WHERE username = 'jdupont'");
  t.is(row?.directory_id, await slapd.entryUUID(`uid=jdupont,${PEOPLE_DN}`));
  t.is(String(row?.password_hash), '!directory', 'no local password: the directory keeps it');

  // The next sign-in finds the same account; the message sent stays its own.
  await client.request('send', {salon: 1, text: 'Bonjour !'});
  await client.request('logout', {});
  const again = await (await srv.connect()).request('login', {username: 'JDupont', password: 'jean password'});
  t.is(again.user.username, 'jdupont', 'names are matched as the directory matches them (case ignored)');
  t.is((await db.query("SELECT client_id FROM clients WHERE directory_id IS NOT NULL")).length, 1, 'one account, not two');
});

directoryTest('a wrong password, an unknown name and an empty password are refused; an empty password never reaches a bind', {}, async (t, {srv, directory}) => {
  const client = await srv.connect();
  t.is(await refusal(client.request('login', {username: 'jdupont', password: 'wrong password'})), 'INVALID_CREDENTIALS');
  t.is(await refusal(client.request('login', {username: 'nobody', password: 'jean password'})), 'INVALID_CREDENTIALS');
  // The wire refuses an empty password before the handler; the directory layer refuses it
  // too, since an LDAP simple bind with a DN and no password "succeeds" as anonymous.
  t.is(await refusal(client.request('login', {username: 'jdupont', password: ''})), 'BAD_REQUEST');
  t.is(await directory.authenticate('jdupont', ''), null);
  t.is((await srv.store.listDirectoryUsers()).length, 0, 'no account was made by any of these');
});

directoryTest('filter syntax in the typed name is data: wildcards and injected clauses find nobody', {}, async (t, {srv, directory}) => {
  const names = ['*', 'jd*', '*)(uid=*', ')(uid=*', 'jdupont)(|(uid=*', '*)(|(objectClass=*', 'jdupont\\2a', 'jdupont\u0000'];
  for (const [i, username] of names.entries()) {
    // Each from its own address: the login guard's growing delay is not what is tested here.
    const client = await srv.connect({from: `127.0.0.${10 + i}`});
    t.is(await refusal(client.request('login', {username, password: 'jean password'})), username.includes('\u0000') ? 'BAD_REQUEST' : 'INVALID_CREDENTIALS', JSON.stringify(username));
  }
  t.is(directory.filterFor('*)(uid=*'), '(&(objectClass=inetOrgPerson)(uid=\\2a\\29\\28uid=\\2a))');
  t.is((await srv.store.listDirectoryUsers()).length, 0);
});

directoryTest('members of the moderator group are moderators from their first sign-in', {mysql: true}, async (t, {srv}) => {
  const boss = await (await srv.connect()).request('login', {username: 'pboss', password: 'paule password'});
  t.is(boss.user.role, 'moderator');
  t.true(srv.notices.some((n) => n.kind === 'directory_account' && n.username === 'pboss' && n.moderator));
  const jean = await (await srv.connect()).request('login', {username: 'jdupont', password: 'jean password'});
  t.is(jean.user.role, 'user');
});

directoryTest("a display name that is already an alias gets a number; a local account's name stays local (its own password, never the directory's)", {mysql: true}, async (t, {srv}) => {
  // A local account took the alias "Jean Dupont" (case and accents ignored) and the name mmartin.
  await srv.moderator('mmartin');
  await srv.store.createUser({username: 'other', alias: 'JEAN DUPONT', passwordHash: 'x', role: 'user', ts: Date.now()});
  const {passwordHash: _, ...other} = (await srv.store.findUser('other'))!;
  srv.server.hub.publish({kind: 'user_added', user: other});

  const jean = await (await srv.connect()).request('login', {username: 'jdupont', password: 'jean password'});
  t.is(jean.user.alias, 'Jean Dupont 2');
  // mmartin is a local account: its local password decides, the directory is not asked.
  const local = srv.connect();
  t.is(await refusal((await local).request('login', {username: 'mmartin', password: 'marie password'})), 'INVALID_CREDENTIALS', 'a local account never takes the directory password');
  t.is((await (await local).request('login', {username: 'mmartin', password: PASSWORD})).user.role, 'moderator');
});

directoryTest('with the directory on, registration is closed by default (REGISTRATION_CLOSED)', {}, async (t, {srv}) => {
  const client = await srv.connect();
  t.is(await refusal(client.request('register', {username: 'newbie', alias: 'Newbie', password: 'long enough'})), 'REGISTRATION_CLOSED');
});

directoryTest('when registration stays open, a directory name cannot be registered locally before its owner signs in', {allowRegister: true}, async (t, {srv}) => {
  const client = await srv.connect();
  t.is(await refusal(client.request('register', {username: 'mmartin', alias: 'Fake Marie', password: 'long enough'})), 'USERNAME_TAKEN');
  t.is((await client.request('register', {username: 'contractor', alias: 'Contractor', password: 'long enough'})).user.username, 'contractor');
  t.is((await client.request('login', {username: 'contractor', password: 'long enough'})).user.username, 'contractor');
});

directoryTest('directory down: local accounts still sign in; directory people get DIRECTORY_UNAVAILABLE, never a wrong password, and nobody is let in', {mysql: true}, async (t, {slapd, srv}) => {
  await (await srv.connect()).request('login', {username: 'jdupont', password: 'jean password'});
  await slapd.stop();
  const client = await srv.connect();
  t.is(await refusal(client.request('login', {username: 'jdupont', password: 'jean password'})), 'DIRECTORY_UNAVAILABLE', 'a known directory account');
  t.is(await refusal(client.request('login', {username: 'mmartin', password: 'marie password'})), 'DIRECTORY_UNAVAILABLE', 'a name never seen');
  t.is(await refusal(client.request('login', {username: 'jdupont', password: 'wrong'})), 'DIRECTORY_UNAVAILABLE', 'not INVALID_CREDENTIALS: nobody can tell');
  t.true(srv.notices.some((n) => n.kind === 'directory_unavailable'), 'the operator is told');
  await srv.moderator('admin');
  t.is((await (await srv.connect()).request('login', {username: 'admin', password: PASSWORD})).user.username, 'admin', 'the local moderator signs in');
  // A sync with the directory down disables nobody.
  t.is(await srv.server.directorySync?.run(), undefined);
  t.false((await srv.store.findUser('jdupont'))?.disabled);
});

directoryTest('the same person signing in twice at once gets one account', {mysql: true}, async (t, {srv}) => {
  const results = await Promise.all([1, 2, 3].map(async (i) => (await srv.connect({from: `127.0.0.${i}`})).request('login', {username: 'mmartin', password: 'marie password'})));
  t.deepEqual(new Set(results.map((r) => r.user.username)), new Set(['mmartin']));
  t.is((await srv.store.listDirectoryUsers()).length, 1);
});

directoryTest('a service account with a wrong password reads as DIRECTORY_UNAVAILABLE, not as the user\'s wrong password', {directory: () => ({bindPassword: 'not the reader password'})}, async (t, {srv}) => {
  t.is(await refusal((await srv.connect()).request('login', {username: 'jdupont', password: 'jean password'})), 'DIRECTORY_UNAVAILABLE');
});

directoryTest('a name that matches several entries signs nobody in (a directory mistake, not an outage)', {directory: () => ({userFilter: '(&(objectClass=inetOrgPerson)(sn={username}))'})}, async (t, {slapd, srv}) => {
  t.is((await (await srv.connect()).request('login', {username: 'Martin', password: 'marie password'})).user.username, 'Martin', 'one entry: signed in');
  await slapd.addPerson({uid: 'jadupont', cn: 'Jacques Dupont', password: 'jacques password'});
  const client = await srv.connect();
  t.is(await refusal(client.request('login', {username: 'Dupont', password: 'jean password'})), 'INVALID_CREDENTIALS', 'two entries');
  await slapd.addPerson({uid: 'jodupont', cn: 'Josiane Dupont', password: 'josiane password'});
  t.is(await refusal(client.request('login', {username: 'Dupont', password: 'jean password'})), 'INVALID_CREDENTIALS', 'three: past the size limit');
});
