/**
 * The two stores every server test runs on: a temp SQLite file and a throwaway MariaDB /
 * MySQL database (dropped afterwards). Without a reachable MySQL the MySQL variants are
 * skipped with a notice, except under CI=true, where that is a failure.
 */
import {randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import SQLite from 'better-sqlite3';
import {createConnection} from 'mysql2/promise';
import {openStore} from '../../source/store/open.js';
import type {Store} from '../../source/store/types.js';

export const MYSQL_ADMIN_URL = process.env.CHAT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

export interface Database {
  /** The URL to give chat-server (--db), or undefined for SQLite with `dataDir`. */
  readonly url: string | undefined;
  readonly dataDir: string;
  open(): Promise<Store>;
  /** Runs SQL straight on the database, as a sysadmin would, to check what is stored. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export interface Backend {
  readonly name: 'sqlite' | 'mysql';
  create(): Promise<Database>;
}

const sqlite: Backend = {
  name: 'sqlite',
  async create() {
    const dataDir = mkdtempSync(join(tmpdir(), 'chat-test-'));
    const file = join(dataDir, 'chat.sqlite');
    return {
      url: undefined,
      dataDir,
      open: () => openStore({dataDir}),
      async query(sql, params = []) {
        const db = new SQLite(file);
        try {
          const statement = db.prepare(sql);
          return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as never[];
        } finally {
          db.close();
        }
      },
      async drop() {
        rmSync(dataDir, {recursive: true, force: true});
      },
    };
  },
};

export function mysqlUrlFor(database: string): string {
  const url = new URL(MYSQL_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function mysqlAdmin() {
  const url = new URL(MYSQL_ADMIN_URL);
  return createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    multipleStatements: true,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
  });
}

export function throwawayName(): string {
  return `chat_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

const mysql: Backend = {
  name: 'mysql',
  async create() {
    const name = throwawayName();
    const url = mysqlUrlFor(name);
    const admin = await mysqlAdmin();
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.changeUser({database: name});
    return {
      url,
      dataDir: '',
      open: () => openStore({dbUrl: url, dataDir: ''}),
      async query(sql, params = []) {
        const [rows] = await admin.query(sql, params);
        return Array.isArray(rows) ? (rows as never[]) : [];
      },
      async drop() {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await admin.end();
      },
    };
  },
};

let mysqlReachable: Promise<boolean> | undefined;

export function isMysqlReachable(): Promise<boolean> {
  mysqlReachable ??= mysqlAdmin().then(
    async (c) => {
      await c.end();
      return true;
    },
    () => false,
  );
  return mysqlReachable;
}

export const backends: readonly Backend[] = [sqlite, mysql];

/** Whether tests on this backend should run; prints why not, fails under CI. */
export async function available(backend: Backend): Promise<{run: boolean; reason?: string}> {
  if (backend.name === 'sqlite' || (await isMysqlReachable())) return {run: true};
  const reason = `MySQL/MariaDB is not reachable at ${MYSQL_ADMIN_URL} (set CHAT_TEST_MYSQL_URL)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true the MySQL suite must run.`);
  return {run: false, reason};
}

/**
 * Holds the database's write lock from outside the server, as an operator's long
 * transaction would, so that the writer's batch waits in the middle of its commit. SQLite:
 * an exclusive transaction on the file (the store retries a busy file for 2 s, then
 * refuses). MySQL: the first salon's row locked FOR UPDATE (a batch advances its salons'
 * counters first and waits there, as for a database that stopped answering). Resolves
 * with the release.
 */
export async function holdWriteLock(db: Database): Promise<() => Promise<void>> {
  if (!db.url) {
    const locker = new SQLite(join(db.dataDir, 'chat.sqlite'));
    locker.exec('BEGIN EXCLUSIVE');
    return async () => {
      locker.exec('COMMIT');
      locker.close();
    };
  }
  const conn = await mysqlAdmin();
  await conn.changeUser({database: decodeURIComponent(new URL(db.url).pathname.slice(1))});
  await conn.query('START TRANSACTION');
  await conn.query('SELECT salon_id FROM salons ORDER BY salon_id LIMIT 1 FOR UPDATE');
  return async () => {
    await conn.query('COMMIT');
    await conn.end();
  };
}
