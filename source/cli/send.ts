/**
 * `chat login` and `chat send`: the client for scripts. `login` signs in once and keeps the
 * session token in the user's config directory (mode 0600), so that `send` needs no
 * password; `CHAT_TOKEN` gives one to a CI job instead. `send` exits 0 once the message is
 * stored, non-zero with a clear message otherwise.
 */
import {randomUUID} from 'node:crypto';
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {ClientConnection} from '../client/connection.js';
import {clientTranslator, errorKey} from '../i18n/client.js';
import type {Lang} from '../i18n/index.js';

export interface ScriptOptions {
  host: string;
  port: number;
  tls: {ca?: Buffer} | undefined;
  lang: Lang;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & {isTTY?: boolean};
  print(line: string): void;
  error(line: string): void;
}

/** Where `chat login` keeps its token: $XDG_CONFIG_HOME/salons-chat/session.json. */
export const sessionFile = (env: NodeJS.ProcessEnv): string => join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'salons-chat', 'session.json');

interface SavedSession {
  host: string;
  port: number;
  username: string;
  token: string;
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** A refusal in the user's language, or why the server could not be reached. */
function explain(t: ReturnType<typeof clientTranslator>, error: unknown): string {
  const code = (error as {code?: string}).code;
  if (code && /^[A-Z][A-Z_]+$/.test(code) && errorKey(code) !== 'error.generic') return t(errorKey(code));
  return t('script.connectFailed', {message: error instanceof Error ? error.message : String(error)});
}

/** `chat login --user NAME`: the password from the first line of stdin (a pipe or a prompt). */
export async function login(options: ScriptOptions, username: string): Promise<number> {
  const t = clientTranslator(options.lang);
  if (!username) {
    options.error(t('script.loginUsage'));
    return 2;
  }
  if (options.stdin.isTTY) options.print(t('script.passwordPrompt'));
  const password = (await readAll(options.stdin)).split('\n')[0]?.replace(/\r$/, '') ?? '';
  let conn: ClientConnection | undefined;
  try {
    conn = await ClientConnection.open({host: options.host, port: options.port, tls: options.tls, clientName: 'chat login'});
    const result = await conn.request('login', {username, password});
    const file = sessionFile(options.env);
    mkdirSync(join(file, '..'), {recursive: true, mode: 0o700});
    const saved: SavedSession = {host: options.host, port: options.port, username: result.user.username, token: result.token};
    writeFileSync(file, `${JSON.stringify(saved)}\n`, {mode: 0o600});
    // A file that existed keeps its old mode through writeFileSync: set it.
    chmodSync(file, 0o600);
    options.print(t('script.loggedIn', {username: result.user.username, file}));
    return 0;
  } catch (error) {
    options.error(explain(t, error));
    return 1;
  } finally {
    await conn?.close();
  }
}

/** `chat send --salon NAME TEXT...` (or the text on stdin). */
export async function send(options: ScriptOptions, salon: string, words: readonly string[]): Promise<number> {
  const t = clientTranslator(options.lang);
  if (!salon) {
    options.error(t('script.sendUsage'));
    return 2;
  }
  const text = words.length > 0 ? words.join(' ') : (await readAll(options.stdin)).replace(/\n+$/, '');
  if (!text.trim()) {
    options.error(t('script.sendEmpty'));
    return 2;
  }
  let token = options.env.CHAT_TOKEN ?? '';
  if (!token) {
    try {
      token = (JSON.parse(readFileSync(sessionFile(options.env), 'utf8')) as SavedSession).token;
    } catch {
      options.error(t('script.noToken', {file: sessionFile(options.env)}));
      return 1;
    }
  }
  let conn: ClientConnection | undefined;
  try {
    conn = await ClientConnection.open({host: options.host, port: options.port, tls: options.tls, clientName: 'chat send'});
    await conn.request('resume', {token});
    // One id for the attempt: were the answer lost, the same send could not be stored twice.
    const {message} = await conn.request('send', {salon, text, clientMsgId: `send-${randomUUID()}`});
    options.print(t('script.sent', {seq: message.seq}));
    return 0;
  } catch (error) {
    const code = (error as {code?: string}).code;
    options.error(code === 'INVALID_TOKEN' ? t('script.tokenRefused') : explain(t, error));
    return 1;
  } finally {
    await conn?.close();
  }
}
