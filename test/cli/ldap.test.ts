/**
 * chat-server's directory options on the real binary, as a sysadmin sets them: the
 * OPERATIONS.md example for OpenLDAP (environment variables, the service password in a
 * file) against a real slapd, and the settings that stop the start, in both languages.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import {parseInterval} from '../../source/cli/ldap.js';
import {SERVER_BIN, run} from '../helpers/binary.js';
import {PASSWORD} from '../helpers/server.js';
import {BASE_DN, MODERATORS_DN, READER_DN, READER_PASSWORD, slapdAvailable, startSlapd} from '../helpers/slapd.js';

test('a wrong directory setting stops the start with a clear line, in English and in French', async (t) => {
  const cases: [string[], RegExp, RegExp][] = [
    [['--ldap-url', 'http://dc1'], /Invalid directory URL http:\/\/dc1/, /Adresse d'annuaire invalide http:\/\/dc1/],
    [['--ldap-url', 'ldap://dc1'], /--ldap-base-dn/, /--ldap-base-dn/],
    [['--ldap-url', 'ldap://dc1', '--ldap-base-dn', 'dc=x', '--ldap-user-filter', '(uid=jdupont)'], /must be an LDAP filter containing \{username\}/, /filtre LDAP contenant \{username\}/],
    [['--ldap-url', 'ldap://dc1', '--ldap-base-dn', 'dc=x', '--ldap-sync-interval', 'hourly'], /Invalid directory sync interval hourly/, /Intervalle de synchronisation/],
    [['--ldap-url', 'ldap://dc1', '--ldap-base-dn', 'dc=x', '--ldap-bind-dn', 'cn=reader'], /has no password/, /n'a pas de mot de passe/],
    [['--ldap-url', 'ldap://dc1', '--ldap-base-dn', 'dc=x', '--ldap-bind-dn', 'cn=reader', '--ldap-bind-password-file', '/nonexistent'], /Cannot read \/nonexistent/, /Impossible de lire \/nonexistent/],
  ];
  // Every case in English, two in French (the catalogs' parity is checked by the compiler);
  // at once, since each is a Node start.
  const runs = cases.flatMap(([args, en, fr], i) => [['en', en] as const, ...(i < 2 ? [['fr', fr] as const] : [])].map(([lang, pattern]) => ({args, pattern, server: run(SERVER_BIN, ['--no-console', '--lang', lang, ...args], {CHAT_ADMIN_PASSWORD: PASSWORD})})));
  for (const {args, pattern, server} of runs) {
    t.is(await server.exit, 1, args.join(' '));
    t.regex(server.output(), pattern);
  }
});

test('sync intervals read as a sysadmin writes them', (t) => {
  t.is(parseInterval('1h'), 3600_000);
  t.is(parseInterval('15m'), 900_000);
  t.is(parseInterval('90'), 90_000);
  t.is(parseInterval('0'), 0);
  t.is(parseInterval('1 week'), undefined);
});

test('chat-server --help tells the directory options, in both languages', async (t) => {
  for (const lang of ['en', 'fr']) {
    const help = run(SERVER_BIN, ['--help', '--lang', lang]);
    await help.exit;
    for (const flag of ['--ldap-url', '--ldap-bind-password-file', '--ldap-user-filter', '--ldap-moderator-group', '--ldap-starttls', '--ldap-ca-file', '--ldap-sync-interval', '--ldap-register']) t.true(help.output().includes(flag), `${lang}: ${flag}`);
  }
});

test.serial('the OpenLDAP example of OPERATIONS.md: environment variables and a password file, against a real slapd; employees sign in', async (t) => {
  const can = slapdAvailable();
  if (!can.run) {
    console.log(`NOTICE: skipping: ${can.reason}`);
    t.pass();
    return;
  }
  const slapd = await startSlapd();
  t.teardown(() => slapd.stop());
  const dir = mkdtempSync(join(tmpdir(), 'chat-ldap-cli-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  writeFileSync(join(dir, 'ldap-password'), `${READER_PASSWORD}\n`, {mode: 0o600});
  const server = run(SERVER_BIN, ['--host', '127.0.0.1', '--port=0', '--no-console', '--data-dir', dir, '--lang', 'en'], {
    CHAT_ADMIN_PASSWORD: PASSWORD,
    CHAT_LDAP_URL: slapd.url,
    CHAT_LDAP_BIND_DN: READER_DN,
    CHAT_LDAP_BIND_PASSWORD_FILE: join(dir, 'ldap-password'),
    CHAT_LDAP_BASE_DN: BASE_DN,
    CHAT_LDAP_USER_FILTER: '(&(objectClass=inetOrgPerson)(uid={username}))',
    CHAT_LDAP_MODERATOR_GROUP: MODERATORS_DN,
    CHAT_LDAP_SYNC_INTERVAL: '1h',
  });
  try {
    const [, port] = await server.waitFor(/waiting for connections on 127\.0\.0\.1:(\d+)/);
    t.regex(server.output(), /Directory sign-in: ldap:\/\/127\.0\.0\.1:\d+ \(registration closed; sync every 1h\)/);
    t.regex(server.output(), /passwords cross the network in clear/, 'plain ldap:// is warned about');
    const client = await ClientConnection.open({host: '127.0.0.1', port: Number(port)});
    const boss = await client.request('login', {username: 'pboss', password: 'paule password'});
    t.is(boss.user.role, 'moderator');
    t.is((await client.request('register', {username: 'x1', alias: 'X', password: PASSWORD}).catch((e) => e)).code, 'ALREADY_AUTHENTICATED');
    await client.close();
    const guest = await ClientConnection.open({host: '127.0.0.1', port: Number(port)});
    t.is((await guest.request('register', {username: 'x1', alias: 'X', password: PASSWORD}).catch((e) => e)).code, 'REGISTRATION_CLOSED');
    t.is((await guest.request('login', {username: 'admin', password: PASSWORD})).user.username, 'admin', 'the local moderator of the first start');
    await guest.close();
    await server.waitFor(/New account pboss from the company directory/);
  } finally {
    t.is(await server.stop(), 0);
  }
});
