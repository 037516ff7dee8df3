/**
 * Bot accounts: made by a moderator with BOT ADD, they sign in with their token over the
 * chat protocol, read and write in their salons and nowhere else, and stop at BOT REVOKE.
 */
import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runCommand} from '../../source/console/commands.js';
import {translator} from '../../source/i18n/index.js';
import {CLIENT_BIN} from '../helpers/binary.js';
import {eachBackend} from '../helpers/each-backend.js';
import {OPERATOR, PASSWORD, refusal, startTestServer} from '../helpers/server.js';

function chatSend(port: number, token: string, salon: string, text: string): Promise<{code: number; err: string}> {
  const home = mkdtempSync(join(tmpdir(), 'chat-bot-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLIENT_BIN, 'send', '--host', '127.0.0.1', '--port', String(port), '--salon', salon, text],
      {env: {PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, 'config'), CHAT_LANG: 'en', CHAT_TOKEN: token}},
      (error, _out, err) => {
        rmSync(home, {recursive: true, force: true});
        resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, err});
      },
    );
  });
}

eachBackend('a bot signs in with its token, reads and writes in its salons only, and its messages carry the bot mark', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    await alice.request('join', {salon: 'Blabla'});
    const {token} = await srv.server.moderation.createBot('deploy-bot', ['Blabla', 'Informatique'], OPERATOR);
    t.regex(token, /^bot_[\w-]{40,}$/);

    const bot = await srv.connect();
    const login = await bot.request('resume', {token});
    t.like(login.user, {username: 'deploy-bot', alias: 'deploy-bot', role: 'bot'});
    t.deepEqual(login.salons.filter((s) => s.state === 'member').map((s) => s.name).sort(), ['Blabla', 'Informatique'], 'its salons, not Général');

    const sent = await bot.request('send', {salon: 'Blabla', text: 'deployed v1.2', clientMsgId: 'd-1'});
    t.like(sent.message, {author: 'deploy-bot', bot: true});
    await alice.waitFor('message', (m) => m.text === 'deployed v1.2' && m.bot === true);
    const again = await bot.request('send', {salon: 'Blabla', text: 'deployed v1.2', clientMsgId: 'd-1'});
    t.is(again.message.seq, sent.message.seq, 'a retried send posts once');
    await alice.request('send', {salon: 'Blabla', text: 'thanks bot'});
    await bot.waitFor('message', (m) => m.text === 'thanks bot');
    t.deepEqual((await bot.request('history', {salon: 'Blabla'})).messages.map((m) => m.text), ['deployed v1.2', 'thanks bot']);
    t.true((await alice.request('members', {salon: 'Blabla'})).members.some((m) => m.username === 'deploy-bot'));

    t.is(await refusal(bot.request('send', {salon: 'Général', text: 'hi'})), 'NOT_MEMBER');
    t.is(await refusal(bot.request('history', {salon: 'Général'})), 'NOT_MEMBER');
    t.is(await refusal(bot.request('join', {salon: 'Général'})), 'BOT_FORBIDDEN');
    t.is(await refusal(bot.request('dm', {with: ['alice']})), 'BOT_FORBIDDEN');
    t.is(await refusal(bot.request('kick', {username: 'alice'})), 'FORBIDDEN');
    t.is(await refusal(alice.request('dm', {with: ['deploy-bot']})), 'CANNOT_MESSAGE');
    const guest = await srv.connect();
    t.is(await refusal(guest.request('login', {username: 'deploy-bot', password: PASSWORD})), 'INVALID_CREDENTIALS');
    t.is(await refusal(guest.request('login', {username: 'deploy-bot', password: '!bot'})), 'INVALID_CREDENTIALS');
    const other = await srv.connect();
    t.is(await refusal(other.request('register', {username: 'Deploy-Bot', alias: 'Someone', password: PASSWORD})), 'USERNAME_TAKEN');

    // chat send, as a CI job runs it with the bot's token.
    const posted = await chatSend(srv.server.port, token, 'Informatique', 'Build 42 passed');
    t.is(posted.code, 0, posted.err);
    t.deepEqual((await bot.request('history', {salon: 'Informatique'})).messages.map((m) => [m.author, m.text, m.bot]), [['deploy-bot', 'Build 42 passed', true]]);
  } finally {
    await srv.stop();
  }
});

eachBackend('BOT REVOKE closes the live connection, the token stops working, the messages stay; BOTS lists without tokens; all audited', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const alice = await srv.user('alice');
    const printed: string[] = [];
    const deps = {moderation: srv.server.moderation, t: translator('en'), print: (l: string) => printed.push(l), operator: 'root', kill: async () => {}};
    await runCommand(deps, 'BOT ADD:ci:Général, Blabla');
    t.is(printed[0], 'Bot ci may read and write in Général, Blabla. Its token, shown only now (keep it secret):');
    const token = (printed[1] ?? '').trim();
    await runCommand(deps, 'BOT ADD:ci:Général');
    t.is(printed[2], 'An account named ci exists already.');
    await runCommand(deps, 'BOT ADD:other:Nowhere');
    t.regex(printed[3] ?? '', /Nowhere/);

    const bot = await srv.connect();
    await bot.request('resume', {token});
    await bot.request('send', {salon: 1, text: 'nightly backup ok'});
    await alice.waitFor('message', (m) => m.text === 'nightly backup ok');

    printed.length = 0;
    await runCommand(deps, 'BOTS');
    t.is(printed.length, 1);
    t.regex(printed[0] ?? '', /^ {2}ci → Général, Blabla \(since .*\)$/);
    t.false(printed[0]?.includes(token.slice(4, 20)));

    await runCommand(deps, 'BOT REVOKE:ci');
    await bot.waitFor('banned');
    await bot.closed;
    const later = await srv.connect();
    t.is(await refusal(later.request('resume', {token})), 'INVALID_TOKEN');
    t.deepEqual((await alice.request('history', {salon: 1})).messages.map((m) => [m.author, m.alias, m.text]), [['ci', 'ci', 'nightly backup ok']]);
    t.false((await alice.request('members', {salon: 1})).members.some((m) => m.username === 'ci'));
    printed.length = 0;
    await runCommand(deps, 'BOTS');
    t.regex(printed[0] ?? '', /ci \(since .*, revoked\)/);
    await runCommand(deps, 'BOT REVOKE:ci');
    t.is(printed.at(-1), 'No live bot named ci.');

    // A restart does not bring a revoked bot back.
    await srv.stop();
    const again = await startTestServer(db);
    try {
      t.is(again.server.hub.user('ci'), undefined);
      t.is(await refusal((await again.connect()).request('resume', {token})), 'INVALID_TOKEN');
    } finally {
      await again.stop();
    }
    const rows = await db.query<{action: string; target_user: string; outcome: string; actor: string}>('SELECT action, target_user, outcome, actor FROM audit_log ORDER BY audit_id');
    t.deepEqual(rows.map((r) => [r.actor, r.action, r.target_user, r.outcome]), [
      ['root', 'bot_add', 'ci', 'ok'],
      ['root', 'bot_add', 'ci', 'USERNAME_TAKEN'],
      ['root', 'bot_add', 'other', 'UNKNOWN_SALON'],
      ['root', 'bot_revoke', 'ci', 'ok'],
      ['root', 'bot_revoke', 'ci', 'UNKNOWN_USER'],
    ]);
  } finally {
    await srv.stop().catch(() => {});
  }
});
