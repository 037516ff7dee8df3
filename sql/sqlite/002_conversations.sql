-- Conversations: a salon, a direct message between two accounts and a small group are rows
-- of the same table, with the same stream of seq, read markers and delivery. A direct
-- message or group is keyed by its participants' client ids, sorted and joined by ':'
-- (dm_key), unique: one conversation per set of people, by construction, whichever node or
-- terminal opens it first. Its participants are memberships (salons_adheres) like any.
ALTER TABLE salons ADD COLUMN kind TEXT NOT NULL DEFAULT 'salon';
ALTER TABLE salons ADD COLUMN dm_key TEXT;
ALTER TABLE salons ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salons ADD COLUMN created_at INTEGER;
CREATE UNIQUE INDEX uq_salons_dm_key ON salons (dm_key);

-- Who does not want to be messaged by whom: a blocked account cannot open a direct
-- message with the blocker nor send into one.
CREATE TABLE blocks (
  blocker_id INTEGER NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  blocked_id INTEGER NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
);

INSERT INTO schema_migrations (version, name) VALUES (2, 'conversations');
