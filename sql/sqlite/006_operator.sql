-- The operator's side: bot accounts with tokens, accounts that are disabled rather than
-- deleted, blocks with reasons, and the audit log.

-- Webhook accounts become 'hook' (never listed, never signed in); 'bot' is now an account
-- that signs in with a token over the chat protocol and is listed in its salons.
UPDATE clients SET role = 'hook' WHERE role = 'bot';

-- A revoked bot (and later a directory account that is gone) keeps its messages' author:
-- the account stays, disabled, instead of being deleted as a ban deletes.
ALTER TABLE clients ADD COLUMN disabled_at INTEGER;
ALTER TABLE clients ADD COLUMN kick_reason TEXT;
ALTER TABLE bans ADD COLUMN reason TEXT;

-- A bot's token: only its hash is kept, shown once when the bot is made.
CREATE TABLE bot_tokens (
  client_id INTEGER NOT NULL PRIMARY KEY REFERENCES clients (client_id),
  token_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT,
  CONSTRAINT uq_bot_tokens_hash UNIQUE (token_hash)
);

-- Append-only: the server inserts and reads; nothing in it updates or deletes a record.
CREATE TABLE audit_log (
  audit_id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  -- The account that acted, or the operator signed in at a node's console.
  actor TEXT NOT NULL,
  -- 'client', 'console' or 'system' (a background job, the directory sync).
  via TEXT NOT NULL,
  node TEXT NOT NULL,
  action TEXT NOT NULL,
  target_user TEXT,
  target_salon TEXT,
  reason TEXT,
  -- 'ok', or the error code the act was refused with.
  outcome TEXT NOT NULL,
  -- JSON: what else the act needs to be understood (a kick's end, a deleted message's seq).
  detail TEXT
);
CREATE INDEX idx_audit_user ON audit_log (target_user, audit_id);
CREATE INDEX idx_audit_salon ON audit_log (target_salon, audit_id);

INSERT INTO schema_migrations (version, name) VALUES (6, 'operator');
