/**
 * A database made by the previous release (every migration but the conversations, message changes, search, hooks, operator, retention and directory ones,
 * imported by hand as a sysadmin would) is migrated forward at start without losing a row,
 * and its users then open direct messages. Both backends.
 */
import {readFile, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import SQLite from 'better-sqlite3';
import {eachBackend} from '../helpers/each-backend.js';
import {mysqlAdmin} from '../helpers/backends.js';
import {PASSWORD, startTestServer} from '../helpers/server.js';
import {hashPassword} from '../../source/store/password.js';

const SQL = new URL('../../../sql/', import.meta.url);

/** The SQL files of the release before conversations, message changes, search, webhooks, the operator side, retention and directory sign-in, in order. */
async function previousRelease(kind: 'sqlite' | 'mysql'): Promise<string[]> {
  const dir = new URL(`${kind}/`, SQL);
  const files = (await readdir(dir)).filter((f) => /^\d{3}_.*\.sql$/.test(f) && !/conversations|message_changes|search|hooks|operator|retention|directory/.test(f)).sort();
  return Promise.all(files.map((f) => readFile(new URL(f, dir), 'utf8')));
}

eachBackend('a database of the previous release is migrated forward with every row, and its users can open direct messages', async (t, db, backend) => {
  const hash = await hashPassword(PASSWORD);
  const rows = [
    "INSERT INTO clients (username, alias, password_hash, status, role) VALUES ('alice', 'Alice', ?, 'disconnected', 'user')",
    "INSERT INTO clients (username, alias, password_hash, status, role) VALUES ('bob', 'Bob', ?, 'disconnected', 'user')",
  ];
  const seed = [
    "INSERT INTO salons_adheres (username, salon_id) VALUES ('alice', 1), ('bob', 1)",
    "INSERT INTO messages (client_id, salon_id, contenu, timestamp, seq, author_alias) SELECT client_id, 1, 'before the upgrade', ?, 1, alias FROM clients WHERE username = 'alice'",
    'UPDATE salons SET seq = 1 WHERE salon_id = 1',
  ];
  if (backend.name === 'sqlite') {
    const file = new SQLite(join(db.dataDir, 'chat.sqlite'));
    try {
      for (const text of await previousRelease('sqlite')) file.exec(text);
      for (const sql of rows) file.prepare(sql).run(hash);
      file.prepare(seed[0]!).run();
      file.prepare(seed[1]!).run(Date.now());
      file.prepare(seed[2]!).run();
    } finally {
      file.close();
    }
  } else {
    const admin = await mysqlAdmin();
    try {
      await admin.changeUser({database: new URL(db.url!).pathname.slice(1)});
      for (const text of await previousRelease('mysql')) await admin.query(text);
      for (const sql of rows) await admin.query(sql, [hash]);
      await admin.query(seed[0]!);
      await admin.query(seed[1]!, [new Date()]);
      await admin.query(seed[2]!);
    } finally {
      await admin.end();
    }
  }
  const before = {clients: 2, salons: 5, memberships: 2, messages: 1};

  const srv = await startTestServer(db);
  try {
    const count = async (table: string) => Number((await db.query<{n: number}>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);
    t.deepEqual(
      {clients: await count('clients'), salons: await count('salons'), memberships: await count('salons_adheres'), messages: await count('messages')},
      before,
      'every row kept',
    );
    t.deepEqual((await db.query<{kind: string}>('SELECT DISTINCT kind FROM salons')).map((r) => r.kind), ['salon']);
    const alice = await srv.connect();
    const login = await alice.request('login', {username: 'alice', password: PASSWORD});
    t.deepEqual(login.salons.map((s) => [s.name, s.kind]), [['Général', 'salon'], ['Blabla', 'salon'], ['Comptabilité', 'salon'], ['Informatique', 'salon'], ['Marketing', 'salon']]);
    t.deepEqual((await alice.request('history', {salon: 1})).messages.map((m) => [m.text, m.n, m.kind]), [['before the upgrade', 1, undefined]], 'an old message counts as one');
    const {message} = await alice.request('send', {salon: 1, text: 'the second'});
    t.like(message, {seq: 2, n: 2});
    await srv.server.searchIndexed();
    t.deepEqual((await alice.request('search', {text: 'upgrade'})).messages.map((m) => m.text), ['before the upgrade'], 'earlier messages indexed for search after start');
    t.truthy((await alice.request('edit', {salon: 1, seq: 1, text: 'edited after the upgrade'})).change);
    const {salon} = await alice.request('dm', {with: ['bob']});
    t.is((await alice.request('send', {salon: salon.id, text: 'after the upgrade'})).message.seq, 1);
  } finally {
    await srv.stop();
  }
});
