-- Search that stops after its page (bench/README.md, "Search on MariaDB's term table").
-- InnoDB's FULLTEXT index built every match of every word before ORDER BY ... LIMIT could
-- stop: a common word cost 366 ms at 200,000 messages, a phrase over a second, both growing
-- with the table. It is replaced by a table of (term, message) pairs read newest first by
-- its primary key: each word of 3 characters or more of `search_words`, and two tokens,
-- `_s<salon_id>` (the conversation) and `_f<client_id>` (the author), which no query word
-- can match ('_' is never part of a searched word). source/store/search-mysql.ts reads it.
--
-- The key starts with a bucket of 65,536 message ids, so that new messages write into the
-- newest bucket's part of the tree only (~36 MB), which stays in the buffer pool: keyed on
-- (term, message_id), the inserts of a table of a million messages (550 MB) read 2.8 pages
-- from disk per message with MariaDB's default 128 MB pool, 375 us of mariadbd per message
-- instead of 95. A term's ids in a bucket are still read newest first, bucket after bucket.
--
-- search_terms is the vocabulary, as on SQLite: which words a query's prefix stands for.
-- The server adds a send's new words in the same transaction (store/search-terms.ts: an
-- INSERT IGNORE of known words in the trigger cost 100 us a message); the update trigger
-- adds an edit's and the backfill's. Numbers are left out, as on SQLite.
--
-- The terms are kept in the same transaction as every write of a message. A batch of sends
-- inserts its messages' terms in one statement of its own (store/search-mysql.ts,
-- termsStatement: a trigger per row cost 65-73 us of mariadbd a message and took the
-- throughput bench from 204,000 to 124,000 acknowledgements in 10 s); triggers do the rest:
-- an edit replaces them, a deletion (search_words set to NULL) and retention's DELETE take
-- them away, the backfill's UPDATE adds them. Words are letters and digits
-- (protocol/search.ts), so a message's words make a JSON array by replacing the spaces;
-- terms are cut at 64 characters, as query words are.
--
-- Messages stored before this migration are indexed again by the server after it starts,
-- newest first, in small batches reporting their progress (the search backfill): their
-- words are cleared here, so that the backfill's UPDATE fires the trigger.
ALTER TABLE messages DROP INDEX ft_messages_search;
UPDATE messages SET search_words = NULL WHERE search_words IS NOT NULL;

CREATE TABLE message_terms (
  bucket INT NOT NULL,
  term VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  message_id BIGINT NOT NULL,
  PRIMARY KEY (bucket, term, message_id)
) ENGINE=InnoDB;

CREATE TABLE search_terms (
  term VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY
) ENGINE=InnoDB;

-- Each trigger is one statement, so that this file imports with the mysql client as it is
-- (docs/OPERATIONS.md), whose `;` ends a statement. An update changes the terms only when
-- the words, the author or the conversation changed (most updates of a message are a
-- reaction's version or a deletion of its edits): the old terms go first (FOLLOWS orders
-- the triggers), then the new ones, then the new words of the vocabulary. The deletes join
-- the words to the primary key: `term IN (SELECT ... JSON_TABLE)` read the whole table for
-- every row (4 s for retention's 500 rows).
CREATE TRIGGER message_terms_update_old AFTER UPDATE ON messages FOR EACH ROW
  DELETE t FROM JSON_TABLE(CONCAT('["', REPLACE(OLD.search_words, ' ', '","'), '","_s', OLD.salon_id, IFNULL(CONCAT('","_f', OLD.client_id), ''), '"]'),
                           '$[*]' COLUMNS (w VARCHAR(4000) PATH '$')) j
    STRAIGHT_JOIN message_terms t ON t.bucket = OLD.message_id DIV 65536 AND t.term = LEFT(j.w, 64) AND t.message_id = OLD.message_id
  WHERE NOT (OLD.search_words <=> NEW.search_words AND OLD.client_id <=> NEW.client_id AND OLD.salon_id = NEW.salon_id);

CREATE TRIGGER message_terms_update_new AFTER UPDATE ON messages FOR EACH ROW FOLLOWS message_terms_update_old
  INSERT IGNORE INTO message_terms (bucket, term, message_id)
    SELECT NEW.message_id DIV 65536, LEFT(j.w, 64), NEW.message_id
    FROM JSON_TABLE(CONCAT('["', REPLACE(NEW.search_words, ' ', '","'), '","_s', NEW.salon_id, IFNULL(CONCAT('","_f', NEW.client_id), ''), '"]'),
                    '$[*]' COLUMNS (w VARCHAR(4000) PATH '$')) j
    WHERE NOT (OLD.search_words <=> NEW.search_words AND OLD.client_id <=> NEW.client_id AND OLD.salon_id = NEW.salon_id)
      AND NEW.search_words IS NOT NULL AND NEW.search_words <> '' AND CHAR_LENGTH(j.w) >= 3;

CREATE TRIGGER search_terms_update AFTER UPDATE ON messages FOR EACH ROW FOLLOWS message_terms_update_new
  INSERT IGNORE INTO search_terms (term)
    SELECT LEFT(j.w, 64)
    FROM JSON_TABLE(CONCAT('["', REPLACE(NEW.search_words, ' ', '","'), '"]'), '$[*]' COLUMNS (w VARCHAR(4000) PATH '$')) j
    WHERE NOT (OLD.search_words <=> NEW.search_words) AND NEW.search_words IS NOT NULL AND CHAR_LENGTH(j.w) >= 3 AND j.w NOT REGEXP '^[0-9]+$';

CREATE TRIGGER message_terms_delete AFTER DELETE ON messages FOR EACH ROW
  DELETE t FROM JSON_TABLE(CONCAT('["', REPLACE(OLD.search_words, ' ', '","'), '","_s', OLD.salon_id, IFNULL(CONCAT('","_f', OLD.client_id), ''), '"]'),
                           '$[*]' COLUMNS (w VARCHAR(4000) PATH '$')) j
    STRAIGHT_JOIN message_terms t ON t.bucket = OLD.message_id DIV 65536 AND t.term = LEFT(j.w, 64) AND t.message_id = OLD.message_id;

INSERT IGNORE INTO schema_migrations (version, name) VALUES (11, 'search_terms');
