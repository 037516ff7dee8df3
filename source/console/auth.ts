/**
 * Who may run the console: a moderator account, proven at start, as in the original. There
 * is no built-in password: the first moderator is created from a prompt or from the
 * environment (CHAT_ADMIN_USER, CHAT_ADMIN_PASSWORD).
 */
import type {Translate} from '../i18n/index.js';
import {USERNAME_PATTERN} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {hashPassword, verifyPassword} from '../store/password.js';
import {ConflictError, type Store} from '../store/types.js';
import type {OperatorTerminal} from './prompt.js';

export class ConsoleAuthError extends Error {
  override name = 'ConsoleAuthError';
}

const MAX_ATTEMPTS = 3;
/** The first moderator's name when none is given, as in the original. */
const DEFAULT_ADMIN = 'admin';

function usernameProblem(t: Translate, username: string): string | undefined {
  const ok = username.length >= limits.usernameMin && username.length <= limits.usernameMax && USERNAME_PATTERN.test(username);
  return ok ? undefined : t('console.usernameInvalid');
}

async function createModerator(store: Store, username: string, password: string): Promise<void> {
  await store.createUser({username, alias: username, passwordHash: await hashPassword(password), role: 'moderator', ts: Date.now()});
}

/**
 * Creates the first moderator when none exists. Returns its username when the operator just
 * typed its password at this terminal (no need to ask again), else undefined.
 */
export async function ensureModerator(store: Store, term: OperatorTerminal, t: Translate, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if ((await store.countModerators()) > 0) return undefined;
  const envPassword = env.CHAT_ADMIN_PASSWORD;
  if (envPassword) {
    const username = env.CHAT_ADMIN_USER || DEFAULT_ADMIN;
    const problem = usernameProblem(t, username) ?? (envPassword.length < limits.passwordMin ? t('console.passwordTooShort', {min: limits.passwordMin}) : undefined);
    if (problem) throw new ConsoleAuthError(problem);
    // Nodes started together on an empty database race to create it: the losers sign in.
    if (await createFirst(store, username, envPassword)) term.print(t('console.moderatorCreated', {username}));
    return undefined;
  }
  term.print(t('console.firstModerator'));
  const ended = () => new ConsoleAuthError(t('console.needAdminEnv'));
  let username: string | undefined;
  while (username === undefined) {
    const typed = await term.ask(t('console.newUsername'));
    if (typed === undefined) throw ended();
    const problem = usernameProblem(t, typed.trim() || DEFAULT_ADMIN);
    if (problem) term.print(problem);
    else username = typed.trim() || DEFAULT_ADMIN;
  }
  for (;;) {
    const password = await term.ask(t('console.newPassword', {min: limits.passwordMin}), {hidden: true});
    if (password === undefined) throw ended();
    if (password.length < limits.passwordMin) {
      term.print(t('console.passwordTooShort', {min: limits.passwordMin}));
      continue;
    }
    const again = await term.ask(t('console.confirmPassword'), {hidden: true});
    if (again === undefined) throw ended();
    if (again !== password) {
      term.print(t('console.passwordMismatch'));
      continue;
    }
    if (!(await createFirst(store, username, password))) {
      term.print(t('console.moderatorRaced', {username}));
      return undefined;
    }
    term.print(t('console.moderatorCreated', {username}));
    return username;
  }
}

/** False when the name was taken meanwhile (another node created it first). */
async function createFirst(store: Store, username: string, password: string): Promise<boolean> {
  try {
    await createModerator(store, username, password);
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

/** True when the name and password are those of a moderator (upgrading a legacy hash). */
export async function checkModerator(store: Store, username: string, password: string): Promise<boolean> {
  const user = await store.findUser(username);
  if (!user || user.role !== 'moderator') return false;
  const check = await verifyPassword(password, user.passwordHash);
  if (check.ok && check.needsUpgrade) await store.setPasswordHash(user.id, await hashPassword(password));
  return check.ok;
}

/** Authenticates the operator from the environment, else by asking. Returns the username. */
export async function authenticate(store: Store, term: OperatorTerminal, t: Translate, env: NodeJS.ProcessEnv): Promise<string> {
  // The same default as when the first moderator is created from the environment, so that
  // a start with only CHAT_ADMIN_PASSWORD set signs in as the account it created.
  if (env.CHAT_ADMIN_PASSWORD) {
    const username = env.CHAT_ADMIN_USER || DEFAULT_ADMIN;
    if (await checkModerator(store, username, env.CHAT_ADMIN_PASSWORD)) return username;
    throw new ConsoleAuthError(t('console.authFailed'));
  }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const username = await term.ask(t('console.username'));
    const password = username === undefined ? undefined : await term.ask(t('console.password'), {hidden: true});
    if (username === undefined || password === undefined) throw new ConsoleAuthError(t('console.needAuthEnv'));
    if (await checkModerator(store, username.trim(), password)) return username.trim();
    term.print(t('console.authFailed'));
  }
  throw new ConsoleAuthError(t('console.authGiveUp'));
}
