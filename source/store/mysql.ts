/** The MySQL / MariaDB backend, through mysql2's pool. */
import {Kysely, MysqlDialect} from 'kysely';
import {createPool} from 'mysql2';
import {createConnection} from 'mysql2/promise';
import {migrate} from './migrate.js';
import {ReaderThreads} from './reader-threads.js';
import {SearchTerms} from './search-terms.js';
import type {Database} from './schema.js';
import {SqlStore} from './sql-store.js';
import type {Store} from './types.js';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function parseMysqlUrl(url: string): MysqlTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') throw new Error(`Not a mysql:// URL: ${redact(url)}`);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`The database URL names no database: ${redact(url)} (expected mysql://user:pass@host:port/dbname)`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/** The URL as it may appear in logs: without its password. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

// Errors after which the same statement may succeed later: the server is down, restarting,
// or refusing connections. Anything else is a bug or bad data.
const UNAVAILABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK',
  'ER_QUERY_INTERRUPTED', 'ER_CONNECTION_KILLED', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', 'ER_OPTION_PREVENTS_STATEMENT',
]);

const isDuplicateSend = (error: unknown): boolean => {
  const e = error as {code?: string; message?: string};
  return e?.code === 'ER_DUP_ENTRY' && String(e.message).includes('uq_messages_client_msg');
};

const MIGRATION_LOCK = 'salons_chat_migrate';

export async function openMysql(url: string): Promise<Store> {
  const target = parseMysqlUrl(url);
  const base = {host: target.host, port: target.port, user: target.user, password: target.password, charset: 'utf8mb4_unicode_ci', timezone: 'Z' as const, connectTimeout: 5000};
  // Migrations run on their own connection: they need several statements per query, which
  // the pool never allows.
  const admin = await createConnection({...base, multipleStatements: true});
  let consecutiveIds = false;
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${target.database.replaceAll('`', '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.changeUser({database: target.database});
    // Nodes that start together must not migrate at the same time.
    await admin.query('SELECT GET_LOCK(?, 120)', [MIGRATION_LOCK]);
    try {
      await migrate('mysql', {
        currentVersion: async () => {
          const [tables] = await admin.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_migrations'");
          if ((tables as unknown[]).length === 0) return 0;
          const [rows] = await admin.query('SELECT MAX(version) AS v FROM schema_migrations');
          return Number((rows as {v: number | null}[])[0]?.v ?? 0);
        },
        appliedVersions: async () => {
          const [tables] = await admin.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_migrations'");
          if ((tables as unknown[]).length === 0) return new Set<number>();
          const [rows] = await admin.query('SELECT version FROM schema_migrations');
          return new Set((rows as {version: number}[]).map((r) => Number(r.version)));
        },
        apply: async (migration) => {
          await admin.query(migration.sql);
        },
      });
    } finally {
      await admin.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]);
    }
    // Modes 0 and 1 give a multi-row INSERT consecutive AUTO_INCREMENT ids; mode 2
    // (MySQL 8's default) may interleave them with another transaction's.
    // (auto_increment_increment > 1, as in some replication setups, spaces them out.)
    const [mode] = await admin.query('SELECT @@innodb_autoinc_lock_mode AS m, @@auto_increment_increment AS i');
    const row = (mode as {m: number; i: number}[])[0];
    consecutiveIds = Number(row?.m ?? 2) < 2 && Number(row?.i ?? 2) === 1;
  } finally {
    await admin.end();
  }
  // Several statements per query let a batch's locked part take one round trip
  // (messages.ts). Every value still travels as a placeholder, escaped by the driver.
  const pool = createPool({...base, database: target.database, connectionLimit: 8, supportBigNumbers: true, enableKeepAlive: true, multipleStatements: true});
  const kysely = new Kysely<Database>({dialect: new MysqlDialect({pool})});
  // Search runs on its own thread, with its own connections (mysql-search-worker.ts).
  const searchThread = new ReaderThreads(new URL('./mysql-search-worker.js', import.meta.url), {connection: {...base, database: target.database}}, 1, {busy: 'ER_CON_COUNT_ERROR', stopped: 'PROTOCOL_CONNECTION_LOST'});
  return new SqlStore(kysely, {
    kind: 'mysql',
    location: redact(url),
    time: (ms) => new Date(ms),
    consecutiveIds,
    append: 'one-trip',
    terms: new SearchTerms('mysql'),
    conflictField(error) {
      const e = error as {code?: string; message?: string};
      if (e?.code !== 'ER_DUP_ENTRY') return null;
      if (e.message?.includes('uq_clients_username')) return 'username';
      if (e.message?.includes('uq_clients_alias')) return 'alias';
      return null;
    },
    isDuplicateSend,
    // A deadlock victim's transaction was rolled back whole; running it again is safe. A
    // send retried while its first attempt commits in another transaction (another node)
    // collides on the idempotency key after the lookup missed it: run again, the lookup
    // then finds the first attempt and returns it.
    isBusy: (error) => (error as {code?: string})?.code === 'ER_LOCK_DEADLOCK' || isDuplicateSend(error),
    isUnavailable(error) {
      const e = error as {code?: string; fatal?: boolean};
      return e?.fatal === true || UNAVAILABLE.has(String(e?.code ?? ''));
    },
    searchThread,
    destroy: () => searchThread.close(), // Kysely's destroy ends the pool
  });
}
