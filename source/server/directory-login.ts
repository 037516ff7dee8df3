/**
 * Signing in with the company directory, and what it means for accounts: the first
 * sign-in makes the account (keyed on the directory's stable id), later ones bring its
 * alias and role up to date. Which door a login takes is decided here too.
 *
 * The order: a name that is a local account (one with no directory id: the first
 * moderator, accounts of the original application, self-registered ones) is checked
 * against its local hash only, so that local accounts sign in while the directory is down
 * and a directory can never take over a local account. Every other name goes to the
 * directory, and a directory account is never checked against a local hash.
 */
import {ChatError} from '../protocol/errors.js';
import {ALIAS_PATTERN, type Role} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {aliasKeys, aliasProblem} from '../protocol/names.js';
import {DIRECTORY_PASSWORD} from '../store/directory.js';
import {ConflictError, type UserRecord} from '../store/types.js';
import type {Context} from './context.js';
import {type Directory, type DirectoryPerson, DirectoryUnavailableError} from './directory.js';
import type {Hub} from './hub.js';
import type {Notify} from './notices.js';

/** What the server is given when it signs people in with a directory. */
export interface DirectoryServices {
  directory: Directory;
  /** Whether the register request stays open beside the directory (default: closed). */
  allowRegister: boolean;
}

/** A local account: its own password decides, the directory is never asked about it. */
export const isLocalAccount = (record: UserRecord | undefined): record is UserRecord =>
  record !== undefined && !record.directoryId && record.passwordHash !== DIRECTORY_PASSWORD;

/**
 * The account of the person who typed `username` and `password`, made or brought up to
 * date from the directory.
 * @throws ChatError INVALID_CREDENTIALS, ACCOUNT_DISABLED, BANNED, DIRECTORY_UNAVAILABLE
 */
export async function directoryLogin(ctx: Context, directory: Directory, username: string, password: string): Promise<UserRecord> {
  const {store, notify} = ctx.services;
  const person = await ask(notify, () => directory.authenticate(username, password));
  if (!person) throw new ChatError('INVALID_CREDENTIALS');
  // The password was right, so saying why is no leak; the directory's own lock usually
  // refuses the bind first anyway.
  if (person.disabled) throw new ChatError('ACCOUNT_DISABLED');
  const existing = await store.findUserByDirectoryId(person.id);
  if (existing) return refresh(ctx, existing, person);
  if (await store.isBanned(person.username)) throw new ChatError('BANNED');
  return create(ctx, person);
}

/** Refuses a registration when the directory owns sign-in (closed), or owns the name. */
export async function refuseRegistration(ctx: Context, username: string): Promise<void> {
  const services = ctx.services.directory;
  if (!services) return;
  if (!services.allowRegister) throw new ChatError('REGISTRATION_CLOSED');
  // Open registration must not let someone take a colleague's directory name before its
  // owner's first sign-in: that local account would shadow the directory one.
  if (await ask(ctx.services.notify, () => services.directory.exists(username))) throw new ChatError('USERNAME_TAKEN');
}

/** Runs a directory request; a directory that cannot answer is DIRECTORY_UNAVAILABLE, never a wrong password. */
async function ask<T>(notify: Notify, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (!(error instanceof DirectoryUnavailableError)) throw error;
    notify({kind: 'directory_unavailable', detail: error.message});
    throw new ChatError('DIRECTORY_UNAVAILABLE');
  }
}

export const roleOf = (person: DirectoryPerson): Role => (person.moderator ? 'moderator' : 'user');

/** Brings a known account's alias, role and enabled state to what the directory says, on every node. */
async function refresh(ctx: Context, record: UserRecord, person: DirectoryPerson): Promise<UserRecord> {
  const {store, hub, clock} = ctx.services;
  const alias = followAlias(hub, record.alias, person);
  const role = roleOf(person);
  if (alias === record.alias && role === record.role && !record.disabled) return record;
  await store.updateDirectoryUser(record.id, {alias, role, disabled: false}, clock());
  hub.publish({kind: 'account', username: record.username, alias, role, disabled: false});
  return {...record, alias, role, disabled: false};
}

async function create(ctx: Context, person: DirectoryPerson): Promise<UserRecord> {
  const {store, hub, clock, notify} = ctx.services;
  const role = roleOf(person);
  // Two tries: another node may take the chosen name or alias at the same moment.
  for (let attempt = 0; ; attempt++) {
    const username = freeUsername(hub, person.username, attempt);
    const alias = freeAlias(hub, aliasFrom(person.displayName, username), attempt);
    try {
      const record = await store.createUser({username, alias, passwordHash: DIRECTORY_PASSWORD, role, ts: clock(), directoryId: person.id});
      const {passwordHash: _, ...user} = record;
      hub.publish({kind: 'user_added', user});
      notify({kind: 'directory_account', username, moderator: role === 'moderator'});
      return record;
    } catch (error) {
      // The same person signing in on two nodes at once: the directory id is unique, and
      // the account the other made is theirs.
      const made = await store.findUserByDirectoryId(person.id);
      if (made) return made;
      if (!(error instanceof ConflictError) || attempt >= 1) throw error;
      await hub.resync();
    }
  }
}

/** The directory's name, or name2, name3... when a local account (or an earlier holder of the name) has it. */
function freeUsername(hub: Hub, name: string, offset: number): string {
  const base = name.slice(0, limits.usernameMax);
  if (offset === 0 && !hub.user(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = String(n + offset);
    const candidate = `${base.slice(0, limits.usernameMax - suffix.length)}${suffix}`;
    if (!hub.user(candidate)) return candidate;
  }
}

/**
 * The display name made into a valid alias: characters an alias may not hold become
 * spaces, it is cut to the limit; an empty or refused result falls back on the username.
 */
export function aliasFrom(displayName: string, username: string): string {
  const cleaned = displayName
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}_.'\- ]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = [...cleaned].slice(0, limits.aliasMax).join('').trim();
  if (cut && ALIAS_PATTERN.test(cut) && !aliasProblem(cut)) return cut;
  return [...username].slice(0, limits.aliasMax).join('');
}

/** The alias, or "alias 2", "alias 3"... when another account has it (case, accents and lookalikes ignored). */
function freeAlias(hub: Hub, alias: string, offset: number): string {
  if (offset === 0 && !hub.aliasTaken(alias)) return alias;
  for (let n = 2; ; n++) {
    const suffix = ` ${n + offset}`;
    const candidate = `${[...alias].slice(0, limits.aliasMax - suffix.length).join('').trim()}${suffix}`;
    if (!hub.aliasTaken(candidate)) return candidate;
  }
}

/**
 * The alias an account should have now. Unchanged when it is the display name's alias, or
 * the numbered variant given earlier for a clash; otherwise the new display name's, made
 * unique.
 */
export function followAlias(hub: Hub, current: string, person: DirectoryPerson): string {
  const wanted = aliasFrom(person.displayName, person.username);
  if (current === wanted) return current;
  const numbered = / \d+$/.exec(current)?.[0];
  if (numbered && current === `${[...wanted].slice(0, limits.aliasMax - numbered.length).join('').trim()}${numbered}`) return current;
  // Only the case or accents changed: the account's own alias is what "takes" it.
  if (aliasKeys(wanted).some((key) => aliasKeys(current).includes(key))) return wanted;
  return freeAlias(hub, wanted, 0);
}
