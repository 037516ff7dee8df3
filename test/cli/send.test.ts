/**
 * `chat login` and `chat send` against a real server, as a script runs them: exit codes,
 * the session file (mode 0600), the text from arguments or stdin, CHAT_TOKEN, and clear
 * messages for what goes wrong.
 */
import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {backends} from '../helpers/backends.js';
import {CLIENT_BIN} from '../helpers/binary.js';
import {PASSWORD, startTestServer} from '../helpers/server.js';

function chat(args: string[], env: Record<string, string>, input = ''): Promise<{code: number; out: string; err: string}> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLIENT_BIN, ...args], {env: {PATH: process.env.PATH ?? '', HOME: env.HOME ?? '/tmp', CHAT_LANG: 'en', ...env}}, (error, out, err) =>
      resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, out, err}),
    );
    child.stdin?.end(input);
  });
}

test('chat login keeps a session that chat send uses; the text comes from arguments or stdin; CHAT_TOKEN overrides', async (t) => {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const home = mkdtempSync(join(tmpdir(), 'chat-send-'));
  try {
    const alice = await srv.user('alice');
    const where = ['--host', '127.0.0.1', '--port', String(srv.server.port)];
    const env = {HOME: home, XDG_CONFIG_HOME: join(home, 'config')};

    t.like(await chat(['send', ...where, '--salon', 'Général', 'hello'], env), {code: 1});
    const login = await chat(['login', ...where, '--user', 'alice'], env, `${PASSWORD}\n`);
    t.is(login.code, 0, login.err);
    const file = join(home, 'config', 'salons-chat', 'session.json');
    t.is(statSync(file).mode & 0o777, 0o600, 'only its owner reads the token');

    const sent = await chat(['send', ...where, '--salon', 'Général', 'Build', '42', 'passed'], env);
    t.is(sent.code, 0, sent.err);
    t.regex(sent.out, /Stored \(seq 1\)/);
    await alice.waitFor('message', (e) => e.text === 'Build 42 passed' && e.author === 'alice');
    t.is((await chat(['send', ...where, '--salon', 'Général'], env, 'from stdin\nline two\n')).code, 0);
    await alice.waitFor('message', (e) => e.text === 'from stdin\nline two');

    const refused = await chat(['send', ...where, '--salon', 'Nowhere', 'x'], env);
    t.like(refused, {code: 1});
    t.regex(refused.err, /salon/i);
    const badToken = await chat(['send', ...where, '--salon', 'Général', 'x'], {...env, CHAT_TOKEN: 'not-a-token'});
    t.like(badToken, {code: 1});
    t.regex(badToken.err, /chat login/);
    t.like(await chat(['send', ...where, 'no salon'], env), {code: 2});
    t.like(await chat(['send', ...where, '--salon', 'Général'], env, '\n'), {code: 2});
    const wrong = await chat(['login', ...where, '--user', 'alice'], env, 'not the password\n');
    t.like(wrong, {code: 1});
    t.regex(wrong.err, /password/i);
    const down = await chat(['send', '--host', '127.0.0.1', '--port', '1', '--salon', 'Général', 'x'], env);
    t.like(down, {code: 1});
    t.regex(down.err, /Cannot reach the server/);
    t.like(await chat(['sned'], env), {code: 2});
  } finally {
    await srv.stop();
    await db.drop();
    rmSync(home, {recursive: true, force: true});
  }
});
