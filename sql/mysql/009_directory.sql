-- Sign-in with the company directory (LDAP / Active Directory). An account made at a
-- person's first directory sign-in is keyed on the directory's stable id (entryUUID,
-- objectGUID), not on the name, so that a renamed person keeps their account and history.
-- Such an account has no local password: its password_hash is '!directory', which no
-- password hashes to, and the server never checks a local hash for it anyway.
-- When the periodic sync finds the person gone or disabled in the directory, the account
-- is disabled with clients.disabled_at (migration 7): it stays, its messages keep their
-- author, and it cannot sign in.
-- The id is compared byte for byte (ascii_bin): two ids differing in case are two people.
ALTER TABLE clients
  ADD COLUMN directory_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
  ADD UNIQUE KEY uq_clients_directory_id (directory_id);

INSERT IGNORE INTO schema_migrations (version, name) VALUES (9, 'directory');
