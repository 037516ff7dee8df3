-- The operator's side: bot accounts with tokens, accounts that are disabled rather than
-- deleted, blocks with reasons, and the audit log.

-- Webhook accounts become 'hook' (never listed, never signed in); 'bot' is now an account
-- that signs in with a token over the chat protocol and is listed in its salons.
UPDATE clients SET role = 'hook' WHERE role = 'bot';

-- A revoked bot (and later a directory account that is gone) keeps its messages' author:
-- the account stays, disabled, instead of being deleted as a ban deletes.
ALTER TABLE clients ADD COLUMN IF NOT EXISTS disabled_at DATETIME(3) NULL;
ALTER TABLE clients ADD COLUMN IF NOT EXISTS kick_reason VARCHAR(500) NULL;
ALTER TABLE bans ADD COLUMN IF NOT EXISTS reason VARCHAR(500) NULL;

-- A bot's token: only its hash is kept, shown once when the bot is made.
CREATE TABLE IF NOT EXISTS bot_tokens (
  client_id INT NOT NULL PRIMARY KEY,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(3) NOT NULL,
  created_by VARCHAR(255) NULL,
  UNIQUE KEY uq_bot_tokens_hash (token_hash),
  CONSTRAINT fk_bot_tokens_client FOREIGN KEY (client_id) REFERENCES clients (client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Append-only: the server inserts and reads; nothing in it updates or deletes a record.
CREATE TABLE IF NOT EXISTS audit_log (
  audit_id BIGINT AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(3) NOT NULL,
  -- The account that acted, or the operator signed in at a node's console.
  actor VARCHAR(255) NOT NULL,
  -- 'client', 'console' or 'system' (a background job, the directory sync).
  via VARCHAR(16) NOT NULL,
  node VARCHAR(255) NOT NULL,
  action VARCHAR(32) NOT NULL,
  target_user VARCHAR(255) NULL,
  target_salon VARCHAR(255) NULL,
  reason VARCHAR(500) NULL,
  -- 'ok', or the error code the act was refused with.
  outcome VARCHAR(32) NOT NULL,
  -- JSON: what else the act needs to be understood (a kick's end, a deleted message's seq).
  detail TEXT NULL,
  KEY idx_audit_user (target_user, audit_id),
  KEY idx_audit_salon (target_salon, audit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO schema_migrations (version, name) VALUES (7, 'operator');
