/** Flags as sysadmins and users type them: a typo is an error that lists the valid flags, never a silent default. */
import test from 'ava';
import {CLIENT_BIN, SERVER_BIN, run} from '../helpers/binary.js';
import {backends} from '../helpers/backends.js';
import {ClientConnection} from '../../source/client/connection.js';
import {PASSWORD} from '../helpers/server.js';

test('chat-server --prot 6001 stops with the list of valid flags instead of starting on port 5000', async (t) => {
  const server = run(SERVER_BIN, ['--prot', '6001', '--no-console']);
  t.is(await server.exit, 2);
  t.regex(server.output(), /Unknown option --prot\. Valid options: .*--port/);
  t.notRegex(server.output(), /waiting for connections/);
});

test('chat --hots foo stops with the list of valid flags, in French with --lang fr', async (t) => {
  const client = run(CLIENT_BIN, ['--hots', 'foo', '--lang', 'fr']);
  t.is(await client.exit, 2);
  t.regex(client.output(), /Option inconnue --hots\. Options valables : .*--host/);
});

test('chat --notify loud stops with the valid values, in both languages; CHAT_NOTIFY is checked the same', async (t) => {
  const en = run(CLIENT_BIN, ['--notify', 'loud', '--lang', 'en']);
  t.is(await en.exit, 2);
  t.regex(en.output(), /Unknown --notify value loud\. Valid values: auto, osc, osc9, osc99, osc777, bell, off\./);
  const fr = run(CLIENT_BIN, ['--lang', 'fr'], {CHAT_NOTIFY: 'fort'});
  t.is(await fr.exit, 2);
  t.regex(fr.output(), /Valeur de --notify inconnue fort\. Valeurs valables : auto, osc/);
});

test('chat --help tells --notify and --on-mention, in both languages', async (t) => {
  const en = run(CLIENT_BIN, ['--help'], {CHAT_LANG: 'en'});
  t.is(await en.exit, 0);
  t.regex(en.output(), /--notify MODE +desktop notifications/);
  t.regex(en.output(), /--on-mention CMD +also run CMD/);
  const fr = run(CLIENT_BIN, ['--help'], {CHAT_LANG: 'fr'});
  t.is(await fr.exit, 0);
  t.regex(fr.output(), /--notify MODE +notifications de bureau/);
  t.regex(fr.output(), /--on-mention CMD +lancer aussi CMD/);
});

test('--help answers beside other flags, in the language they ask for, for both binaries, and starts nothing', async (t) => {
  for (const [bin, args, words] of [
    [CLIENT_BIN, ['--help', '--lang', 'fr'], /Le client terminal de salons-chat/],
    [CLIENT_BIN, ['--lang', 'en', '--port', '6001', '--help'], /The terminal client of salons-chat/],
    [SERVER_BIN, ['--lang', 'fr', '--no-console', '--help'], /Démarre le serveur de discussion/],
  ] as const) {
    const child = run(bin, [...args]);
    t.is(await child.exit, 0, args.join(' '));
    t.regex(child.output(), words);
  }
});

test('known flags in every form still work (--no-console, --port=N), and the registration limit comes from its flag', async (t) => {
  const db = await backends[0]!.create();
  try {
    const server = run(SERVER_BIN, ['--host', '127.0.0.1', '--port=0', '--no-console', '--data-dir', db.dataDir, '--registrations-per-address', '2'], {CHAT_ADMIN_PASSWORD: PASSWORD});
    try {
      const [, port] = await server.waitFor(/127\.0\.0\.1:(\d+)/);
      // The registration limit is the flag's: two accounts, then a refusal.
      const c = await ClientConnection.open({host: '127.0.0.1', port: Number(port)});
      const results = [];
      for (const name of ['one', 'two', 'three']) results.push(await c.request('register', {username: name, alias: name, password: PASSWORD}).then(() => 'OK', (e) => e.code));
      t.deepEqual(results, ['OK', 'OK', 'RATE_LIMITED']);
      await c.close();
    } finally {
      t.is(await server.stop(), 0);
    }
  } finally {
    await db.drop();
  }
});
