/**
 * Reactions as the store reads them: counted per message for a page of history (the
 * reader's own marked), and who gave which to one message. SqlStore runs these with its
 * retry and error mapping.
 */
import type {Kysely} from 'kysely';
import type {Database} from './schema.js';
import type {ReactionCount, ReactionRecord} from './types.js';

export async function reactionCounts(db: Kysely<Database>, salonId: number, seqs: readonly number[], readerId: number): Promise<Map<number, ReactionCount[]>> {
  const rows = await db
    .selectFrom('reactions')
    .select(['seq', 'emoji', 'client_id', 'created_at'])
    .where('salon_id', '=', salonId)
    .where('seq', 'in', [...seqs])
    .orderBy('created_at')
    .execute();
  const counts = new Map<number, Map<string, ReactionCount>>();
  for (const r of rows) {
    const seq = Number(r.seq);
    const forSeq = counts.get(seq) ?? new Map<string, ReactionCount>();
    counts.set(seq, forSeq);
    const count = forSeq.get(r.emoji) ?? {emoji: r.emoji, count: 0};
    count.count += 1;
    if (r.client_id === readerId) count.mine = true;
    forSeq.set(r.emoji, count);
  }
  // Most given first; the first given first among equals (a stable sort keeps that order).
  return new Map([...counts].map(([seq, byEmoji]) => [seq, [...byEmoji.values()].sort((a, b) => b.count - a.count)]));
}

export async function reactions(db: Kysely<Database>, salonId: number, seq: number): Promise<ReactionRecord[]> {
  const rows = await db
    .selectFrom('reactions as r')
    .innerJoin('clients as c', 'c.client_id', 'r.client_id')
    .select(['r.emoji', 'c.username', 'c.alias'])
    .where('r.salon_id', '=', salonId)
    .where('r.seq', '=', seq)
    .orderBy('r.created_at')
    .execute();
  return rows.map((r) => ({emoji: r.emoji, username: r.username, alias: r.alias}));
}
