/**
 * A search whose words are each common and rarely together: the server stops after a
 * bounded number of candidates (MySQL/MariaDB, store/search-mysql.ts) and answers a short
 * page, even an empty one, with where to go on; PgDn in the results window searches on
 * from there until every match is found.
 */
import {KeyRouter} from '../../source/client/keys.js';
import {BUDGET} from '../../source/store/search-mysql.js';
import {hashPassword} from '../../source/store/password.js';
import type {NewMessage} from '../../source/store/types.js';
import type {AppState} from '../../source/client/state.js';
import {eachBackend} from '../helpers/each-backend.js';
import {say, signIn, startClient, untilState} from '../helpers/controller.js';
import {PASSWORD, startTestServer} from '../helpers/server.js';

const window = (s: AppState) => (s.modal?.kind === 'search' ? s.modal : undefined);

eachBackend('PgDn searches on from where the server stopped until every match of common words rarely together is found', async (t, db, backend) => {
  const store = await db.open();
  try {
    const alice = await store.createUser({username: 'alice', alias: 'Alice', passwordHash: await hashPassword(PASSWORD), role: 'user', ts: Date.now()});
    const at = (text: string): NewMessage => ({clientId: alice.id, username: alice.username, alias: alice.alias, salonId: 1, text, ts: Date.now()});
    await store.appendMessages(['alpha beta un', 'beta alpha deux'].map(at));
    // Newer messages hold alpha or beta alone, in turn: each word's list has more postings
    // before the matches than a search examines, and neither is sparser than the other.
    for (let i = 0; i < 2 * BUDGET + 2_000; i += 1_000) await store.appendMessages(Array.from({length: 1_000}, (_, k) => at(`${(i + k) % 2 === 0 ? 'alpha' : 'beta'} seul ${i + k}`)));
  } finally {
    await store.close();
  }
  const srv = await startTestServer(db);
  const client = startClient(srv);
  try {
    await signIn(client, 'alice');
    const router = new KeyRouter(client);
    say(client, '/search alpha beta');
    let short = false;
    for (let pages = 0; pages < 10; pages++) {
      await untilState(client, (s) => window(s)?.results != null && !window(s)?.loadingMore);
      const modal = window(client.getState())!;
      if (modal.results!.length === 0 && modal.hasMore) short = true;
      if (!modal.hasMore) break;
      router.handle('', {pageDown: true});
      await untilState(client, (s) => window(s)?.loadingMore === true || window(s)?.hasMore === false);
    }
    const modal = window(client.getState())!;
    t.deepEqual(modal.results!.map((m) => m.text), ['beta alpha deux', 'alpha beta un']);
    t.false(modal.hasMore);
    // SQLite's index reads both words together: its first page holds them.
    t.is(short, backend.name === 'mysql', 'a page stopped short with no result before the matches');
  } finally {
    await client.quit();
    await srv.stop();
  }
});
