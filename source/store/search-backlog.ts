/**
 * The search index's backlog: messages stored before the index existed (a database
 * migrated from the original, or from before issue 18) have no search_words yet; the
 * server fills them in batches, newest first (server/search-backfill.ts). SqlStore runs
 * these with its retry and error mapping.
 */
import {type Kysely, sql} from 'kysely';
import {indexedText} from '../protocol/search.js';
import type {Database} from './schema.js';
import type {Flavor} from './sql-store.js';

/** Fills the words of up to `limit` messages below `beforeId` (null: from the newest), in one transaction; where to go on. */
export function indexBacklog(db: Kysely<Database>, beforeId: number | null, limit: number): Promise<{next: number | null; newest: number}> {
  return db.transaction().execute(async (trx) => {
    let newest = 0;
    if (beforeId === null) {
      const top = await trx.selectFrom('messages').select((eb) => eb.fn.max('message_id').as('id')).executeTakeFirst();
      newest = Number(top?.id ?? 0);
      beforeId = newest + 1;
    }
    // A range of the primary key per batch: the walk reads each row once.
    const rows = await trx
      .selectFrom('messages')
      .select(['message_id', 'contenu', 'search_words', 'kind', 'deleted_at'])
      .where('message_id', '<', beforeId)
      .orderBy('message_id', 'desc')
      .limit(limit)
      .execute();
    const missing = rows.filter((r) => r.search_words === null && r.kind === 'message' && r.deleted_at === null);
    if (missing.length > 0) {
      const words = sql<string>`CASE message_id ${sql.join(
        missing.map((r) => sql`WHEN ${r.message_id} THEN ${indexedText(r.contenu ?? '')}`),
        sql` `,
      )} END`;
      await trx
        .updateTable('messages')
        .set({search_words: words})
        .where('message_id', 'in', missing.map((r) => r.message_id))
        .execute();
    }
    const last = rows.at(-1);
    return {next: rows.length === limit && last ? Number(last.message_id) : null, newest};
  });
}

/** Whether any message still waits for its words (on SQLite, read off the server's thread). */
export async function hasBacklog(db: Kysely<Database>, flavor: Flavor): Promise<boolean> {
  const statement = db
    .selectFrom('messages')
    .select('message_id')
    .where('search_words', 'is', null)
    .where('kind', '=', 'message')
    .where('deleted_at', 'is', null)
    .limit(1)
    .compile();
  const rows = flavor.reader ? await flavor.reader.all(statement.sql, statement.parameters) : (await db.executeQuery(statement)).rows;
  return rows.length > 0;
}
