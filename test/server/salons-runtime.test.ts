/**
 * Salons made at run time by moderators (client request and console command): they appear
 * live to everyone, names stay unique ignoring case and accents, archiving makes one
 * read-only and hides it. Both backends.
 */
import {runCommand} from '../../source/console/commands.js';
import {translator} from '../../source/i18n/index.js';
import {eachBackend} from '../helpers/each-backend.js';
import {PASSWORD, refusal, startTestServer} from '../helpers/server.js';

eachBackend('a moderator creates a salon: everyone sees it live, members talk in it, the name is taken ignoring case and accents', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const mod = await srv.moderator('admin');
    const alice = await srv.user('alice');
    t.is(await refusal(alice.request('salon_create', {name: 'Mine'})), 'FORBIDDEN');
    const {salon} = await mod.request('salon_create', {name: 'Projets Été'});
    t.like(salon, {name: 'Projets Été', kind: 'salon', moderated: false, state: 'none'});
    const told = await alice.waitFor('salon', (e) => e.salon.id === salon.id);
    t.like(told.salon, {name: 'Projets Été', state: 'none'});
    t.true(srv.notices.some((n) => n.kind === 'salon_created' && n.salonName === 'Projets Été'));
    t.is(await refusal(mod.request('salon_create', {name: 'projets ete'})), 'SALON_EXISTS');
    t.is(await refusal(mod.request('salon_create', {name: '42'})), 'BAD_REQUEST', 'digits would read as an id');

    await alice.request('join', {salon: 'projets ete'});
    t.is((await alice.request('send', {salon: salon.id, text: 'premier message'})).message.seq, 1);
    t.true((await alice.request('salons', {})).salons.some((s) => s.id === salon.id && s.state === 'member'));

    // Kept across a restart.
    await srv.stop();
    const again = await startTestServer(db);
    try {
      const a = await again.connect();
      const login = await a.request('login', {username: 'alice', password: PASSWORD});
      t.like(login.salons.find((s) => s.id === salon.id), {name: 'Projets Été', state: 'member', lastSeq: 1});
    } finally {
      await again.stop();
    }
  } finally {
    await srv.stop();
  }
});

eachBackend('the console creates a moderated salon and archives it: read-only, hidden from every list, history kept', async (t, db) => {
  const srv = await startTestServer(db);
  try {
    const lines: string[] = [];
    const console = {moderation: srv.server.moderation, t: translator('en'), print: (l: string) => lines.push(l), operator: 'admin', kill: async () => {}};
    const alice = await srv.user('alice');
    await runCommand(console, 'CREATE:Direction:moderated');
    const created = await alice.waitFor('salon', (e) => e.salon.name === 'Direction');
    t.true(created.salon.moderated);
    await runCommand(console, 'CREATE:direction');
    t.regex(lines.at(-1) ?? '', /exists already/);

    const {salon} = await alice.request('join', {salon: 'Direction'});
    t.is(salon.state, 'pending');
    await runCommand(console, 'ACCEPT:alice:Direction');
    await alice.waitFor('membership', (e) => e.salon === salon.id && e.state === 'member');
    await alice.request('send', {salon: salon.id, text: 'avant archivage'});

    await runCommand(console, 'ARCHIVE:Direction');
    const archived = await alice.waitFor('salon', (e) => e.salon.id === salon.id && e.salon.archived === true);
    t.truthy(archived);
    t.false((await alice.request('salons', {})).salons.some((s) => s.id === salon.id), 'hidden from the list');
    t.is(await refusal(alice.request('send', {salon: salon.id, text: 'après'})), 'ARCHIVED');
    t.deepEqual((await alice.request('history', {salon: salon.id})).messages.map((m) => m.text), ['avant archivage'], 'history kept');
    const bob = await srv.user('bob');
    t.is(await refusal(bob.request('join', {salon: 'Direction'})), 'UNKNOWN_SALON');
    await runCommand(console, 'ARCHIVE:Direction');
    t.regex(lines.at(-1) ?? '', /Unknown salon Direction/);
  } finally {
    await srv.stop();
  }
});
