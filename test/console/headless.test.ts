/** chat-server started by a service manager: no terminal, stdin closed, settings from the environment. */
import test from 'ava';
import {backends} from '../helpers/backends.js';
import {SERVER_BIN, run} from '../helpers/binary.js';
import {PASSWORD} from '../helpers/server.js';

const sqlite = backends[0]!;
const args = (dataDir: string) => ['--host', '127.0.0.1', '--port', '0', '--no-console', '--lang', 'en', '--data-dir', dataDir];

test('with only CHAT_ADMIN_PASSWORD set, the first start creates admin and every start signs in as admin', async (t) => {
  const db = await sqlite.create();
  try {
    for (const start of ['first', 'second']) {
      const server = run(SERVER_BIN, args(db.dataDir), {CHAT_ADMIN_PASSWORD: PASSWORD});
      try {
        await server.waitFor(/waiting for connections on 127\.0\.0\.1:\d+/);
        if (start === 'first') t.regex(server.output(), /admin/);
      } finally {
        t.is(await server.stop(), 0, `${start} start: ${server.output()}`);
      }
    }
    const rows = await db.query<{username: string; role: string}>('SELECT username, role FROM clients');
    t.deepEqual(rows, [{username: 'admin', role: 'moderator'}]);
    const wrong = run(SERVER_BIN, args(db.dataDir), {CHAT_ADMIN_PASSWORD: 'not the password'});
    t.is(await wrong.exit, 1, 'a wrong password still stops it');
  } finally {
    await db.drop();
  }
});

test('with neither variable and no terminal, the server says what to set and asks nothing', async (t) => {
  const db = await sqlite.create();
  try {
    const server = run(SERVER_BIN, args(db.dataDir));
    t.is(await server.exit, 1);
    t.regex(server.output(), /CHAT_ADMIN_PASSWORD/);
    t.notRegex(server.output(), /Username:|username \[admin\]:/i);
  } finally {
    await db.drop();
  }
});
