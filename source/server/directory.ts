/**
 * The company directory (LDAP / Active Directory), through ldapts: finding a person by the
 * name they type, checking their password by binding as them, and listing everyone for the
 * periodic sync. Knows nothing of accounts or sockets: it answers with DirectoryPerson
 * values, or throws DirectoryUnavailableError when the directory cannot answer, so that a
 * directory that is down is never mistaken for a wrong password.
 */
import {isIP} from 'node:net';
import {Client, type Entry, Filter, FilterParser, InvalidCredentialsError, SizeLimitExceededError} from 'ldapts';

export interface DirectoryOptions {
  /** ldap://host[:port] or ldaps://host[:port]. */
  url: string;
  /** The service account that searches; empty: an anonymous search. */
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  /** An RFC 4515 filter where {username} stands for the typed name, escaped, e.g. (uid={username}). */
  userFilter: string;
  /** Attributes tried in order for the display name (the alias). */
  aliasAttributes: readonly string[];
  /** The stable id: entryUUID (OpenLDAP and most servers), objectGUID (Active Directory, binary). */
  idAttribute: string;
  /** A group's DN: its direct members (member or uniqueMember values) are moderators. */
  moderatorGroup?: string | undefined;
  /** Upgrade an ldap:// connection with StartTLS before any bind. */
  startTls: boolean;
  /** PEM CA certificate(s) the directory's certificate must chain to; absent: the system's. */
  ca?: Buffer | undefined;
  /** Per operation and for connecting; a directory slower than this counts as down. */
  timeoutMs?: number;
}

export interface DirectoryPerson {
  /** The stable id, as text (objectGUID is written as a UUID). */
  id: string;
  dn: string;
  /** The name in the directory (the value of the filter's attribute), as the directory spells it. */
  username: string;
  /** The display name, or the username when the entry has none. */
  displayName: string;
  moderator: boolean;
  /** Active Directory's ACCOUNTDISABLE flag, or OpenLDAP's ppolicy administrative lock. */
  disabled: boolean;
}

/** The directory did not answer, refused the service account, or broke off: nobody can be checked. */
export class DirectoryUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`directory unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DirectoryUnavailableError';
  }
}

/** userAccountControl's ACCOUNTDISABLE bit (Active Directory). */
const AD_ACCOUNT_DISABLED = 0x2;
/**
 * ppolicy's pwdAccountLockedTime when an administrator locked the account for good. Any
 * other value is a lockout after failed binds, which ends by itself: the person's bind is
 * refused meanwhile, and the sync must not disable the account (and end their sessions)
 * because someone mistyped their password.
 */
const PPOLICY_PERMANENT_LOCK = '000001010000Z';
const BINARY_IDS = new Set(['objectguid']);

export class Directory {
  /** The attribute the filter compares with {username}: the directory's spelling of the name. */
  readonly usernameAttribute: string;

  constructor(readonly options: DirectoryOptions) {
    if (!/^ldaps?:\/\/[^/]/i.test(options.url)) throw new Error(`The directory URL must start with ldap:// or ldaps://: ${options.url}`);
    if (!options.userFilter.includes('{username}')) throw new Error(`The user filter must contain {username}: ${options.userFilter}`);
    // Parsed once here, so that a malformed filter stops the server at start, not at sign-in.
    FilterParser.parseString(options.userFilter.replaceAll('{username}', 'x'));
    this.usernameAttribute = /\(([A-Za-z][\w;.-]*)=\{username\}\)/.exec(options.userFilter)?.[1] ?? 'uid';
  }

  /**
   * The person whose name is `username` if `password` is theirs; null for an unknown name, a
   * name that matches several entries, or a wrong password.
   * @throws DirectoryUnavailableError
   */
  async authenticate(username: string, password: string): Promise<DirectoryPerson | null> {
    // An empty password would make a simple bind "unauthenticated" (RFC 4513 5.1.2), which
    // many servers answer with success: it must never reach a bind.
    if (password === '') return null;
    return this.session(async (client) => {
      // Two entries for one name is a directory mistake; guessing which one would be worse.
      // (A server stops at the size limit with an error: that is "several" too, not "down".)
      const entries = await this.search(client, this.filterFor(username), 2).catch((error: unknown) => {
        if (error instanceof SizeLimitExceededError) return [];
        throw error;
      });
      if (entries.length !== 1) return null;
      const entry = entries[0] as Entry;
      const person = this.person(entry);
      if (!person) return null;
      // The user's bind on its own connection: the service connection stays the service's.
      const own = this.client();
      try {
        await this.secure(own);
        await own.bind(entry.dn, password);
      } catch (error) {
        if (error instanceof InvalidCredentialsError) return null;
        throw error;
      } finally {
        await own.unbind().catch(() => {});
      }
      if (this.options.moderatorGroup) person.moderator = await this.isMember(client, entry.dn);
      return person;
    });
  }

  /** Whether a person of that name exists (a local registration must not take a directory name). */
  async exists(username: string): Promise<boolean> {
    return this.session(async (client) => (await this.search(client, this.filterFor(username), 1)).length > 0);
  }

  /**
   * Everyone the user filter finds (the filter with {username} as a wildcard), paged, with
   * their moderator flag. Fails whole rather than answer a partial list: the sync disables
   * whoever is missing from it.
   * @throws DirectoryUnavailableError
   */
  async listPeople(): Promise<DirectoryPerson[]> {
    return this.session(async (client) => {
      const entries = await this.search(client, this.options.userFilter.replaceAll('{username}', '*'), 0, true);
      const members = this.options.moderatorGroup ? await this.groupMembers(client) : new Set<string>();
      const people: DirectoryPerson[] = [];
      for (const entry of entries) {
        const person = this.person(entry);
        if (!person) continue;
        person.moderator = members.has(normalizeDn(entry.dn));
        people.push(person);
      }
      return people;
    });
  }

  // ---- the connection ---------------------------------------------------------------------

  private client(): Client {
    const timeout = this.options.timeoutMs ?? 5000;
    // ldapts speaks TLS from the first byte whenever tlsOptions are given: only ldaps:// gets them.
    const ldaps = this.options.url.toLowerCase().startsWith('ldaps://');
    return new Client({url: this.options.url, timeout, connectTimeout: timeout, strictDN: false, ...(ldaps ? {tlsOptions: this.tlsOptions()} : {})});
  }

  /** Certificates are checked (never rejectUnauthorized: false): against the CA file when given. */
  private tlsOptions() {
    const host = new URL(this.options.url).hostname.replace(/^\[|\]$/g, '');
    return {minVersion: 'TLSv1.2' as const, ...(isIP(host) ? {} : {servername: host}), ...(this.options.ca ? {ca: this.options.ca} : {})};
  }

  private async secure(client: Client): Promise<void> {
    if (this.options.startTls && this.options.url.toLowerCase().startsWith('ldap://')) await client.startTLS(this.tlsOptions());
  }

  /** A connection bound as the service account for `work`, always closed; failures are "unavailable". */
  private async session<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = this.client();
    try {
      await this.secure(client);
      // The service account's bind failing is the operator's problem, not the user's: it
      // must read as "directory unavailable", never as a wrong password.
      if (this.options.bindDn) await client.bind(this.options.bindDn, this.options.bindPassword);
      return await work(client);
    } catch (error) {
      throw error instanceof DirectoryUnavailableError ? error : new DirectoryUnavailableError(error);
    } finally {
      await client.unbind().catch(() => {});
    }
  }

  private async search(client: Client, filter: string, sizeLimit: number, paged = false): Promise<Entry[]> {
    const binary = BINARY_IDS.has(this.options.idAttribute.toLowerCase());
    const attributes = [this.usernameAttribute, this.options.idAttribute, ...this.options.aliasAttributes, 'userAccountControl', 'pwdAccountLockedTime'];
    const {searchEntries} = await client.search(this.options.baseDn, {
      scope: 'sub',
      filter,
      attributes,
      sizeLimit,
      ...(paged ? {paged: {pageSize: 500}} : {}),
      ...(binary ? {explicitBufferAttributes: [this.options.idAttribute]} : {}),
    });
    return searchEntries;
  }

  /** The user filter with the typed name escaped (RFC 4515): `*`, `(`, `)`, `\` and NUL are data, not syntax. */
  filterFor(username: string): string {
    return this.options.userFilter.replaceAll('{username}', Filter.escape(username));
  }

  private async isMember(client: Client, dn: string): Promise<boolean> {
    const value = Filter.escape(dn);
    const {searchEntries} = await client.search(this.options.moderatorGroup as string, {
      scope: 'base',
      filter: `(|(member=${value})(uniqueMember=${value}))`,
      attributes: ['1.1'],
    });
    return searchEntries.length > 0;
  }

  private async groupMembers(client: Client): Promise<Set<string>> {
    const {searchEntries} = await client.search(this.options.moderatorGroup as string, {scope: 'base', attributes: ['member', 'uniqueMember']});
    const members = new Set<string>();
    for (const entry of searchEntries) for (const dn of [...values(entry.member), ...values(entry.uniqueMember)]) members.add(normalizeDn(dn));
    return members;
  }

  /** The entry as a person, or undefined when it lacks a name or a stable id (it cannot be keyed). */
  person(entry: Entry): DirectoryPerson | undefined {
    const username = first(attr(entry, this.usernameAttribute));
    const rawId = attr(entry, this.options.idAttribute);
    const id = Buffer.isBuffer(rawId) || (Array.isArray(rawId) && Buffer.isBuffer(rawId[0])) ? guidText(Buffer.isBuffer(rawId) ? rawId : (rawId[0] as Buffer)) : first(rawId);
    if (!username || !id) return undefined;
    let displayName = '';
    for (const name of this.options.aliasAttributes) {
      displayName = first(attr(entry, name)) ?? '';
      if (displayName.trim()) break;
    }
    const control = Number(first(attr(entry, 'userAccountControl')) ?? 0);
    const locked = first(attr(entry, 'pwdAccountLockedTime')) === PPOLICY_PERMANENT_LOCK;
    return {id, dn: entry.dn, username, displayName: displayName.trim() || username, moderator: false, disabled: (control & AD_ACCOUNT_DISABLED) !== 0 || locked};
  }
}

/** An entry's attribute, whatever case the directory wrote its name in. */
function attr(entry: Entry, name: string): Entry[string] | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(entry)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function values(value: Entry[string] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

function first(value: Entry[string] | undefined): string | undefined {
  return values(value)[0];
}

/** objectGUID's 16 bytes as Active Directory writes it: the first three groups little-endian. */
export function guidText(bytes: Buffer): string {
  if (bytes.length !== 16) return bytes.toString('hex');
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = [...bytes.subarray(from, to)];
    return (reverse ? part.reverse() : part).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

/** A DN for comparison: case and the spaces around separators ignored (enough for one directory's own spelling). */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.replace(/\s*=\s*/, '=').trim())
    .join(',')
    .toLowerCase();
}
