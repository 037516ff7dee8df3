/**
 * /search through the real controller and a real server: results from every conversation,
 * the cursor and its pages, Enter showing a message far back in its conversation, Esc and
 * `/search` alone going back to the results, and refusals told as what to change.
 */
import type {Controller} from '../../source/client/controller.js';
import type {KeyPress} from '../../source/client/key-input.js';
import {KeyRouter} from '../../source/client/keys.js';
import {resultLines} from '../../source/client/search-view.js';
import {type AppState, type SearchWindow, currentSalon} from '../../source/client/state.js';
import {eachBackend} from '../helpers/each-backend.js';
import {say, signIn, startClient, untilState} from '../helpers/controller.js';
import {startTestServer} from '../helpers/server.js';

const keyboard = (controller: Controller) => {
  const router = new KeyRouter(controller);
  return {type: (text: string) => router.handle(text, {}), press: (key: KeyPress) => router.handle('', key)};
};

const results = (s: AppState) => (s.modal?.kind === 'search' ? s.modal.results : null);
const window = (s: AppState) => (s.modal?.kind === 'search' ? s.modal : undefined);

eachBackend('/search finds a word in a salon and a direct message; Enter shows a message far back in its conversation, Esc goes back to the results', async (t, db) => {
  const srv = await startTestServer(db);
  const alice = startClient(srv);
  try {
    await (await srv.user('alice', 'Alice')).conn.close();
    const bob = await srv.user('bob', 'Bob');
    const {salons} = await bob.request('salons', {});
    const general = salons.find((s) => s.name === 'Général')!;
    await bob.request('join', {salon: general.id}).catch(() => {});
    // The match is far back: 120 messages after it, written before Alice signs in, so that
    // the newest page she reads does not hold it.
    await bob.request('send', {salon: general.id, text: 'filler at the start'});
    const found = (await bob.request('send', {salon: general.id, text: 'Le Budget de mars est prêt'})).message;
    for (let i = 0; i < 120; i++) await bob.request('send', {salon: general.id, text: `filler ${i}`});
    const dm = (await bob.request('dm', {with: ['alice']})).salon;
    await bob.request('send', {salon: dm.id, text: 'the budget draft, in private'});
    await signIn(alice, 'alice');
    alice.open(general.id);
    await untilState(alice, (s) => currentSalon(s)?.loaded === true);
    t.falsy(currentSalon(alice.getState())!.entries.message(found.seq));

    say(alice, '/search budg');
    await untilState(alice, (s) => results(s)?.length === 2);
    const modal = window(alice.getState())!;
    // Newest first, across conversations; each named as the list names it.
    t.deepEqual(
      modal.results!.map((m) => [m.salon, m.text]),
      [
        [dm.id, 'the budget draft, in private'],
        [general.id, 'Le Budget de mars est prêt'],
      ],
    );
    t.false(modal.hasMore);
    const heads = resultLines(alice.getState(), modal, Date.now()).filter((l) => l.kind === 'head');
    t.deepEqual(
      heads.map((h) => [h.conversation, h.alias]),
      [
        ['Bob', 'Bob'],
        ['Général', 'Bob'],
      ],
    );

    const keys = keyboard(alice);
    keys.press({downArrow: true});
    t.is(window(alice.getState())?.index, 1);
    keys.press({return: true});
    t.is(alice.getState().modal, null);
    // The page around the message replaces the window; the message cursor is on it.
    await untilState(alice, (s) => s.selected?.key === found.seq);
    const shown = currentSalon(alice.getState())!;
    t.is(shown.id, general.id);
    t.truthy(shown.entries.message(found.seq));
    t.true(shown.hasNewer, 'the newer messages are fetched as the user scrolls down');
    t.false(shown.hasOlder, 'the page reaches the start of the salon');
    t.not(shown.anchor, null, 'not pinned to the newest line: the window lacks it');
    t.true(alice.getState().searchBack);

    // Esc: back to the results as they were left.
    keys.press({escape: true});
    t.is(window(alice.getState())?.index, 1);
    t.is(results(alice.getState())?.length, 2);
    t.is(alice.getState().selected, null);
    // Enter on the direct message: it opens there.
    keys.press({upArrow: true});
    keys.press({return: true});
    await untilState(alice, (s) => s.current === dm.id && s.selected !== null);
    t.is(currentSalon(alice.getState())?.entries.message(alice.getState().selected!.key)?.text, 'the budget draft, in private');
    // Esc on it, then Esc on the results: closed; /search alone shows them again.
    keys.press({escape: true});
    keys.press({escape: true});
    t.is(alice.getState().modal, null);
    say(alice, '/search');
    t.is(results(alice.getState())?.length, 2);
    keys.press({escape: true});
    // Signing out forgets them.
    await alice.logout();
    t.is(alice.getState().lastSearch, null);
  } finally {
    await alice.quit();
    await srv.stop();
  }
});

eachBackend('/search pages on: the cursor reaching the last result, or PgDn on it, loads the next page until there are no more', async (t, db) => {
  const srv = await startTestServer(db);
  const alice = startClient(srv);
  try {
    const bob = await srv.user('bob', 'Bob');
    await (await srv.user('alice', 'Alice')).conn.close();
    await signIn(alice, 'alice');
    const general = currentSalon(alice.getState())!;
    await bob.request('join', {salon: general.id}).catch(() => {});
    for (let i = 0; i < 120; i++) await bob.request('send', {salon: general.id, text: `rapport numéro ${i}`});
    say(alice, '/search rapport');
    await untilState(alice, (s) => results(s)?.length === 50);
    t.true(window(alice.getState())?.hasMore);
    const keys = keyboard(alice);
    // End: the last result, which asks for the next page.
    keys.press({end: true});
    t.is(window(alice.getState())?.index, 49);
    t.true(window(alice.getState())?.loadingMore);
    await untilState(alice, (s) => results(s)?.length === 100 && window(s)?.loadingMore === false);
    // Newest first, no result twice, across the pages.
    const texts = results(alice.getState())!.map((m) => m.text);
    t.is(texts[0], 'rapport numéro 119');
    t.is(texts[99], 'rapport numéro 20');
    t.is(new Set(texts).size, 100);
    // PgDn down to the last result, then PgDn on it: the last page.
    for (let i = 0; i < 60; i++) {
      const w = window(alice.getState())!;
      if (!w.hasMore && w.index === 119) break;
      keys.press({pageDown: true});
      await untilState(alice, (st) => window(st)?.loadingMore !== true);
    }
    t.is(results(alice.getState())?.length, 120);
    t.is(window(alice.getState())?.index, 119);
    t.false(window(alice.getState())?.hasMore);
    t.is(results(alice.getState())!.at(-1)?.text, 'rapport numéro 0');
    const cursor = window(alice.getState())!.index;
    keys.press({pageDown: true});
    t.false(window(alice.getState())!.loadingMore ?? false, 'nothing more to ask for');
    t.is(window(alice.getState())!.index, cursor);
  } finally {
    await alice.quit();
    await srv.stop();
  }
});

eachBackend('/search refusals say what to change: a word too short, a bad date, too many words, searching too fast', async (t, db) => {
  // A token every 5 s: the first search may start search's thread, which takes a while on a
  // busy machine, without the allowance refilling meanwhile.
  const srv = await startTestServer(db, {policy: {searchesPerSecond: 0.2, searchBurst: 4}});
  const alice = startClient(srv);
  try {
    await (await srv.user('alice', 'Alice')).conn.close();
    await signIn(alice, 'alice');
    const refusal = async (query: string) => {
      say(alice, `/search ${query}`);
      await untilState(alice, (s) => window(s)?.results !== null && window(s)?.results !== undefined);
      return window(alice.getState())?.error;
    };
    t.deepEqual(await refusal('ab cd'), {key: 'search.problem.NO_WORDS'});
    t.deepEqual(await refusal('budget after:2026-13-01'), {key: 'search.problem.BAD_DATE'});
    t.deepEqual(await refusal('one two three four five six seven eight nine'), {key: 'search.problem.TOO_MANY_TERMS'});
    t.is(await refusal('budget'), undefined);
    // The fifth within a moment: refused, with the wait in seconds.
    const fast = await refusal('budget');
    t.is(fast?.key, 'search.tooFast');
    t.true(Number(fast?.params?.seconds) >= 1 && Number(fast?.params?.seconds) <= 5, JSON.stringify(fast));
    t.is((window(alice.getState()) as SearchWindow).results?.length, 0);
  } finally {
    await alice.quit();
    await srv.stop();
  }
});
