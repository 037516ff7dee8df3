-- Incoming webhooks. A hook posts into one salon as its own account (role 'bot', which no
-- one can sign in as: its password hash matches no password), so its messages carry an
-- author like any, keep their idempotency keys per account and show a bot mark. Only a
-- hash of the hook's secret is kept: the URL is shown once, when the hook is made.
CREATE TABLE hooks (
  hook_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  salon_id INTEGER NOT NULL REFERENCES salons (salon_id),
  client_id INTEGER NOT NULL REFERENCES clients (client_id),
  secret_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT,
  revoked_at INTEGER,
  CONSTRAINT uq_hooks_secret UNIQUE (secret_hash)
);

INSERT INTO schema_migrations (version, name) VALUES (5, 'hooks');
