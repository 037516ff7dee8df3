/**
 * The run's throwaway store: a SQLite file in a temporary directory, or a database
 * `chat_bench_<random>` on a MySQL/MariaDB server, dropped afterwards. Besides creating
 * and dropping it, it offers what seeding and counting need: bulk INSERTs in transactions
 * and a COUNT. The schema itself always comes from the product's own migrations.
 */
import {randomBytes} from 'node:crypto';
import {existsSync, mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import SQLite from 'better-sqlite3';
import {type Connection, createConnection} from 'mysql2/promise';
import {SQLITE_FILE, openStore} from '../source/store/open.js';

export type Row = readonly (string | number | null)[];

export interface BenchDatabase {
  readonly kind: 'sqlite' | 'mysql';
  /** Flags that point chat-server at this store. */
  readonly serverArgs: string[];
  /** A temporary directory of the run (server log, SQLite file), removed by drop(). */
  readonly workDir: string;
  /** The temporary directory (SQLite) or the database's name (MySQL). */
  readonly location: string;
  /** Runs the product's migrations (opens the store once, closes it). */
  migrate(): Promise<void>;
  /** How a time (ms since the epoch, UTC) is written in a time column. */
  time(ms: number): string | number;
  /**
   * Inserts `count` rows made by `row(i)` with multi-row INSERTs of `batch` rows: in one
   * transaction on SQLite, in transactions of 100,000 rows on MySQL.
   */
  bulkInsert(table: string, columns: readonly string[], count: number, row: (i: number) => Row, batch?: number): Promise<void>;
  run(sql: string, params?: (string | number)[]): Promise<void>;
  count(sql: string): Promise<number>;
  /**
   * MySQL only: the server's global statement counters (SHOW GLOBAL STATUS: Questions,
   * Com_commit, Com_insert, ...), to tell how many statements and commits a run cost.
   */
  statusCounters?(): Promise<Record<string, number>>;
  /** What the messages and their full-text index take on disk, MB. */
  searchSizes(): Promise<SearchSizes>;
  drop(): Promise<void>;
}

export interface SearchSizes {
  /** The messages table (its rows and search_words included), without its secondary indexes. */
  messagesMB: number;
  /** Its other indexes (MySQL: index_length; SQLite: every index of the table). */
  messageIndexesMB: number;
  /** The full-text index: FTS5's shadow tables (SQLite), the term table (MySQL). */
  searchIndexMB: number;
  /** SQLite: the database file and its WAL; MySQL: messages' tablespace file (.ibd). */
  fileMB: number;
  /** The index's parts, MB. */
  parts: Record<string, number>;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

export async function createBenchDatabase(dbUrl: string | undefined): Promise<BenchDatabase> {
  const workDir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
  return dbUrl ? mysqlDatabase(dbUrl, workDir) : sqliteDatabase(workDir);
}

function sqliteDatabase(workDir: string): BenchDatabase {
  const dataDir = join(workDir, 'data');
  const file = join(dataDir, SQLITE_FILE);
  const withDb = <T>(work: (db: SQLite.Database) => T): T => {
    const db = new SQLite(file);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    kind: 'sqlite',
    serverArgs: ['--data-dir', dataDir],
    workDir,
    location: workDir,
    async migrate() {
      await (await openStore({dataDir})).close();
    },
    time: (ms) => ms,
    async bulkInsert(table, columns, count, row, batch = 500) {
      withDb((db) => {
        // A throwaway file: no need to wait for the disk on every seeding commit.
        db.pragma('synchronous = OFF');
        const values = `(${columns.map(() => '?').join(', ')})`;
        const statement = (rows: number) => db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(values).join(', ')}`);
        if (count <= 0) return;
        const fullSize = Math.min(batch, count);
        const full = statement(fullSize);
        db.transaction(() => {
          for (let start = 0; start < count; start += batch) {
            const n = Math.min(batch, count - start);
            const params: (string | number | null)[] = [];
            for (let i = start; i < start + n; i++) params.push(...row(i));
            (n === fullSize ? full : statement(n)).run(...params);
          }
        })();
      });
    },
    async run(sql, params = []) {
      withDb((db) => db.prepare(sql).run(...params));
    },
    async count(sql) {
      return withDb((db) => Number(Object.values(db.prepare(sql).get() as object)[0]));
    },
    async searchSizes() {
      return withDb((db) => {
        // dbstat: every page of the file by table or index.
        const pages = db.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name").all() as {name: string; bytes: number}[];
        const indexes = new Set((db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'messages'").all() as {name: string}[]).map((r) => r.name));
        const parts: Record<string, number> = {};
        let searchIndex = 0;
        let messageIndexes = 0;
        let messages = 0;
        for (const p of pages) {
          if (p.name.startsWith('message_search') || p.name === 'search_terms') {
            searchIndex += p.bytes;
            parts[p.name] = mb(p.bytes);
          } else if (p.name === 'messages') messages = p.bytes;
          else if (indexes.has(p.name)) messageIndexes += p.bytes;
        }
        const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
        return {messagesMB: mb(messages), messageIndexesMB: mb(messageIndexes), searchIndexMB: mb(searchIndex), fileMB: mb(size(file) + size(`${file}-wal`)), parts};
      });
    },
    async drop() {
      rmSync(workDir, {recursive: true, force: true});
    },
  };
}

/** DATETIME(3) literal in UTC (the product stores UTC). */
const mysqlTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

function mysqlDatabase(adminUrl: string, workDir: string): BenchDatabase {
  const url = new URL(adminUrl);
  // Whatever database the URL names is never touched: the run gets its own.
  const name = `chat_bench_${randomBytes(5).toString('hex')}`;
  const serverUrl = new URL(adminUrl);
  serverUrl.pathname = `/${name}`;
  const connectTo = (database?: string) =>
    createConnection({
      host: url.hostname || '127.0.0.1',
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username || 'root'),
      password: decodeURIComponent(url.password),
      database,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      supportBigNumbers: true,
    });
  const withConn = async <T>(work: (c: Connection) => Promise<T>): Promise<T> => {
    const conn = await connectTo(name);
    try {
      return await work(conn);
    } finally {
      await conn.end();
    }
  };
  let created = false;
  return {
    kind: 'mysql',
    serverArgs: ['--db', serverUrl.toString()],
    workDir,
    location: name,
    async migrate() {
      created = true; // from here on drop() must remove it, whatever happens next
      await (await openStore({dbUrl: serverUrl.toString(), dataDir: workDir})).close();
    },
    time: mysqlTime,
    async bulkInsert(table, columns, count, row, batch = 2000) {
      const perTransaction = 100_000;
      await withConn(async (conn) => {
        const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`;
        for (let start = 0; start < count; start += perTransaction) {
          await conn.beginTransaction();
          for (let b = start; b < Math.min(count, start + perTransaction); b += batch) {
            const rows: Row[] = [];
            for (let i = b; i < Math.min(count, b + batch, start + perTransaction); i++) rows.push(row(i));
            await conn.query(sql, [rows]);
          }
          await conn.commit();
        }
      });
    },
    async run(sql, params = []) {
      await withConn((conn) => conn.query(sql, params));
    },
    async count(sql) {
      return withConn(async (conn) => {
        const [rows] = await conn.query(sql);
        return Number(Object.values((rows as object[])[0] ?? {})[0] ?? 0);
      });
    },
    async statusCounters() {
      return withConn(async (conn) => {
        const [rows] = await conn.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_commit', 'Com_begin', 'Com_select', 'Com_insert', 'Com_update', 'Innodb_data_fsyncs', 'Innodb_log_writes')");
        return Object.fromEntries((rows as {Variable_name: string; Value: string}[]).map((r) => [r.Variable_name, Number(r.Value)]));
      });
    },
    async searchSizes() {
      return withConn(async (conn) => {
        await conn.query('ANALYZE TABLE messages, message_terms');
        const [tables] = await conn.query('SELECT data_length, index_length FROM information_schema.TABLES WHERE table_schema = ? AND table_name = ?', [name, 'messages']);
        const t = (tables as {data_length: number; index_length: number}[])[0];
        // The term table (sql/mysql/011_search_terms.sql) is the index: its rows are its primary key.
        const [terms] = await conn.query('SELECT data_length + index_length AS bytes, table_rows AS n FROM information_schema.TABLES WHERE table_schema = ? AND table_name = ?', [name, 'message_terms']);
        const [spaces] = await conn.query('SELECT s.NAME AS name, s.ALLOCATED_SIZE AS bytes FROM information_schema.INNODB_SYS_TABLESPACES s WHERE s.NAME IN (?, ?)', [`${name}/messages`, `${name}/message_terms`]);
        const allocated = Object.fromEntries((spaces as {name: string; bytes: number}[]).map((sp) => [sp.name.slice(name.length + 1), Number(sp.bytes)]));
        const term = (terms as {bytes: number; n: number}[])[0];
        const searchIndex = Number(term?.bytes ?? 0);
        const file = allocated.messages ?? 0;
        const parts: Record<string, number> = {message_terms_ibd: mb(allocated.message_terms ?? 0), message_terms_rows_millions: Math.round(Number(term?.n ?? 0) / 1e4) / 100};
        return {messagesMB: mb(Number(t?.data_length ?? 0)), messageIndexesMB: mb(Number(t?.index_length ?? 0)), searchIndexMB: mb(searchIndex), fileMB: mb(file), parts};
      });
    },
    async drop() {
      try {
        if (created) {
          const admin = await connectTo();
          try {
            await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
          } finally {
            await admin.end();
          }
        }
      } finally {
        rmSync(workDir, {recursive: true, force: true});
      }
    },
  };
}
