-- Incoming webhooks. A hook posts into one salon as its own account (role 'bot', which no
-- one can sign in as: its password hash matches no password), so its messages carry an
-- author like any, keep their idempotency keys per account and show a bot mark. Only a
-- hash of the hook's secret is kept: the URL is shown once, when the hook is made.
CREATE TABLE hooks (
  hook_id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(64) NOT NULL,
  salon_id INT NOT NULL,
  client_id INT NOT NULL,
  secret_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(3) NOT NULL,
  created_by VARCHAR(255) NULL,
  revoked_at DATETIME(3) NULL,
  UNIQUE KEY uq_hooks_secret (secret_hash),
  CONSTRAINT fk_hooks_salon FOREIGN KEY (salon_id) REFERENCES salons (salon_id),
  CONSTRAINT fk_hooks_client FOREIGN KEY (client_id) REFERENCES clients (client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO schema_migrations (version, name) VALUES (6, 'hooks');
