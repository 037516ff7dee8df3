-- The SQLite schema: the original application's tables and columns, with what the product
-- adds (see sql/mysql/002_product.sql for the reasons of each). Times are integers,
-- milliseconds since the epoch, UTC.
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- AUTOINCREMENT: a banned (deleted) account's id is never given to a new account.
CREATE TABLE clients (
  client_id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL COLLATE NOCASE,
  alias TEXT NOT NULL COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'disconnected',
  role TEXT NOT NULL DEFAULT 'user',
  kicked_until INTEGER,
  created_at INTEGER,
  CONSTRAINT uq_clients_username UNIQUE (username),
  CONSTRAINT uq_clients_alias UNIQUE (alias)
);

CREATE TABLE salons (
  salon_id INTEGER PRIMARY KEY,
  nom_salon TEXT NOT NULL,
  moderated INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 0
);
INSERT INTO salons (salon_id, nom_salon, moderated) VALUES
  (1, 'Général', 0),
  (2, 'Blabla', 0),
  (3, 'Comptabilité', 1),
  (4, 'Informatique', 1),
  (5, 'Marketing', 1);

CREATE TABLE salons_adheres (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL COLLATE NOCASE REFERENCES clients (username) ON DELETE CASCADE ON UPDATE CASCADE,
  salon_id INTEGER NOT NULL REFERENCES salons (salon_id),
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT uq_adheres_user_salon UNIQUE (username, salon_id)
);

CREATE TABLE messages (
  message_id INTEGER PRIMARY KEY,
  client_id INTEGER REFERENCES clients (client_id) ON DELETE SET NULL,
  salon_id INTEGER NOT NULL REFERENCES salons (salon_id),
  contenu TEXT,
  timestamp INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  client_msg_id TEXT,
  author_alias TEXT,
  CONSTRAINT uq_messages_salon_seq UNIQUE (salon_id, seq),
  CONSTRAINT uq_messages_client_msg UNIQUE (client_id, client_msg_id)
);

CREATE TABLE join_requests (
  request_id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  salon_id INTEGER NOT NULL REFERENCES salons (salon_id),
  requested_at INTEGER NOT NULL,
  CONSTRAINT uq_join_requests UNIQUE (client_id, salon_id)
);

CREATE TABLE bans (
  username TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
  banned_at INTEGER NOT NULL,
  banned_by TEXT
);

CREATE TABLE sessions (
  token_hash TEXT NOT NULL PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX idx_sessions_client ON sessions (client_id);

INSERT INTO schema_migrations (version, name) VALUES (1, 'schema');
