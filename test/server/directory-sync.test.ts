/**
 * The directory over time, against a real slapd: the periodic sync disables people who left
 * or were disabled (their live sessions end, their tokens stop resuming, their messages
 * stay), follows renames and new display names, and a renamed person keeps their account.
 * Also Active Directory's shape (sAMAccountName, binary objectGUID, userAccountControl) on
 * an OpenLDAP stand-in, and LDAPS and StartTLS with a test CA.
 */
import {randomBytes} from 'node:crypto';
import test from 'ava';
import {Directory, guidText} from '../../source/server/directory.js';
import {RedisBus} from '../../source/server/redis-bus.js';
import {backends} from '../helpers/backends.js';
import {RedisServer, clusterRequirements} from '../helpers/cluster.js';
import {directoryTest, openLdapOptions} from '../helpers/directory.js';
import {BASE_DN, PEOPLE, PEOPLE_DN, type Person, slapdAvailable, startSlapd} from '../helpers/slapd.js';
import {type TestServer, eventually, refusal, startTestServer} from '../helpers/server.js';

directoryTest('a person gone from the directory: the sync disables the account, ends the live session, the token no longer resumes, the messages stay', {mysql: true}, async (t, {slapd, srv, db}) => {
  const jean = await srv.connect();
  const {token} = await jean.request('login', {username: 'jdupont', password: 'jean password'});
  await jean.request('send', {salon: 1, text: 'Au revoir à tous'});
  const marie = await srv.connect();
  await marie.request('login', {username: 'mmartin', password: 'marie password'});

  await slapd.remove(`uid=jdupont,${PEOPLE_DN}`);
  t.deepEqual(await srv.server.directorySync?.run(), {checked: 2, updated: 0, disabled: 1});
  await jean.waitFor('disabled');
  await jean.closed;
  t.true(srv.notices.some((n) => n.kind === 'directory_disabled' && n.username === 'jdupont'), 'said on the console');
  const audit = await db.query<{actor: string; via: string; action: string; target_user: string; outcome: string}>("SELECT actor, via, action, target_user, outcome FROM audit_log WHERE action = 'directory_disable'");
  t.deepEqual(audit.map((r) => ({...r})), [{actor: 'directory-sync', via: 'system', action: 'directory_disable', target_user: 'jdupont', outcome: 'ok'}], 'recorded in the audit log');

  t.is(await refusal((await srv.connect()).request('resume', {token})), 'INVALID_TOKEN', 'the token is void');
  t.is(await refusal((await srv.connect()).request('login', {username: 'jdupont', password: 'jean password'})), 'INVALID_CREDENTIALS', 'gone from the directory');
  const [row] = await db.query<{disabled_at: unknown}>("SELECT disabled_at FROM clients WHERE username = 'jdupont'");
  t.not(row?.disabled_at, null);
  const history = await marie.request('history', {salon: 1});
  t.true(history.messages.some((m) => m.text === 'Au revoir à tous' && m.author === 'jdupont'), 'the messages stay, with their author');
  t.is(marie.events.some((e) => e.event === 'disabled'), false, 'others stay connected');
  // A second sync finds nothing new to do.
  t.deepEqual(await srv.server.directorySync?.run(), {checked: 2, updated: 0, disabled: 0});
});

directoryTest('the sync follows a new display name and the moderator group; a renamed person keeps their account and history', {mysql: true}, async (t, {slapd, srv}) => {
  const first = await (await srv.connect()).request('login', {username: 'jdupont', password: 'jean password'});
  const dn = `uid=jdupont,${PEOPLE_DN}`;
  await slapd.modify(dn, 'displayName', ['Jean Dupont-Durand']);
  await slapd.addModerator(dn);
  t.deepEqual(await srv.server.directorySync?.run(), {checked: 1, updated: 1, disabled: 0});
  const record = await srv.store.findUser('jdupont');
  t.is(record?.alias, 'Jean Dupont-Durand');
  t.is(record?.role, 'moderator');
  t.is(srv.server.hub.user('jdupont')?.alias, 'Jean Dupont-Durand', 'the live state too');

  // Renamed in the directory: the new name signs in to the same account.
  await slapd.rename(dn, 'uid=jdurand');
  const renamed = await (await srv.connect()).request('login', {username: 'jdurand', password: 'jean password'});
  t.is(renamed.user.username, 'jdupont', 'the chat name stays: it is the account others know');
  t.is((await srv.store.findUser('jdupont'))?.id, (await srv.store.findUser(first.user.username))?.id);
  t.is(await refusal((await srv.connect()).request('login', {username: 'jdupont', password: 'jean password'})), 'INVALID_CREDENTIALS', 'the old name is nobody now');

  // A new colleague given the old name gets their own account, with a free chat name.
  await slapd.addPerson({uid: 'jdupont', cn: 'Jeanne Dupont', displayName: 'Jeanne Dupont', password: 'jeanne password'});
  const jeanne = await (await srv.connect()).request('login', {username: 'jdupont', password: 'jeanne password'});
  t.is(jeanne.user.username, 'jdupont2');
  t.is(jeanne.user.alias, 'Jeanne Dupont');
});

directoryTest('a sync that finds nobody (a wrong base DN) disables nobody', {}, async (t, {srv, directory}) => {
  await (await srv.connect()).request('login', {username: 'jdupont', password: 'jean password'});
  (directory.options as {baseDn: string}).baseDn = `ou=nowhere,${BASE_DN}`;
  t.is(await srv.server.directorySync?.run(), undefined);
  t.false((await srv.store.findUser('jdupont'))?.disabled);
});

const AD_PEOPLE: Person[] = [
  {uid: 'u1', cn: 'Alice Admin', displayName: 'Alice Admin', password: 'alice password', ad: {sAMAccountName: 'alice', objectGUID: randomBytes(16), userAccountControl: 512}},
  {uid: 'u2', cn: 'Bob Gone', displayName: 'Bob Gone', password: 'bob password', ad: {sAMAccountName: 'bob', objectGUID: randomBytes(16), userAccountControl: 514}},
  ...PEOPLE,
];

directoryTest(
  "Active Directory's shape: sAMAccountName, binary objectGUID as the id, userAccountControl's disabled flag at sign-in and in the sync",
  {mysql: true, people: AD_PEOPLE, directory: () => ({userFilter: '(&(objectClass=adStandIn)(sAMAccountName={username}))', idAttribute: 'objectGUID'})},
  async (t, {slapd, srv, db}) => {
    const alice = await srv.connect();
    t.is((await alice.request('login', {username: 'alice', password: 'alice password'})).user.username, 'alice');
    const [row] = await db.query<{directory_id: string}>("SELECT directory_id FROM clients WHERE username = 'alice'");
    t.is(row?.directory_id, guidText(AD_PEOPLE[0]!.ad!.objectGUID));
    t.regex(row?.directory_id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    t.is(await refusal((await srv.connect()).request('login', {username: 'bob', password: 'bob password'})), 'ACCOUNT_DISABLED', 'userAccountControl 514: disabled');

    await slapd.modify(`uid=u1,${PEOPLE_DN}`, 'userAccountControl', ['514']);
    t.deepEqual(await srv.server.directorySync?.run(), {checked: 1, updated: 0, disabled: 1});
    await alice.waitFor('disabled');
    // Enabled again in the directory: the next sync gives the account back.
    await slapd.modify(`uid=u1,${PEOPLE_DN}`, 'userAccountControl', ['512']);
    t.deepEqual(await srv.server.directorySync?.run(), {checked: 1, updated: 1, disabled: 0});
    t.is((await (await srv.connect()).request('login', {username: 'alice', password: 'alice password'})).user.username, 'alice');
  },
);

directoryTest('LDAPS with the company CA signs in; without the CA the certificate is refused (DIRECTORY_UNAVAILABLE)', {directory: (s) => ({url: s.ldapsUrl, ca: s.ca})}, async (t, {srv, directory}) => {
  t.is((await (await srv.connect()).request('login', {username: 'jdupont', password: 'jean password'})).user.username, 'jdupont');
  (directory.options as {ca: Buffer | undefined}).ca = undefined;
  t.is(await refusal((await srv.connect()).request('login', {username: 'jdupont', password: 'jean password'})), 'DIRECTORY_UNAVAILABLE');
});

directoryTest('StartTLS on ldap:// with the company CA signs in', {directory: (s) => ({url: s.url.replace('127.0.0.1', 'localhost'), startTls: true, ca: s.ca})}, async (t, {srv}) => {
  t.is((await (await srv.connect()).request('login', {username: 'mmartin', password: 'marie password'})).user.username, 'mmartin');
});

test.serial('two nodes on one MariaDB and Redis: the sync on one node ends the disabled person\'s session on the other', async (t) => {
  const can = slapdAvailable();
  if (!can.run) {
    console.log(`NOTICE: skipping: ${can.reason}`);
    t.pass();
    return;
  }
  if (!(await clusterRequirements(t))) return;
  const slapd = await startSlapd();
  const db = await backends.find((b) => b.name === 'mysql')!.create();
  const redis = await RedisServer.start();
  t.teardown(async () => {
    await redis.close();
    await db.drop();
    await slapd.stop();
  });
  const nodes: TestServer[] = [];
  for (const nodeId of ['n1', 'n2']) {
    const store = await db.open();
    const bus = new RedisBus({url: `redis://127.0.0.1:${redis.port}`, namespace: store.location, nodeId});
    await store.close();
    await bus.connect();
    nodes.push(await startTestServer(db, {bus, cluster: {heartbeatMs: 100, nodeTtlMs: 1000, echoTimeoutMs: 400, catchUpMs: 500, degradedCatchUpMs: 200}, directory: {directory: new Directory(openLdapOptions(slapd)), syncIntervalMs: 0}}));
  }
  t.teardown(() => Promise.all(nodes.map((n) => n.stop())).then(() => {}));
  const [a, b] = nodes as [TestServer, TestServer];
  const jean = await b.connect();
  await jean.request('login', {username: 'jdupont', password: 'jean password'});
  await eventually(async () => a.server.hub.user('jdupont'));

  await slapd.remove(`uid=jdupont,${PEOPLE_DN}`);
  t.deepEqual(await a.server.directorySync?.run(), {checked: 1, updated: 0, disabled: 1});
  await jean.waitFor('disabled');
  await jean.closed;
  t.true(b.server.hub.user('jdupont')?.disabled, 'the other node knows');
  t.true(b.notices.some((n) => n.kind === 'directory_disabled'), "and says so on its console");
});
