-- Search on a real index. `search_words` is what search matches of a message: its words,
-- lower-cased, accents removed, separated by single spaces (source/protocol/search.ts
-- computes it, for both backends alike); NULL for changes to messages and deleted
-- messages, which are never found. message_search is an FTS5 index over it that keeps no
-- copy of the text (external content), kept in step by the triggers below in the same
-- transaction as every write. Messages stored before this migration are indexed by the
-- server after it starts, in small batches (it reports its progress on the console).
ALTER TABLE messages ADD COLUMN search_words TEXT;
CREATE VIRTUAL TABLE message_search USING fts5(
  search_words,
  content = 'messages',
  content_rowid = 'message_id',
  tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER message_search_insert AFTER INSERT ON messages WHEN new.search_words IS NOT NULL BEGIN
  INSERT INTO message_search (rowid, search_words) VALUES (new.message_id, new.search_words);
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages WHEN old.search_words IS NOT NULL BEGIN
  INSERT INTO message_search (message_search, rowid, search_words) VALUES ('delete', old.message_id, old.search_words);
END;
CREATE TRIGGER message_search_update AFTER UPDATE OF search_words ON messages BEGIN
  INSERT INTO message_search (message_search, rowid, search_words) SELECT 'delete', old.message_id, old.search_words WHERE old.search_words IS NOT NULL;
  INSERT INTO message_search (rowid, search_words) SELECT new.message_id, new.search_words WHERE new.search_words IS NOT NULL;
END;

INSERT INTO schema_migrations (version, name) VALUES (4, 'search');
