/**
 * The parts of directory sign-in that need no server: what a directory entry says of a
 * person (Active Directory's disabled flag, OpenLDAP's ppolicy lock, a binary objectGUID),
 * how a display name becomes an alias, and how settings are checked.
 */
import test from 'ava';
import {aliasFrom} from '../../source/server/directory-login.js';
import {Directory, type DirectoryOptions, guidText, normalizeDn} from '../../source/server/directory.js';

const options: DirectoryOptions = {
  url: 'ldap://dc1.example.com',
  bindDn: '',
  bindPassword: '',
  baseDn: 'dc=example,dc=com',
  userFilter: '(&(objectClass=user)(sAMAccountName={username}))',
  aliasAttributes: ['displayName', 'cn'],
  idAttribute: 'objectGUID',
  startTls: false,
};

test("objectGUID is written as Active Directory shows it (the first three groups little-endian)", (t) => {
  const bytes = Buffer.from('1c2b3a4d5e6f70819293a4b5c6d7e8f9', 'hex');
  t.is(guidText(bytes), '4d3a2b1c-6f5e-8170-9293-a4b5c6d7e8f9');
});

test("an entry's name comes from the filter's attribute, its alias from the first display attribute present, and AD's disabled flag or OpenLDAP's administrative lock disables it", (t) => {
  const directory = new Directory(options);
  t.is(directory.usernameAttribute, 'sAMAccountName');
  const guid = Buffer.alloc(16, 1);
  const entry = {dn: 'CN=Jean,OU=Staff,DC=example,DC=com', samaccountname: 'jdupont', objectGUID: guid, cn: 'Jean D.', userAccountControl: '512'};
  t.like(directory.person(entry), {username: 'jdupont', displayName: 'Jean D.', disabled: false, id: guidText(guid)});
  t.true(directory.person({...entry, userAccountControl: '514'})?.disabled, 'ACCOUNTDISABLE (0x2)');
  t.false(directory.person({...entry, userAccountControl: '66048'})?.disabled, 'DONT_EXPIRE_PASSWORD | NORMAL_ACCOUNT');
  t.true(directory.person({...entry, pwdAccountLockedTime: '000001010000Z'})?.disabled, "OpenLDAP's ppolicy administrative lock");
  t.false(directory.person({...entry, pwdAccountLockedTime: '20260105090000Z'})?.disabled, 'a lockout after failed binds ends by itself: not a disabling');
  t.is(directory.person({dn: entry.dn, samaccountname: 'x'}), undefined, 'no stable id: no account can be keyed on it');
});

test('a display name becomes a valid alias: odd characters become spaces, it is cut to 32, and an unusable one falls back on the username', (t) => {
  t.is(aliasFrom('Jean Dupont', 'jdupont'), 'Jean Dupont');
  t.is(aliasFrom('Dupont, Jean (IT)', 'jdupont'), 'Dupont Jean IT');
  t.is(aliasFrom("Hélène O'Brien-Noël", 'hobrien'), "Hélène O'Brien-Noël");
  t.is([...aliasFrom('A'.repeat(40), 'x')].length, 32);
  t.is(aliasFrom('()', 'jdupont'), 'jdupont');
  t.is(aliasFrom('\u200b\u200b', 'jdupont'), 'jdupont');
});

test('DNs compare without case and spaces around separators', (t) => {
  t.is(normalizeDn('CN=Jean Dupont, OU=Staff,DC=example, DC=com'), normalizeDn('cn=jean dupont,ou=staff,dc=example,dc=com'));
});

test('a wrong URL or a filter without {username} is refused at start, not at the first sign-in', (t) => {
  t.throws(() => new Directory({...options, url: 'http://dc1'}));
  t.throws(() => new Directory({...options, userFilter: '(sAMAccountName=jdupont)'}));
  t.throws(() => new Directory({...options, userFilter: '(sAMAccountName={username}'}));
});
