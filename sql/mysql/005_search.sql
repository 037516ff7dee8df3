-- Search on a real index. `search_words` is what search matches of a message: its words,
-- lower-cased, accents removed, separated by single spaces (source/protocol/search.ts
-- computes it, for both backends alike); NULL for changes to messages and deleted
-- messages, which are never found. An InnoDB FULLTEXT index over it, kept by InnoDB in the
-- same transaction as every write. Its binary collation matches the words exactly as
-- given (the words decide, not the collation: both backends answer alike), and without a
-- stopword list every word is indexed; InnoDB skips words shorter than 3 characters
-- (innodb_ft_min_token_size), which search never looks for on either backend. Messages
-- stored before this migration are indexed by the server after it starts, in small
-- batches (it reports its progress on the console).
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE messages
  ADD COLUMN search_words MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD FULLTEXT KEY ft_messages_search (search_words);

INSERT IGNORE INTO schema_migrations (version, name) VALUES (5, 'search');
