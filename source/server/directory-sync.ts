/**
 * The periodic directory sync: every directory account is compared with what the directory
 * says now. A new display name becomes the alias, the moderator group decides the role,
 * and a person gone from the directory, or disabled there, has their account disabled: the
 * store deletes its sessions (no resume), and the hub event closes its connections on
 * every node, as a kick does. Their messages stay, with their author.
 */
import type {Store} from '../store/types.js';
import {type Directory, type DirectoryPerson, DirectoryUnavailableError} from './directory.js';
import {followAlias, roleOf} from './directory-login.js';
import type {Hub} from './hub.js';
import type {Notify} from './notices.js';

export interface SyncOutcome {
  checked: number;
  updated: number;
  disabled: number;
}

/** Writes an act of the sync to the audit log (moderation.ts: Moderation.record). */
export type SyncAudit = (action: 'directory_disable' | 'directory_enable', username: string, detail: Record<string, unknown>) => Promise<void>;

export class DirectorySync {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SyncOutcome | undefined> | undefined;

  constructor(
    private readonly directory: Directory,
    private readonly store: Store,
    private readonly hub: Hub,
    private readonly notify: Notify,
    private readonly clock: () => number,
    private readonly audit: SyncAudit = async () => {},
  ) {}

  /** Runs every `intervalMs` (the first run one interval after start: sign-in keeps accounts fresh meanwhile). */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.run(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One sync; runs asked for while one runs share it. Undefined when the directory could not be read. */
  run(): Promise<SyncOutcome | undefined> {
    this.running ??= this.sync().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sync(): Promise<SyncOutcome | undefined> {
    let people: DirectoryPerson[];
    try {
      people = await this.directory.listPeople();
    } catch (error) {
      // Unreachable is not "everyone left": nobody is disabled by a sync that read nothing.
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      this.notify({kind: 'directory_unavailable', detail: error.message});
      return undefined;
    }
    const accounts = await this.store.listDirectoryUsers();
    // A directory that answers but lists nobody is far more likely a wrong base DN or
    // filter than a company that fired everyone: disabling every account would lock the
    // whole company out until an operator notices. Skipped, and said.
    if (people.length === 0 && accounts.length > 0) {
      this.notify({kind: 'directory_unavailable', detail: 'the directory lists nobody; no account was disabled'});
      return undefined;
    }
    const byId = new Map(people.map((p) => [p.id, p]));
    const outcome: SyncOutcome = {checked: accounts.length, updated: 0, disabled: 0};
    for (const account of accounts) {
      const person = byId.get(account.directoryId as string);
      const disabled = !person || person.disabled;
      if (disabled) {
        if (account.disabled) continue;
        await this.store.updateDirectoryUser(account.id, {alias: account.alias, role: account.role, disabled: true}, this.clock());
        await this.audit('directory_disable', account.username, {directoryId: account.directoryId, why: person ? 'disabled' : 'gone'});
        this.hub.publish({kind: 'account', username: account.username, alias: account.alias, role: account.role, disabled: true});
        outcome.disabled++;
        continue;
      }
      const alias = followAlias(this.hub, account.alias, person);
      const role = roleOf(person);
      if (alias === account.alias && role === account.role && !account.disabled) continue;
      try {
        await this.store.updateDirectoryUser(account.id, {alias, role, disabled: false}, this.clock());
      } catch (error) {
        // An alias taken on another node since it was chosen: the next sync tries again.
        this.notify({kind: 'internal_error', context: `directory sync of ${account.username}`, detail: error instanceof Error ? error.message : String(error)});
        continue;
      }
      if (account.disabled) await this.audit('directory_enable', account.username, {directoryId: account.directoryId});
      this.hub.publish({kind: 'account', username: account.username, alias, role, disabled: false});
      outcome.updated++;
    }
    this.notify({kind: 'directory_sync', ...outcome});
    return outcome;
  }
}
