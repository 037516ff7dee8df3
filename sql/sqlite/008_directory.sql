-- Sign-in with the company directory (LDAP / Active Directory). An account made at a
-- person's first directory sign-in is keyed on the directory's stable id (entryUUID,
-- objectGUID), not on the name, so that a renamed person keeps their account and history.
-- Such an account has no local password: its password_hash is '!directory', which no
-- password hashes to, and the server never checks a local hash for it anyway.
-- When the periodic sync finds the person gone or disabled in the directory, the account
-- is disabled with clients.disabled_at (migration 6): it stays, its messages keep their
-- author, and it cannot sign in.
ALTER TABLE clients ADD COLUMN directory_id TEXT;
CREATE UNIQUE INDEX uq_clients_directory_id ON clients (directory_id);

INSERT INTO schema_migrations (version, name) VALUES (8, 'directory');
