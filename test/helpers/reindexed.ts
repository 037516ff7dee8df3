/**
 * After a migration that clears `search_words` (sqlite 010, mysql 011): the 30 seeded
 * messages "budget numéro 1..30" of account 1 in Général are found by nothing until the
 * backfill has indexed them again, then by their words, their author and their prefixes.
 */
import type {ExecutionContext} from 'ava';
import type {Store} from '../../source/store/types.js';

export async function checkReindexed(t: ExecutionContext, store: Store): Promise<void> {
  t.true(await store.hasBacklog(), 'cleared by the migration: the backfill indexes them again');
  t.deepEqual((await store.search({salonIds: [1], prefixes: ['budg'], phrases: [], limit: 50})).messages, []);
  for (let next: number | null = null, first = true; first || next !== null; first = false) next = (await store.indexBacklog(next, 7)).next;
  const found = (await store.search({salonIds: [1], prefixes: ['budg', 'numer'], phrases: [], authorId: 1, limit: 50})).messages;
  t.is(found.length, 30);
  t.is(found[0]?.text, 'budget numéro 30');
  t.false(await store.hasBacklog());
}
