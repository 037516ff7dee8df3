/**
 * Versioned migrations from the plain SQL files in sql/<backend>/, applied at start. Each
 * file records its own version in schema_migrations, so a sysadmin who imports the files by
 * hand (`mysql db < sql/mysql/001_original.sql`, ...) leaves the same state the server would.
 */
import {readdir, readFile} from 'node:fs/promises';
import type {StoreKind} from './types.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationTarget {
  /** Highest recorded version, 0 when schema_migrations does not exist yet. */
  currentVersion(): Promise<number>;
  /** Every recorded version (empty when schema_migrations does not exist yet). */
  appliedVersions?(): Promise<ReadonlySet<number>>;
  apply(migration: Migration): Promise<void>;
}

const sqlRoot = new URL('../../../sql/', import.meta.url);
const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export async function loadMigrations(kind: StoreKind): Promise<Migration[]> {
  const dir = new URL(`${kind}/`, sqlRoot);
  const files = (await readdir(dir)).filter((f) => FILE.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const [, version, name] = FILE.exec(file) as RegExpExecArray;
      return {version: Number(version), name: name as string, sql: await readFile(new URL(file, dir), 'utf8')};
    }),
  );
}

export class SchemaTooNewError extends Error {
  constructor(readonly found: number, readonly known: number) {
    super(`The database schema is at version ${found}, newer than this chat-server knows (${known}). Upgrade chat-server.`);
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Applies the migrations the database lacks, in order. Returns the versions applied.
 * "Lacks" is per version, not "above the highest": features built in parallel reserve
 * numbers, and one merged after a later number shipped (directory sign-in's 008/009 after
 * retention's 009/010) must still reach the databases that ran the later one first. A
 * reserved migration is written to stand alone for that reason.
 */
export async function migrate(kind: StoreKind, target: MigrationTarget): Promise<number[]> {
  const migrations = await loadMigrations(kind);
  const known = migrations.at(-1)?.version ?? 0;
  const current = await target.currentVersion();
  if (current > known) throw new SchemaTooNewError(current, known);
  const recorded = await target.appliedVersions?.();
  const applied: number[] = [];
  for (const migration of migrations) {
    if (recorded ? recorded.has(migration.version) : migration.version <= current) continue;
    await target.apply(migration);
    applied.push(migration.version);
  }
  return applied;
}
