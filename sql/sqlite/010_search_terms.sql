-- Search that costs the same on a million messages as on a thousand (bench/README.md,
-- "Search"). Three changes to 004's index:
--
-- 1. A query word is a prefix, and FTS5 answers a prefix query by merging the whole
--    doclists of every term it matches before it can return the newest rows (26 ms for a
--    word in half the messages), while an exact term is read lazily, newest first (0.1 ms).
--    search_terms lists the words ever indexed, so that the server turns a prefix into the
--    exact terms it stands for (`budg` -> "budget" OR "budgetaire") when they are few.
--    A message's new words are added by the server in the same transaction as the message
--    (store/search-terms.ts, which skips the words it knows: a trigger splitting every
--    message cost 16 us a row), and by the update trigger below for edits and the backfill.
--    Terms are never removed: a term left with no message only matches nothing. Numbers
--    (digits only) are left out: mostly new words, each an INSERT; a query word of digits
--    stays a prefix query.
-- 2. The author and the conversation are tokens of the index, `_f<client_id>` and
--    `_s<salon_id>` ('_' is a token character here, and never part of a searched word, so
--    no word can match them), added by the triggers from the row itself: `from:` becomes
--    an intersection in the index instead of reading ~1,000 rows per result.
--    Because the delete must give back exactly what was indexed, the update trigger also
--    follows client_id (set to NULL when an account is banned) and salon_id.
-- 3. Messages are indexed again, with these tokens: their words are cleared here and the
--    server's backfill indexes them after start, newest first, reporting its progress.
DROP TRIGGER message_search_insert;
DROP TRIGGER message_search_delete;
DROP TRIGGER message_search_update;
DROP TABLE message_search;
UPDATE messages SET search_words = NULL WHERE search_words IS NOT NULL;

CREATE VIRTUAL TABLE message_search USING fts5(
  search_words,
  content = 'messages',
  content_rowid = 'message_id',
  tokenize = 'unicode61 remove_diacritics 0 tokenchars ''_'''
);
CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;

CREATE TRIGGER message_search_insert AFTER INSERT ON messages WHEN new.search_words IS NOT NULL BEGIN
  INSERT INTO message_search (rowid, search_words)
    VALUES (new.message_id, new.search_words || ' _f' || coalesce(new.client_id, '') || ' _s' || new.salon_id);
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages WHEN old.search_words IS NOT NULL BEGIN
  INSERT INTO message_search (message_search, rowid, search_words)
    VALUES ('delete', old.message_id, old.search_words || ' _f' || coalesce(old.client_id, '') || ' _s' || old.salon_id);
END;
CREATE TRIGGER message_search_update AFTER UPDATE OF search_words, client_id, salon_id ON messages BEGIN
  INSERT INTO message_search (message_search, rowid, search_words)
    SELECT 'delete', old.message_id, old.search_words || ' _f' || coalesce(old.client_id, '') || ' _s' || old.salon_id WHERE old.search_words IS NOT NULL;
  INSERT INTO message_search (rowid, search_words)
    SELECT new.message_id, new.search_words || ' _f' || coalesce(new.client_id, '') || ' _s' || new.salon_id WHERE new.search_words IS NOT NULL;
  -- The words are letters and digits only (protocol/search.ts): safe inside a JSON string.
  INSERT OR IGNORE INTO search_terms (term)
    SELECT value FROM json_each('["' || replace(new.search_words, ' ', '","') || '"]')
    WHERE new.search_words IS NOT NULL AND new.search_words IS NOT old.search_words AND value GLOB '*[^0-9]*';
END;

INSERT INTO schema_migrations (version, name) VALUES (10, 'search_terms');
