-- Migration 2: what the product adds to the original schema. Every original table, column
-- and row is kept. Written for MariaDB >= 10.3 and MySQL >= 8.0.
-- Times are stored in UTC.
SET NAMES utf8mb4;
SET time_zone = '+00:00';

-- 1. Drop the original's foreign keys on columns that change below. Their names were made
--    up by the server at CREATE time, so they are looked up rather than assumed.
SET @fk := (SELECT CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'salons_adheres' AND COLUMN_NAME = 'username'
    AND REFERENCED_TABLE_NAME IS NOT NULL LIMIT 1);
SET @ddl := IF(@fk IS NULL, 'DO 0', CONCAT('ALTER TABLE salons_adheres DROP FOREIGN KEY `', @fk, '`'));
PREPARE stmt FROM @ddl; EXECUTE stmt; DEALLOCATE PREPARE stmt;

SET @fk := (SELECT CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'messages' AND COLUMN_NAME = 'client_id'
    AND REFERENCED_TABLE_NAME IS NOT NULL LIMIT 1);
SET @ddl := IF(@fk IS NULL, 'DO 0', CONCAT('ALTER TABLE messages DROP FOREIGN KEY `', @fk, '`'));
PREPARE stmt FROM @ddl; EXECUTE stmt; DEALLOCATE PREPARE stmt;

-- 2. Full Unicode everywhere (emoji, 4-byte characters). Usernames and aliases compare
--    case-insensitively, so "Toto" cannot register beside "toto".
ALTER TABLE clients CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE salons CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE salons_adheres CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE messages CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- 3. The original never enforced unique usernames or aliases. Later duplicates are renamed
--    to "name~<client_id>" (the oldest account keeps the name and its memberships), so no
--    row is lost and the unique keys below can be added. "~" cannot appear in a name
--    registered with this product, so the new name cannot collide with one.
UPDATE clients c
  JOIN (SELECT username, MIN(client_id) AS keep_id FROM clients GROUP BY username HAVING COUNT(*) > 1) d
    ON c.username = d.username AND c.client_id <> d.keep_id
  SET c.username = CONCAT(c.username, '~', c.client_id);
UPDATE clients c
  JOIN (SELECT alias, MIN(client_id) AS keep_id FROM clients GROUP BY alias HAVING COUNT(*) > 1) d
    ON c.alias = d.alias AND c.client_id <> d.keep_id
  SET c.alias = CONCAT(c.alias, '~', c.client_id);
UPDATE clients SET status = 'disconnected' WHERE status IS NULL OR status NOT IN ('connected', 'disconnected');

-- 4. Accounts: room for salted hashes, roles, kicks. The original's console accounts,
--    admin and server, become moderators.
ALTER TABLE clients
  MODIFY password_hash VARCHAR(255) NOT NULL,
  MODIFY status VARCHAR(20) NOT NULL DEFAULT 'disconnected',
  ADD COLUMN role VARCHAR(20) NOT NULL DEFAULT 'user',
  ADD COLUMN kicked_until DATETIME(3) NULL,
  ADD COLUMN created_at DATETIME(3) NULL,
  ADD UNIQUE KEY uq_clients_username (username),
  ADD UNIQUE KEY uq_clients_alias (alias);
UPDATE clients SET role = 'moderator' WHERE username IN ('admin', 'server');

-- 5. Salons: which ones need a moderator's approval, and the per-salon message counter
--    that numbers messages without gaps (advanced in the transaction that stores them).
ALTER TABLE salons
  ADD COLUMN moderated TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE salons SET moderated = 1 WHERE nom_salon IN ('Comptabilité', 'Informatique', 'Marketing');

-- 6. Memberships: one row per user and salon, a read marker, and deletion with the account.
DELETE a FROM salons_adheres a
  JOIN salons_adheres b ON a.username = b.username AND a.salon_id = b.salon_id AND a.id > b.id;
ALTER TABLE salons_adheres
  ADD COLUMN last_read_seq BIGINT NOT NULL DEFAULT 0,
  ADD UNIQUE KEY uq_adheres_user_salon (username, salon_id),
  ADD CONSTRAINT fk_adheres_client FOREIGN KEY (username) REFERENCES clients (username)
    ON DELETE CASCADE ON UPDATE CASCADE;

-- 7. Messages: millisecond times, per-salon sequence numbers (existing messages are
--    numbered in their stored order), the sender's idempotency key, and authorship that
--    survives a BAN (the account goes, its messages stay).
ALTER TABLE messages
  MODIFY client_id INT NULL,
  MODIFY `timestamp` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  ADD COLUMN seq BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN client_msg_id VARBINARY(256) NULL, -- compared byte for byte, as on SQLite
  ADD COLUMN author_alias VARCHAR(255) NULL;
UPDATE messages m
  JOIN (SELECT message_id, ROW_NUMBER() OVER (PARTITION BY salon_id ORDER BY message_id) AS rn FROM messages) r
    ON m.message_id = r.message_id
  SET m.seq = r.rn;
UPDATE messages m JOIN clients c ON c.client_id = m.client_id SET m.author_alias = c.alias;
UPDATE salons s SET seq = (SELECT COALESCE(MAX(m.seq), 0) FROM messages m WHERE m.salon_id = s.salon_id);
ALTER TABLE messages
  ADD UNIQUE KEY uq_messages_salon_seq (salon_id, seq),
  ADD UNIQUE KEY uq_messages_client_msg (client_id, client_msg_id),
  ADD CONSTRAINT fk_messages_client FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE SET NULL;

-- 8. New tables.
CREATE TABLE join_requests (
  request_id INT AUTO_INCREMENT PRIMARY KEY,
  client_id INT NOT NULL,
  salon_id INT NOT NULL,
  requested_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_join_requests (client_id, salon_id),
  CONSTRAINT fk_join_requests_client FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE CASCADE,
  CONSTRAINT fk_join_requests_salon FOREIGN KEY (salon_id) REFERENCES salons (salon_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE bans (
  username VARCHAR(255) NOT NULL PRIMARY KEY,
  banned_at DATETIME(3) NOT NULL,
  banned_by VARCHAR(255) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sessions (
  token_hash CHAR(64) NOT NULL PRIMARY KEY,
  client_id INT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  KEY idx_sessions_client (client_id),
  CONSTRAINT fk_sessions_client FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO schema_migrations (version, name) VALUES (2, 'product');
