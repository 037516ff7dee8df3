-- Messages that change. A change (an edit, a deletion, a reaction added or taken back) is a
-- row of `messages` like a message, with its own seq in the conversation's stream, so that
-- catch-up, gap filling and the bus between nodes carry it with no other path; `kind` says
-- which it is and `target_seq` which message it changes. The changed message's own row is
-- updated in the same transaction, so it always reads in its current state: latest text
-- and edit time, or a tombstone (no text, deleted_at and deleted_by kept); `changed_seq` is
-- the seq of the latest change applied to it. A reply names the message it answers
-- (`reply_to`, a seq of the same conversation).
--
-- Read markers and unread counts count messages, not changes: `n` is how many messages the
-- conversation holds up to and including the row, and salons.msgs the conversation's count.
ALTER TABLE messages
  ADD COLUMN kind VARCHAR(8) NOT NULL DEFAULT 'message',
  ADD COLUMN target_seq BIGINT NULL,
  ADD COLUMN reply_to BIGINT NULL,
  ADD COLUMN n BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN edited_at DATETIME(3) NULL,
  ADD COLUMN deleted_at DATETIME(3) NULL,
  ADD COLUMN deleted_by VARCHAR(255) NULL,
  ADD COLUMN changed_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE salons ADD COLUMN msgs BIGINT NOT NULL DEFAULT 0;
-- Until now every row was a message.
UPDATE messages SET n = seq;
UPDATE salons SET msgs = seq;

-- Who reacted with what, as it stands (the changes above are its history).
CREATE TABLE reactions (
  salon_id INT NOT NULL,
  seq BIGINT NOT NULL,
  client_id INT NOT NULL,
  emoji VARCHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (salon_id, seq, client_id, emoji),
  CONSTRAINT fk_reactions_salon FOREIGN KEY (salon_id) REFERENCES salons (salon_id),
  CONSTRAINT fk_reactions_client FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO schema_migrations (version, name) VALUES (4, 'message_changes');
