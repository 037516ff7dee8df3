-- Conversations: a salon, a direct message between two accounts and a small group are rows
-- of the same table, with the same stream of seq, read markers and delivery. A direct
-- message or group is keyed by its participants' client ids, sorted and joined by ':'
-- (dm_key), unique: one conversation per set of people, by construction, whichever node or
-- terminal opens it first. Its participants are memberships (salons_adheres) like any.
ALTER TABLE salons
  ADD COLUMN kind VARCHAR(8) NOT NULL DEFAULT 'salon',
  ADD COLUMN dm_key VARCHAR(191) NULL,
  ADD COLUMN archived TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN created_at DATETIME(3) NULL,
  ADD UNIQUE KEY uq_salons_dm_key (dm_key);

-- Who does not want to be messaged by whom: a blocked account cannot open a direct
-- message with the blocker nor send into one.
CREATE TABLE blocks (
  blocker_id INT NOT NULL,
  blocked_id INT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id),
  CONSTRAINT fk_blocks_blocker FOREIGN KEY (blocker_id) REFERENCES clients (client_id) ON DELETE CASCADE,
  CONSTRAINT fk_blocks_blocked FOREIGN KEY (blocked_id) REFERENCES clients (client_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO schema_migrations (version, name) VALUES (3, 'conversations');
