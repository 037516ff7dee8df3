/**
 * A real OpenLDAP server for the directory tests: slapd started on free ports of 127.0.0.1
 * with a throwaway slapd.conf and mdb database in a temp dir, plain LDAP and LDAPS (a test
 * CA and server certificate made with openssl), loaded with a few people and a moderator
 * group. Besides OpenLDAP's own attributes (uid, entryUUID), entries may carry Active
 * Directory's (sAMAccountName, objectGUID, userAccountControl), declared by a small schema
 * of our own, so that AD-shaped configurations run against a real server too (a stand-in
 * for AD, not AD: see docs/OPERATIONS.md).
 *
 * slapd is the Debian package `slapd` (.ci/run installs it). Without /usr/sbin/slapd the
 * tests are skipped with a notice, except under CI=true, where that is a failure.
 */
import {type ChildProcess, execFile, spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {Attribute, Change, Client} from 'ldapts';

const run = promisify(execFile);
export const SLAPD = '/usr/sbin/slapd';
export const BASE_DN = 'dc=example,dc=com';
export const ADMIN_DN = `cn=admin,${BASE_DN}`;
export const ADMIN_PASSWORD = 'admin-secret';
export const READER_DN = `cn=reader,ou=services,${BASE_DN}`;
export const READER_PASSWORD = 'reader secret';
export const MODERATORS_DN = `cn=chat-moderators,ou=groups,${BASE_DN}`;
export const PEOPLE_DN = `ou=people,${BASE_DN}`;

/** Whether the directory tests can run here; throws under CI=true when slapd is missing. */
export function slapdAvailable(): {run: boolean; reason?: string} {
  if (existsSync(SLAPD)) return {run: true};
  const reason = `${SLAPD} is missing (apt-get install slapd ldap-utils)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true the directory tests must run.`);
  return {run: false, reason};
}

export interface Person {
  uid: string;
  cn: string;
  displayName?: string;
  password: string;
  /** Active Directory's attributes, for AD-shaped tests. */
  ad?: {sAMAccountName: string; objectGUID: Buffer; userAccountControl: number};
}

export const PEOPLE: readonly Person[] = [
  {uid: 'jdupont', cn: 'Jean Dupont', displayName: 'Jean Dupont', password: 'jean password'},
  {uid: 'mmartin', cn: 'Marie Martin', displayName: 'Marie Martin', password: 'marie password'},
  {uid: 'pboss', cn: 'Paule Boss', displayName: 'Paule Boss', password: 'paule password'},
];

export interface Slapd {
  /** ldap://127.0.0.1:port */
  url: string;
  /** ldaps://localhost:port (the certificate names localhost and 127.0.0.1) */
  ldapsUrl: string;
  /** The test CA's certificate (PEM) that signed slapd's. */
  ca: Buffer;
  dir: string;
  addPerson(person: Person): Promise<string>;
  modify(dn: string, attribute: string, values: string[] | Buffer[]): Promise<void>;
  remove(dn: string): Promise<void>;
  rename(dn: string, newRdn: string): Promise<void>;
  addModerator(dn: string): Promise<void>;
  /** The entryUUID slapd gave the entry. */
  entryUUID(dn: string): Promise<string>;
  stop(): Promise<void>;
}

const SCHEMA = `
attributetype ( 1.3.6.1.4.1.55555.1.1 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.55555.1.2 NAME 'objectGUID'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.55555.1.3 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.55555.2.1 NAME 'adStandIn' SUP top AUXILIARY
  MAY ( sAMAccountName $ objectGUID $ userAccountControl ) )
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as {port: number};
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let certificates: Promise<string> | undefined;

/** Every slapd started here dies with this test process, even when a timeout skips its teardown. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The test CA and slapd's certificate, made once per test process (RSA keys are slow to make). */
function sharedCertificates(): Promise<string> {
  certificates ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-slapd-tls-'));
    process.once('exit', () => rmSync(dir, {recursive: true, force: true}));
    await makeCertificates(dir);
    return dir;
  })();
  return certificates;
}

async function makeCertificates(dir: string): Promise<void> {
  const o = (...args: string[]) => run('openssl', args, {cwd: dir});
  await o('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Chat Test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  await o('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await o('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt');
}

export async function startSlapd(people: readonly Person[] = PEOPLE): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-slapd-'));
  mkdirSync(join(dir, 'db'));
  const tls = await sharedCertificates();
  writeFileSync(join(dir, 'ad-standin.schema'), SCHEMA);
  writeFileSync(
    join(dir, 'slapd.conf'),
    `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include ${join(dir, 'ad-standin.schema')}
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile ${join(dir, 'slapd.pid')}
TLSCACertificateFile ${join(tls, 'ca.crt')}
TLSCertificateFile ${join(tls, 'server.crt')}
TLSCertificateKeyFile ${join(tls, 'server.key')}
database mdb
maxsize 33554432
suffix "${BASE_DN}"
rootdn "${ADMIN_DN}"
rootpw ${ADMIN_PASSWORD}
directory ${join(dir, 'db')}
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
`,
  );
  const port = await freePort();
  const tlsPort = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://localhost:${tlsPort}`;
  // -d keeps slapd in the foreground, so that it is this test's child and dies with it.
  const child: ChildProcess = spawn(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/ ldaps://127.0.0.1:${tlsPort}/`, '-d', process.env.CHAT_TEST_SLAPD_DEBUG ?? '0'], {stdio: ['ignore', 'ignore', 'pipe']});
  running.add(child);
  let log = '';
  child.stderr?.on('data', (chunk) => (log += String(chunk)));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  await waitForBind(url, () => child.exitCode !== null, () => log);

  const admin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({url, timeout: 5000});
    try {
      await client.bind(ADMIN_DN, ADMIN_PASSWORD);
      return await work(client);
    } finally {
      await client.unbind().catch(() => {});
    }
  };
  const addPerson = (p: Person) =>
    admin(async (c) => {
      const dn = `uid=${p.uid},${PEOPLE_DN}`;
      const entry: Record<string, string | string[]> = {
        objectClass: p.ad ? ['inetOrgPerson', 'adStandIn'] : ['inetOrgPerson'],
        uid: p.uid,
        cn: p.cn,
        sn: p.cn.split(' ').at(-1) as string,
        userPassword: p.password,
      };
      if (p.displayName) entry.displayName = p.displayName;
      if (p.ad) {
        entry.sAMAccountName = p.ad.sAMAccountName;
        entry.userAccountControl = String(p.ad.userAccountControl);
      }
      await c.add(dn, entry);
      // Binary values go through a modify: add() takes strings only.
      if (p.ad) await c.modify(dn, new Change({operation: 'replace', modification: new Attribute({type: 'objectGUID', values: [p.ad.objectGUID]})}));
      return dn;
    });
  await admin(async (c) => {
    await c.add(BASE_DN, {objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example'});
    for (const ou of ['people', 'groups', 'services']) await c.add(`ou=${ou},${BASE_DN}`, {objectClass: 'organizationalUnit', ou});
    await c.add(READER_DN, {objectClass: ['person', 'simpleSecurityObject'], cn: 'reader', sn: 'reader', userPassword: READER_PASSWORD});
  });
  const dns: string[] = [];
  for (const p of people) dns.push(await addPerson(p));
  // groupOfNames needs a member: the group starts with the last person.
  await admin((c) => c.add(MODERATORS_DN, {objectClass: 'groupOfNames', cn: 'chat-moderators', member: dns.at(-1) as string}));

  let stopped: Promise<void> | undefined;
  return {
    url,
    ldapsUrl,
    ca: readFileSync(join(tls, 'ca.crt')),
    dir,
    addPerson,
    modify: (dn, attribute, values) => admin((c) => c.modify(dn, new Change({operation: 'replace', modification: new Attribute({type: attribute, values})}))),
    remove: (dn) => admin((c) => c.del(dn)),
    rename: (dn, newRdn) => admin((c) => c.modifyDN(dn, newRdn)),
    addModerator: (dn) => admin((c) => c.modify(MODERATORS_DN, new Change({operation: 'add', modification: new Attribute({type: 'member', values: [dn]})}))),
    entryUUID: (dn) =>
      admin(async (c) => {
        const {searchEntries} = await c.search(dn, {scope: 'base', attributes: ['entryUUID']});
        return String(searchEntries[0]?.entryUUID);
      }),
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
        rmSync(dir, {recursive: true, force: true});
      })();
      return stopped;
    },
  };
}

async function waitForBind(url: string, dead: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Client({url, timeout: 1000, connectTimeout: 1000});
    try {
      await client.bind(ADMIN_DN, ADMIN_PASSWORD);
      return;
    } catch (error) {
      if (dead() || Date.now() > deadline) throw new Error(`slapd did not start: ${String(error)}\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.unbind().catch(() => {});
    }
  }
}
