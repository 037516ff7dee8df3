/**
 * Upgrading the original application's MySQL database (test/fixtures/original.sql, built from
 * its deployment guide) and hand-imported migrations. MySQL/MariaDB only.
 */
import {readFile, readdir} from 'node:fs/promises';
import test, {type ExecutionContext} from 'ava';
import type {Connection} from 'mysql2/promise';
import {openStore} from '../../source/store/open.js';
import {verifyPassword} from '../../source/store/password.js';
import type {Store} from '../../source/store/types.js';
import {type Backend, available, backends, mysqlAdmin, mysqlUrlFor, throwawayName} from '../helpers/backends.js';

const FIXTURE = new URL('../../../test/fixtures/original.sql', import.meta.url);
const MIGRATIONS = new URL('../../../sql/mysql/', import.meta.url);
const mysqlBackend = backends.find((b) => b.name === 'mysql') as Backend;
const COUNTED = ['clients', 'salons', 'salons_adheres', 'messages'] as const;

interface Scratch {
  url: string;
  admin: Connection;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

let notified = false;

/** A test on a throwaway database (created with `charset`, or the server's default). */
function mysqlTest(title: string, charset: string | undefined, body: (t: ExecutionContext, s: Scratch) => Promise<void>): void {
  test(title, async (t) => {
    const {run, reason} = await available(mysqlBackend);
    if (!run) {
      if (!notified) console.log(`NOTICE: skipping the legacy MySQL tests: ${reason}`);
      notified = true;
      t.pass();
      return;
    }
    const name = throwawayName();
    const admin = await mysqlAdmin();
    try {
      await admin.query(`CREATE DATABASE \`${name}\`${charset ? ` CHARACTER SET ${charset}` : ''}`);
      await admin.changeUser({database: name});
      const rows = async <T>(sql: string, params: unknown[] = []) => (await admin.query(sql, params))[0] as T[];
      await body(t, {url: mysqlUrlFor(name), admin, rows});
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    }
  });
}

const importOriginal = async (s: Scratch) => void (await s.admin.query(await readFile(FIXTURE, 'utf8')));

async function counts(s: Scratch): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of COUNTED) result[table] = Number((await s.rows<{n: number}>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);
  return result;
}

/** Every table's definition and rows, to show that an open changed nothing. */
async function snapshot(s: Scratch): Promise<Record<string, unknown>> {
  const tables = await s.rows<{t: string}>('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME');
  const result: Record<string, unknown> = {};
  for (const {t} of tables) {
    const [definition] = await s.rows<{'Create Table': string}>(`SHOW CREATE TABLE \`${t}\``);
    result[t] = {definition: definition?.['Create Table'], rows: await s.rows(`SELECT * FROM \`${t}\` ORDER BY 1`)};
  }
  return result;
}

async function withStore(url: string, body: (store: Store) => Promise<void>): Promise<void> {
  const store = await openStore({dbUrl: url, dataDir: ''});
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

const messagesBySalon = (s: Scratch) =>
  s.rows<{message_id: number; salon_id: number; seq: number}>('SELECT message_id, salon_id, seq FROM messages ORDER BY salon_id, message_id');

// latin1 was MySQL's default before 8.0; utf8mb4 is this server's default.
for (const charset of ['latin1', 'utf8mb4']) {
  mysqlTest(`original database (${charset}): no row is lost, the duplicate toto becomes toto~9, admin and server are moderators`, charset, async (t, s) => {
    await importOriginal(s);
    const before = await counts(s);
    t.deepEqual(before, {clients: 7, salons: 5, salons_adheres: 7, messages: 8}, 'the fixture as imported');
    await withStore(s.url, async (store) => {
      t.deepEqual(await counts(s), before);
      t.deepEqual(
        (await store.listUsers()).map((u) => [u.id, u.username, u.alias, u.role]),
        [[1, 'admin', 'admin', 'moderator'], [2, 'toto', 'toto', 'user'], [3, 'server', 'server', 'moderator'], [5, 'titi', 'titi', 'user'],
          [9, 'toto~9', 'test', 'user'], [11, 'test', 'ax', 'user'], [13, 'exemple', 'exemple', 'user']],
      );
      t.is((await store.findUser('toto'))?.id, 2, 'the oldest account keeps the name');
      t.is((await store.findUser('TOTO~9'))?.id, 9);
      t.is(await store.countModerators(), 2);
      t.deepEqual(
        (await store.listSalons()).map((x) => [x.id, x.name, x.moderated]),
        [[1, 'Général', false], [2, 'Blabla', false], [3, 'Comptabilité', true], [4, 'Informatique', true], [5, 'Marketing', true]],
      );
      const memberships = (await store.listMemberships()).map((m) => `${m.username}:${m.salonId}:${m.lastReadSeq}`).sort();
      t.deepEqual(memberships, ['exemple:1:0', 'exemple:2:0', 'exemple:3:0', 'test:1:0', 'titi:1:0', 'titi:2:0', 'toto:1:0']);
      t.deepEqual((await s.rows<{version: number}>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version), [1, 2, 3, 4, 5, 6, 7, 9, 10, 11]);
    });
  });

  mysqlTest(`original database (${charset}): messages are numbered 1..n per salon in message_id order and keep their times and text`, charset, async (t, s) => {
    await importOriginal(s);
    const times = async () => (await s.rows<{message_id: number; timestamp: Date}>('SELECT message_id, timestamp FROM messages ORDER BY message_id')).map((r) => [r.message_id, r.timestamp.getTime()]);
    const timesBefore = await times();
    await withStore(s.url, async (store) => {
      const numbered = await messagesBySalon(s);
      const expected = new Map<number, number>();
      for (const row of numbered) {
        const seq = (expected.get(row.salon_id) ?? 0) + 1;
        expected.set(row.salon_id, seq);
        t.is(Number(row.seq), seq, `message ${row.message_id}`);
      }
      t.deepEqual(numbered.map((r) => r.message_id), [1, 2, 7, 9, 3, 4, 10, 6]);
      t.deepEqual((await store.listSalons()).map((x) => x.seq), [1, 2, 3, 4, 5].map((id) => expected.get(id) ?? 0), 'salons.seq is the newest seq');
      t.deepEqual(await times(), timesBefore);

      const general = await store.history(1, undefined, 10);
      t.deepEqual(general.map((m) => [m.id, m.seq, m.clientId, m.username, m.alias, m.text]), [
        [1, 1, 13, 'exemple', 'exemple', 'Bonjour !'],
        [2, 2, 1, 'admin', 'admin', 'Salut !'],
        [7, 3, 9, 'toto~9', 'test', "Je suis l'autre toto."],
        [9, 4, 2, 'toto', 'toto', 'Bonne année à tous !'],
      ]);
      t.is(general[0]?.ts, Date.UTC(2023, 11, 31, 17, 46, 59));
      t.is(general[1]?.ts, Date.UTC(2023, 11, 31, 17, 47, 5));
      t.deepEqual((await store.history(2, undefined, 10)).map((m) => m.text), ["Quelqu'un sur Blabla ?", 'Oui, moi. Ça va ?', "À l'an prochain"]);
      t.deepEqual((await store.messagesAfter(3, 0, 10)).map((m) => m.text), ["Le bilan de l'année est prêt."]);

      const admin = await store.findUser('admin');
      const [next] = await store.appendMessages([{clientId: 1, username: 'admin', alias: admin?.alias ?? '', salonId: 1, text: 'Migré 😀', ts: Date.UTC(2024, 5, 1)}]);
      t.is(next?.seq, 5, 'new messages continue after the migrated ones');
      t.true((next?.id ?? 0) > 10);
    });
  });

  mysqlTest(`original database (${charset}): 'exemple' stays connected until resetStatuses; SHA-256 passwords verify and ask for an upgrade`, charset, async (t, s) => {
    await importOriginal(s);
    const status = async (username: string) => (await s.rows<{status: string}>('SELECT status FROM clients WHERE username = ?', [username]))[0]?.status;
    await withStore(s.url, async (store) => {
      t.is(await status('exemple'), 'connected', 'the migration itself keeps the status');
      t.is(await store.resetStatuses(), 1);
      t.is(await status('exemple'), 'disconnected');
      t.deepEqual((await s.rows<{status: string}>('SELECT DISTINCT status FROM clients')).map((r) => r.status), ['disconnected']);

      const testUser = await store.findUser('test');
      t.is(testUser?.passwordHash, '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');
      t.deepEqual(await verifyPassword('test', testUser?.passwordHash ?? ''), {ok: true, needsUpgrade: true});
      t.deepEqual(await verifyPassword('Test', testUser?.passwordHash ?? ''), {ok: false, needsUpgrade: false});
      t.deepEqual(await verifyPassword('test', (await store.findUser('toto~9'))?.passwordHash ?? ''), {ok: true, needsUpgrade: true});
      t.deepEqual(await verifyPassword('admin', (await store.findUser('admin'))?.passwordHash ?? ''), {ok: true, needsUpgrade: true});
      t.deepEqual(await verifyPassword('exemple', (await store.findUser('exemple'))?.passwordHash ?? ''), {ok: true, needsUpgrade: true});
    });
  });

  mysqlTest(`original database (${charset}): opening it a second time applies nothing and changes no row`, charset, async (t, s) => {
    await importOriginal(s);
    await withStore(s.url, async () => {});
    const once = await snapshot(s);
    t.truthy(once['schema_migrations']);
    await withStore(s.url, async (store) => {
      t.is((await store.listSalons()).length, 5);
    });
    t.deepEqual(await snapshot(s), once);
  });
}

mysqlTest('every file of sql/mysql imported by hand, in order, gives a database that openStore takes as is', undefined, async (t, s) => {
  const files = (await readdir(MIGRATIONS)).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort();
  t.deepEqual(files, ['001_original.sql', '002_product.sql', '003_conversations.sql', '004_message_changes.sql', '005_search.sql', '006_hooks.sql', '007_operator.sql', '009_directory.sql', '010_retention.sql', '011_search_terms.sql']);
  for (const file of files) await s.admin.query(await readFile(new URL(file, MIGRATIONS), 'utf8'));
  t.deepEqual((await s.rows<{version: number}>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version), [1, 2, 3, 4, 5, 6, 7, 9, 10, 11]);
  const imported = await snapshot(s);
  await withStore(s.url, async (store) => {
    t.deepEqual(await snapshot(s), imported, 'opening migrated nothing again');
    t.deepEqual(
      (await store.listSalons()).map((x) => [x.id, x.name, x.moderated, x.seq]),
      [[1, 'Général', false, 0], [2, 'Blabla', false, 0], [3, 'Comptabilité', true, 0], [4, 'Informatique', true, 0], [5, 'Marketing', true, 0]],
    );
    const user = await store.createUser({username: 'alice', alias: 'Alice', passwordHash: 'x'.repeat(64), role: 'user', ts: Date.UTC(2024, 0, 1)});
    t.deepEqual(await store.listMemberships(), [{username: 'alice', salonId: 1, lastReadSeq: 0, readN: 0}]);
    const [stored] = await store.appendMessages([{clientId: user.id, username: 'alice', alias: 'Alice', salonId: 1, text: 'é😀', ts: Date.UTC(2024, 0, 1)}]);
    t.like(stored, {seq: 1, text: 'é😀'});
  });
  t.is(Number((await s.rows<{n: number}>('SELECT COUNT(*) AS n FROM salons'))[0]?.n), 5);
});
