/** The embedded backend: one SQLite file in the data directory, no server to install. */
import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import SQLite from 'better-sqlite3';
import {Kysely, SqliteDialect} from 'kysely';
import {migrate} from './migrate.js';
import type {Database} from './schema.js';
import {SqlStore} from './sql-store.js';
import {SearchTerms} from './search-terms.js';
import {SqliteReader} from './sqlite-reader.js';
import type {Store} from './types.js';

const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL|NOTADB|CORRUPT)/;

/** Statements kept prepared: the shapes the server runs (a batch INSERT per batch size, reads, updates). */
const CACHED_STATEMENTS = 256;

/**
 * Kysely's SQLite driver prepares every statement it runs, which was a sixth of the
 * server's busy time under the dm benchmark (bench/README.md): the same few shapes,
 * compiled again for each batch. Statements are kept here by their text instead, the
 * least recently used dropped past CACHED_STATEMENTS. Safe because Kysely runs one
 * statement at a time on this connection and never iterates one (no streaming).
 */
function withStatementCache(db: SQLite.Database): {prepare(sql: string): SQLite.Statement; close(): void} {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached) {
        // Most recently used last: Map keeps insertion order.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > CACHED_STATEMENTS) cache.delete(cache.keys().next().value as string);
      return statement;
    },
    close: () => db.close(),
  };
}

export async function openSqlite(file: string): Promise<Store> {
  mkdirSync(dirname(file), {recursive: true});
  const db = new SQLite(file);
  // WAL lets history reads run beside the writer; synchronous=FULL makes an acknowledged
  // message survive a power cut, affordable because the writer commits in batches.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Almost no waiting inside SQLite: it would block the event loop. SqlStore retries instead.
  db.pragma('busy_timeout = 10');
  try {
    await migrate('sqlite', {
      currentVersion: async () => {
        const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
        if (!table) return 0;
        const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {v: number | null};
        return row.v ?? 0;
      },
      appliedVersions: async () => {
        const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
        if (!table) return new Set<number>();
        return new Set((db.prepare('SELECT version FROM schema_migrations').all() as {version: number}[]).map((r) => Number(r.version)));
      },
      apply: async (migration) => {
        db.transaction(() => db.exec(migration.sql))();
      },
    });
  } catch (error) {
    db.close();
    throw error;
  }
  const kysely = new Kysely<Database>({dialect: new SqliteDialect({database: withStatementCache(db)})});
  const reader = new SqliteReader(file);
  return new SqlStore(kysely, {
    kind: 'sqlite',
    location: file,
    time: (ms) => ms,
    append: 'in-transaction',
    conflictField(error) {
      const message = error instanceof Error ? error.message : '';
      if (!message.startsWith('UNIQUE constraint failed')) return null;
      if (message.includes('clients.username')) return 'username';
      if (message.includes('clients.alias')) return 'alias';
      return null;
    },
    isUnavailable: (error) => UNAVAILABLE.test(String((error as {code?: unknown})?.code ?? '')),
    isBusy: (error) => /^SQLITE_(BUSY|LOCKED)/.test(String((error as {code?: unknown})?.code ?? '')),
    // Retries are looked up first, inside the write transaction no one else can enter.
    isDuplicateSend: () => false,
    reader,
    terms: new SearchTerms(),
    destroy: () => reader.close(), // Kysely's destroy closes the file
  });
}
