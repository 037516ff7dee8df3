/**
 * chat-server's directory options (--ldap-*), each also an environment variable, and the
 * Directory they make. Kept apart from server.ts: thirteen options of one feature.
 */
import {readFileSync} from 'node:fs';
import type {MessageKey} from '../i18n/index.js';
import {Directory} from '../server/directory.js';

const on = (value: string | undefined) => ['1', 'true', 'yes'].includes((value ?? '').toLowerCase());

export function ldapFlags(env: NodeJS.ProcessEnv) {
  return {
    ldapUrl: {type: 'string', default: env.CHAT_LDAP_URL || ''},
    ldapBindDn: {type: 'string', default: env.CHAT_LDAP_BIND_DN || ''},
    ldapBindPassword: {type: 'string', default: env.CHAT_LDAP_BIND_PASSWORD || ''},
    ldapBindPasswordFile: {type: 'string', default: env.CHAT_LDAP_BIND_PASSWORD_FILE || ''},
    ldapBaseDn: {type: 'string', default: env.CHAT_LDAP_BASE_DN || ''},
    ldapUserFilter: {type: 'string', default: env.CHAT_LDAP_USER_FILTER || '(uid={username})'},
    ldapAliasAttribute: {type: 'string', default: env.CHAT_LDAP_ALIAS_ATTRIBUTE || 'displayName,cn'},
    ldapIdAttribute: {type: 'string', default: env.CHAT_LDAP_ID_ATTRIBUTE || 'entryUUID'},
    ldapModeratorGroup: {type: 'string', default: env.CHAT_LDAP_MODERATOR_GROUP || ''},
    ldapStarttls: {type: 'boolean', default: on(env.CHAT_LDAP_STARTTLS)},
    ldapCaFile: {type: 'string', default: env.CHAT_LDAP_CA_FILE || ''},
    ldapSyncInterval: {type: 'string', default: env.CHAT_LDAP_SYNC_INTERVAL || '1h'},
    ldapRegister: {type: 'boolean', default: on(env.CHAT_LDAP_REGISTER)},
  } as const;
}

export interface LdapFlagValues {
  ldapUrl: string;
  ldapBindDn: string;
  ldapBindPassword: string;
  ldapBindPasswordFile: string;
  ldapBaseDn: string;
  ldapUserFilter: string;
  ldapAliasAttribute: string;
  ldapIdAttribute: string;
  ldapModeratorGroup: string;
  ldapStarttls: boolean;
  ldapCaFile: string;
  ldapSyncInterval: string;
  ldapRegister: boolean;
}

/** A setting that stops the start, with its message key in the operator's language. */
export class LdapConfigError extends Error {
  constructor(readonly key: MessageKey, readonly params: Record<string, string | number> = {}) {
    super(key);
    this.name = 'LdapConfigError';
  }
}

/** "90s", "15m", "1h", "2d", or seconds; 0 turns the sync off. */
export function parseInterval(value: string): number | undefined {
  const match = /^\s*(\d+)\s*(s|m|h|d)?\s*$/i.exec(value);
  if (!match) return undefined;
  const unit = {s: 1000, m: 60_000, h: 3600_000, d: 86_400_000}[(match[2] ?? 's').toLowerCase() as 's'];
  return Number(match[1]) * unit;
}

function readSecret(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new LdapConfigError('server.ldapFile', {file, message: error instanceof Error ? error.message : String(error)});
  }
}

/** The directory the flags describe; undefined without --ldap-url. @throws LdapConfigError */
export function directoryFromFlags(flags: LdapFlagValues): {directory: Directory; allowRegister: boolean; syncIntervalMs: number; plain: boolean} | undefined {
  if (!flags.ldapUrl) return undefined;
  if (!/^ldaps?:\/\/[^/]/i.test(flags.ldapUrl)) throw new LdapConfigError('server.ldapUrl', {url: flags.ldapUrl});
  if (!flags.ldapBaseDn) throw new LdapConfigError('server.ldapBaseDn');
  const syncIntervalMs = parseInterval(flags.ldapSyncInterval);
  if (syncIntervalMs === undefined) throw new LdapConfigError('server.ldapInterval', {value: flags.ldapSyncInterval});
  // A file keeps the secret out of `ps` and of the unit file; one trailing newline is the editor's.
  const bindPassword = flags.ldapBindPasswordFile ? readSecret(flags.ldapBindPasswordFile).toString('utf8').replace(/\r?\n$/, '') : flags.ldapBindPassword;
  if (flags.ldapBindDn && !bindPassword) throw new LdapConfigError('server.ldapBindPassword');
  const ca = flags.ldapCaFile ? readSecret(flags.ldapCaFile) : undefined;
  let directory: Directory;
  try {
    directory = new Directory({
      url: flags.ldapUrl,
      bindDn: flags.ldapBindDn,
      bindPassword,
      baseDn: flags.ldapBaseDn,
      userFilter: flags.ldapUserFilter,
      aliasAttributes: flags.ldapAliasAttribute.split(',').map((a) => a.trim()).filter(Boolean),
      idAttribute: flags.ldapIdAttribute,
      moderatorGroup: flags.ldapModeratorGroup || undefined,
      startTls: flags.ldapStarttls,
      ca,
    });
  } catch {
    throw new LdapConfigError('server.ldapFilter', {filter: flags.ldapUserFilter});
  }
  const plain = flags.ldapUrl.toLowerCase().startsWith('ldap://') && !flags.ldapStarttls;
  return {directory, allowRegister: flags.ldapRegister, syncIntervalMs, plain};
}
