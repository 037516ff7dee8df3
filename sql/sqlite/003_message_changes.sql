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
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
ALTER TABLE messages ADD COLUMN target_seq INTEGER;
ALTER TABLE messages ADD COLUMN reply_to INTEGER;
ALTER TABLE messages ADD COLUMN n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted_by TEXT;
ALTER TABLE messages ADD COLUMN changed_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salons ADD COLUMN msgs INTEGER NOT NULL DEFAULT 0;
-- Until now every row was a message.
UPDATE messages SET n = seq;
UPDATE salons SET msgs = seq;

-- Who reacted with what, as it stands (the changes above are its history).
CREATE TABLE reactions (
  salon_id INTEGER NOT NULL REFERENCES salons (salon_id),
  seq INTEGER NOT NULL,
  client_id INTEGER NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  emoji TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (salon_id, seq, client_id, emoji)
);

INSERT INTO schema_migrations (version, name) VALUES (3, 'message_changes');
