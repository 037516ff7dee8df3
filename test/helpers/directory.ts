/**
 * A chat-server on port 0 that signs people in with a real slapd (helpers/slapd.ts), over a
 * fresh SQLite file or a throwaway MariaDB database. Each test gets its own slapd, because
 * tests change the directory (people leave, are renamed, are disabled).
 */
import test, {type ExecutionContext} from 'ava';
import {Directory, type DirectoryOptions} from '../../source/server/directory.js';
import {type Backend, type Database, available, backends} from './backends.js';
import {type TestServer, startTestServer} from './server.js';
import {BASE_DN, MODERATORS_DN, type Person, PEOPLE, READER_DN, READER_PASSWORD, type Slapd, slapdAvailable, startSlapd} from './slapd.js';

export interface DirectoryWorld {
  slapd: Slapd;
  srv: TestServer;
  db: Database;
  directory: Directory;
}

export interface WorldOptions {
  /** Also on MariaDB (where the store's part matters). */
  mysql?: boolean;
  people?: readonly Person[];
  directory?: (slapd: Slapd) => Partial<DirectoryOptions>;
  allowRegister?: boolean;
}

export const openLdapOptions = (slapd: Slapd): DirectoryOptions => ({
  url: slapd.url,
  bindDn: READER_DN,
  bindPassword: READER_PASSWORD,
  baseDn: BASE_DN,
  userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
  aliasAttributes: ['displayName', 'cn'],
  idAttribute: 'entryUUID',
  moderatorGroup: MODERATORS_DN,
  startTls: false,
  timeoutMs: 3000,
});

let noticed = false;

export function directoryTest(title: string, options: WorldOptions, body: (t: ExecutionContext, world: DirectoryWorld) => Promise<void>): void {
  for (const backend of backends) {
    if (backend.name === 'mysql' && !options.mysql) continue;
    // One at a time: each test runs a slapd and a server, on a machine with few cores.
    test.serial(`${backend.name} | ${title}`, async (t) => {
      const can = slapdAvailable();
      if (!can.run || !(await available(backend)).run) {
        if (!noticed) console.log(`NOTICE: skipping directory tests: ${can.reason ?? `${backend.name} unavailable`}`);
        noticed = true;
        t.pass();
        return;
      }
      await runWorld(t, backend, options, body);
    });
  }
}

async function runWorld(t: ExecutionContext, backend: Backend, options: WorldOptions, body: (t: ExecutionContext, world: DirectoryWorld) => Promise<void>) {
  const slapd = await startSlapd(options.people ?? PEOPLE);
  t.teardown(() => slapd.stop());
  const db = await backend.create();
  try {
    const directory = new Directory({...openLdapOptions(slapd), ...options.directory?.(slapd)});
    const srv = await startTestServer(db, {directory: {directory, allowRegister: options.allowRegister ?? false, syncIntervalMs: 0}});
    try {
      await body(t, {slapd, srv, db, directory});
    } finally {
      await srv.stop();
    }
  } finally {
    await db.drop();
  }
}
