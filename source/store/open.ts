/** Chooses the backend from configuration: a mysql:// URL, else the SQLite file. */
import {join} from 'node:path';
import {openMysql} from './mysql.js';
import {openSqlite} from './sqlite.js';
import type {Store} from './types.js';

export const SQLITE_FILE = 'chat.sqlite';

export interface StoreConfig {
  /** mysql://user:pass@host:port/db, mariadb://..., sqlite:///path/file.sqlite or empty. */
  dbUrl?: string | undefined;
  dataDir: string;
}

export function openStore(config: StoreConfig): Promise<Store> {
  const url = config.dbUrl?.trim();
  if (!url) return openSqlite(join(config.dataDir, SQLITE_FILE));
  if (/^(mysql|mariadb):\/\//i.test(url)) return openMysql(url);
  if (/^sqlite:/i.test(url)) return openSqlite(decodeURIComponent(url.replace(/^sqlite:(\/\/)?/i, '')));
  return Promise.reject(new Error(`Unsupported database URL scheme in ${JSON.stringify(url.split('://')[0])}; use mysql://... or sqlite:///path`));
}

export type {Store} from './types.js';
