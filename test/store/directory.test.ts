/**
 * The store's side of directory accounts, on SQLite and MariaDB: keyed on the directory's
 * id (unique, compared exactly), listed for the sync, disabled without being deleted, and
 * a disabled account gets no session.
 */
import {eachBackend} from '../helpers/each-backend.js';
import {DIRECTORY_PASSWORD} from '../../source/store/directory.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

eachBackend('directory accounts are found by their id, listed, disabled without deletion, and get no session while disabled', async (t, db) => {
  const store = await db.open();
  try {
    const id = '0b6a3e2c-1f00-4c8e-9d55-7b3e2f1a9c01';
    const made = await store.createUser({username: 'jdupont', alias: 'Jean Dupont', passwordHash: DIRECTORY_PASSWORD, role: 'user', ts: T0, directoryId: id});
    t.is(made.directoryId, id);
    await store.createUser({username: 'local', alias: 'Local', passwordHash: 'f'.repeat(64), role: 'user', ts: T0});
    t.is((await store.findUserByDirectoryId(id))?.username, 'jdupont');
    t.is(await store.findUserByDirectoryId(id.toUpperCase()), undefined, 'ids are compared exactly');
    t.is((await store.findUser('local'))?.directoryId, null);
    t.deepEqual((await store.listDirectoryUsers()).map((u) => u.username), ['jdupont']);
    const other = store.createUser({username: 'jdupont2', alias: 'Other', passwordHash: DIRECTORY_PASSWORD, role: 'user', ts: T0, directoryId: id});
    t.is(await other.then(() => 'stored', () => 'refused'), 'refused', 'one account per directory person');

    t.true(await store.createSession('a'.repeat(64), made.id, T0, T0 + 1000_000, 20));
    await store.updateDirectoryUser(made.id, {alias: 'Jean Dupont-Durand', role: 'moderator', disabled: true}, T0 + 1);
    t.like(await store.findUserByDirectoryId(id), {alias: 'Jean Dupont-Durand', role: 'moderator', disabled: true});
    t.is(await store.findUser('jdupont'), undefined, 'no one signs in as a disabled account');
    t.like((await store.listUsers()).find((u) => u.username === 'jdupont'), {disabled: true}, 'the live model keeps it, marked disabled');
    t.is(await store.findSession('a'.repeat(64), T0 + 2), undefined, 'its sessions went with the disabling');
    t.false(await store.createSession('b'.repeat(64), made.id, T0 + 3, T0 + 1000_000, 20), 'no new session while disabled');

    await store.updateDirectoryUser(made.id, {alias: 'Jean Dupont-Durand', role: 'moderator', disabled: false}, T0 + 4);
    t.false((await store.findUser('jdupont'))?.disabled);
    t.true(await store.createSession('c'.repeat(64), made.id, T0 + 5, T0 + 1000_000, 20), 'enabled again');
  } finally {
    await store.close();
  }
});

eachBackend("a database that ran a later migration first (main's retention before directory sign-in was merged) still gets the directory's", async (t, db, backend) => {
  const version = backend.name === 'sqlite' ? 8 : 9;
  const first = await db.open();
  await first.close();
  // As such a database stands: every migration recorded but the directory's, and no column.
  if (backend.name === 'sqlite') {
    await db.query('DROP INDEX uq_clients_directory_id');
    await db.query('ALTER TABLE clients DROP COLUMN directory_id');
  } else {
    await db.query('ALTER TABLE clients DROP INDEX uq_clients_directory_id, DROP COLUMN directory_id');
  }
  await db.query('DELETE FROM schema_migrations WHERE version = ?', [version]);
  const later = (await db.query<{v: number}>('SELECT MAX(version) AS v FROM schema_migrations'))[0]?.v;
  t.true(Number(later) > version, 'a later version is recorded');

  const store = await db.open();
  try {
    t.true((await db.query<{version: number}>('SELECT version FROM schema_migrations')).some((r) => Number(r.version) === version), 'applied at start');
    const made = await store.createUser({username: 'jdupont', alias: 'Jean Dupont', passwordHash: DIRECTORY_PASSWORD, role: 'user', ts: T0, directoryId: 'some-id'});
    t.is((await store.findUserByDirectoryId('some-id'))?.id, made.id);
  } finally {
    await store.close();
  }
});
