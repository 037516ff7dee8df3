/**
 * `chat-server export`: the whole database, a period, a salon, and one person's data, on
 * both backends; the counts in the file match the database, nothing secret is in it, and
 * every export is in the audit log.
 */
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {exportMain, parseDay} from '../../source/cli/export.js';
import {eachBackend} from '../helpers/each-backend.js';
import type {Database} from '../helpers/backends.js';
import {OPERATOR, startTestServer} from '../helpers/server.js';
import test from 'ava';

type Line = Record<string, unknown> & {type: string};

const DAY = 86_400_000;
const JAN10 = Date.UTC(2026, 0, 10, 12);
const JAN20 = Date.UTC(2026, 0, 20, 12);

async function exportTo(db: Database, ...flags: string[]): Promise<{lines: Line[]; text: string; file: string}> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-export-'));
  const file = join(dir, 'out.jsonl');
  const where = db.url ? ['--db', db.url] : ['--data-dir', db.dataDir];
  const code = await exportMain(['--out', file, ...where, '--operator', 'dpo', '--lang', 'en', ...flags], {});
  if (code !== 0) throw new Error(`export exited ${code}`);
  const text = readFileSync(file, 'utf8');
  const mode = statSync(file).mode & 0o777;
  rmSync(dir, {recursive: true, force: true});
  if (mode !== 0o600) throw new Error(`export file mode ${mode.toString(8)}`);
  return {lines: text.trimEnd().split('\n').map((l) => JSON.parse(l) as Line), text, file};
}

const count = async (db: Database, sql: string) => Number((await db.query<{c: number}>(sql))[0]?.c);
const ofType = (lines: Line[], type: string) => lines.filter((l) => l.type === type);

test('days as YYYY-MM-DD', (t) => {
  t.is(parseDay('2026-01-10'), Date.UTC(2026, 0, 10));
  t.is(parseDay('2026-02-30'), undefined);
  t.is(parseDay('10/01/2026'), undefined);
});

eachBackend('the export round-trips: counts match the database, no secret, recorded in the audit log', async (t, db) => {
  let now = JAN10;
  const srv = await startTestServer(db, {clock: () => now, retention: {intervalMs: 0}});
  try {
    const alice = await srv.user('alice', 'Alice');
    const bob = await srv.user('bob', 'Bob');
    const carol = await srv.user('carol', 'Carol');
    const {message} = await alice.request('send', {salon: 1, text: 'Bonjour !'});
    await bob.request('send', {salon: 1, text: 'Salut Alice'});
    await bob.request('react', {salon: 1, seq: message.seq, emoji: '👍'});
    await bob.request('join', {salon: 'Blabla'});
    await bob.request('send', {salon: 'Blabla', text: 'dans Blabla'});
    const {salon: dm} = await alice.request('dm', {with: ['bob']});
    await alice.request('send', {salon: dm.id, text: 'en privé'});
    await carol.request('join', {salon: 'Comptabilité'});
    now = JAN20;
    await alice.request('edit', {salon: 1, seq: message.seq, text: 'Bonjour à tous !'});
    await bob.request('send', {salon: 1, text: 'plus tard'});
    await srv.server.moderation.kick('bob', {durationMs: 60_000, reason: 'calme-toi'}, OPERATOR);
    await srv.server.moderation.setRetention('Blabla', '1y', OPERATOR);

    const auditBefore = await count(db, 'SELECT COUNT(*) AS c FROM audit_log');
    const {lines, text} = await exportTo(db);
    t.like(lines[0], {type: 'export', version: 1, database: db.url ? 'mysql' : 'sqlite'});
    const end = lines.at(-1) as Line & {counts: Record<string, number>};
    t.is(end.type, 'end');
    t.deepEqual(end.counts, {
      accounts: ofType(lines, 'account').length,
      salons: ofType(lines, 'salon').length,
      memberships: ofType(lines, 'membership').length,
      joinRequests: ofType(lines, 'join_request').length,
      messages: ofType(lines, 'message').length,
      changes: ofType(lines, 'change').length,
      audit: ofType(lines, 'audit').length,
    });
    t.deepEqual(end.counts, {
      accounts: await count(db, "SELECT COUNT(*) AS c FROM clients WHERE role <> 'hook'"),
      salons: await count(db, 'SELECT COUNT(*) AS c FROM salons'),
      memberships: await count(db, 'SELECT COUNT(*) AS c FROM salons_adheres'),
      joinRequests: await count(db, 'SELECT COUNT(*) AS c FROM join_requests'),
      messages: await count(db, "SELECT COUNT(*) AS c FROM messages WHERE kind = 'message'"),
      changes: await count(db, "SELECT COUNT(*) AS c FROM messages WHERE kind <> 'message'"),
      audit: auditBefore,
    });
    t.is(end.counts.messages, 5);
    t.is(end.counts.changes, 2);
    t.like(ofType(lines, 'message').find((m) => m.seq === message.seq), {text: 'Bonjour à tous !', author: 'alice', alias: 'Alice'});
    t.like(ofType(lines, 'salon').find((s) => s.name === 'Blabla'), {retentionDays: 365, kind: 'salon'});
    t.like(ofType(lines, 'salon').find((s) => s.id === dm.id), {kind: 'dm'});

    // Nothing secret: no password hash, no session token, whatever its key.
    for (const {password_hash: hash} of await db.query<{password_hash: string}>('SELECT password_hash FROM clients')) t.false(text.includes(hash));
    t.false(/password|token|secret/i.test(Object.keys(Object.assign({}, ...lines)).join(' ')));

    // A period: the messages and changes sent from the 15th on.
    const later = await exportTo(db, '--since', '2026-01-15');
    t.deepEqual(ofType(later.lines, 'message').map((m) => m.text), ['plus tard']);
    t.deepEqual(ofType(later.lines, 'change').map((m) => m.kind), ['edit']);
    const earlier = await exportTo(db, '--until', '2026-01-10');
    t.is(ofType(earlier.lines, 'message').length, 4);
    t.is(ofType(earlier.lines, 'audit').length, 0, 'the audit records all came later');

    // One salon: its members, memberships and rows.
    const blabla = await exportTo(db, '--salon', 'blabla');
    t.deepEqual(ofType(blabla.lines, 'salon').map((s) => s.name), ['Blabla']);
    t.deepEqual(ofType(blabla.lines, 'account').map((a) => a.username), ['bob']);
    t.deepEqual(ofType(blabla.lines, 'message').map((m) => m.text), ['dans Blabla']);

    const audit = await srv.store.listAudit({limit: 10});
    const exports = audit.filter((r) => r.action === 'export');
    t.is(exports.length, 4);
    t.true(exports.every((r) => r.actor === 'dpo' && r.via === 'console' && r.outcome === 'ok'));
    t.like(exports.find((r) => r.targetSalon === 'blabla')?.detail, {scope: {salon: 'blabla'}, counts: {messages: 1}});
    t.like(exports.find((r) => r.targetSalon === null && (r.detail?.scope as object | undefined) && Object.keys(r.detail?.scope as object).length === 0)?.detail, {counts: end.counts});
  } finally {
    await srv.stop();
  }
});

eachBackend('export --user: everything about that person, and nothing about anyone else', async (t, db) => {
  const srv = await startTestServer(db, {retention: {intervalMs: 0}});
  try {
    const alice = await srv.user('alice', 'Alice');
    const bob = await srv.user('bob', 'Bob');
    const {message} = await alice.request('send', {salon: 1, text: 'Bonjour !'});
    await bob.request('send', {salon: 1, text: 'Salut'});
    await bob.request('react', {salon: 1, seq: message.seq, emoji: '👍'});
    const {salon: dm} = await alice.request('dm', {with: ['bob']});
    await bob.request('send', {salon: dm.id, text: 'en privé'});
    await bob.request('join', {salon: 'Comptabilité'});
    await alice.request('join', {salon: 'Marketing'});
    await srv.server.moderation.kick('bob', {reason: 'trop bavard'}, OPERATOR);
    await srv.server.moderation.kick('alice', {reason: 'autre chose'}, OPERATOR);

    const {lines, text} = await exportTo(db, '--user', 'bob');
    t.deepEqual(ofType(lines, 'account').map((a) => a.username), ['bob']);
    t.like(ofType(lines, 'account')[0], {alias: 'Bob', kickReason: 'trop bavard'});
    t.true(ofType(lines, 'membership').every((m) => m.username === 'bob'));
    t.is(ofType(lines, 'membership').length, await count(db, "SELECT COUNT(*) AS c FROM salons_adheres WHERE username = 'bob'"));
    t.deepEqual(ofType(lines, 'salon').map((s) => s.id).sort(), [1, dm.id]);
    t.deepEqual(ofType(lines, 'join_request').map((r) => [r.username, r.salonId]), [['bob', 3]]);
    const rows = [...ofType(lines, 'message'), ...ofType(lines, 'change')];
    t.true(rows.every((m) => m.author === 'bob'));
    t.is(rows.length, await count(db, "SELECT COUNT(*) AS c FROM messages m JOIN clients c ON c.client_id = m.client_id WHERE c.username = 'bob'"));
    t.deepEqual(ofType(lines, 'message').map((m) => m.text).sort(), ['Salut', 'en privé']);
    t.true(ofType(lines, 'audit').length >= 1);
    t.true(ofType(lines, 'audit').every((r) => r.targetUser === 'bob'));
    t.false(text.includes('Bonjour !'), "alice's message is not bob's data");
    t.false(text.includes('autre chose'));
    t.like(lines.at(-1), {type: 'end', counts: {accounts: 1, joinRequests: 1, messages: 2, changes: 1}});

    const [record] = (await srv.store.listAudit({limit: 5, targetUser: 'bob'})).filter((r) => r.action === 'export');
    t.like(record, {actor: 'dpo', via: 'console', outcome: 'ok', detail: {scope: {user: 'bob'}, counts: {messages: 2}}});

    const nobody = await exportTo(db, '--user', 'personne');
    t.like(nobody.lines.at(-1), {counts: {accounts: 0, messages: 0, memberships: 0, audit: 0}});
  } finally {
    await srv.stop();
  }
});

eachBackend('an export streams a large salon a page at a time', async (t, db) => {
  const srv = await startTestServer(db, {retention: {intervalMs: 0}});
  try {
    const alice = await srv.store.createUser({username: 'alice', alias: 'Alice', passwordHash: 'x', role: 'user', ts: JAN10});
    for (let k = 0; k < 5; k++) {
      await srv.store.appendMessages(Array.from({length: 500}, (_, i) => ({clientId: alice.id, username: 'alice', alias: 'Alice', salonId: 1, text: `m${k * 500 + i}`, ts: JAN10 + DAY})));
    }
    const {lines} = await exportTo(db, '--salon', 'Général');
    const seqs = ofType(lines, 'message').map((m) => m.seq as number);
    t.is(seqs.length, 2500, 'past several pages of 1,000');
    t.deepEqual(seqs.slice(0, 3), [1, 2, 3]);
    t.is(seqs.at(-1), 2500);
  } finally {
    await srv.stop();
  }
});
