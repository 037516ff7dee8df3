-- Retention: how long messages are kept, per salon and by default, and where each
-- conversation's stream now begins once older rows were deleted.
--
-- salons.retention_days: NULL follows the default; 0 keeps everything (the salon opts out
-- of a default); N deletes messages older than N days. Direct messages and groups always
-- follow the default (the console sets salons only).
-- Every row of the conversation with seq <= purged_seq was deleted by retention: the
-- stream starts at purged_seq + 1. Deleting a prefix (never rows in the middle) keeps the
-- kept rows gap-free. purged_n is the messages counted up to purged_seq (the n of its
-- row), so read markers that pointed at deleted rows still count unread messages right.
-- seq, msgs and every kept row's n are untouched: counters never go backwards.
ALTER TABLE salons
  ADD COLUMN retention_days INT NULL,
  ADD COLUMN purged_seq BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN purged_n BIGINT NOT NULL DEFAULT 0;

-- The default period, one row at most; no row: keep everything (as before this migration).
CREATE TABLE IF NOT EXISTS retention_default (
  id TINYINT NOT NULL PRIMARY KEY,
  days INT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO schema_migrations (version, name) VALUES (10, 'retention');
