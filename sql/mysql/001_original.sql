-- Migration 1: the original application's schema, exactly as its deployment guide creates it.
-- On a database made by the original this changes nothing (every statement is conditional);
-- on an empty database it lays the base that migration 2 upgrades.
-- Import by hand with: mysql DBNAME < sql/mysql/001_original.sql  (then 002, 003, ... in order)
SET NAMES utf8mb4;

CREATE TABLE IF NOT EXISTS schema_migrations (
  version INT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS clients (
  client_id INT AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(255) NOT NULL,
  alias VARCHAR(255) NOT NULL,
  password_hash VARCHAR(64) NOT NULL,
  status VARCHAR(20) DEFAULT 'disconnected'
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS salons (
  salon_id INT AUTO_INCREMENT PRIMARY KEY,
  nom_salon VARCHAR(255) NOT NULL
) ENGINE=InnoDB;

-- The five fixed salons, in the original's order; kept if they are already there.
INSERT INTO salons (nom_salon) SELECT 'Général' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM salons WHERE nom_salon = 'Général');
INSERT INTO salons (nom_salon) SELECT 'Blabla' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM salons WHERE nom_salon = 'Blabla');
INSERT INTO salons (nom_salon) SELECT 'Comptabilité' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM salons WHERE nom_salon = 'Comptabilité');
INSERT INTO salons (nom_salon) SELECT 'Informatique' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM salons WHERE nom_salon = 'Informatique');
INSERT INTO salons (nom_salon) SELECT 'Marketing' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM salons WHERE nom_salon = 'Marketing');

-- The original indexes clients(username) so that salons_adheres can reference it.
SET @has_index := (SELECT COUNT(*) FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'clients' AND INDEX_NAME = 'idx_username');
SET @ddl := IF(@has_index = 0, 'CREATE INDEX idx_username ON clients(username)', 'DO 0');
PREPARE stmt FROM @ddl; EXECUTE stmt; DEALLOCATE PREPARE stmt;

CREATE TABLE IF NOT EXISTS salons_adheres (
  id INT AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(255) NOT NULL,
  salon_id INT NOT NULL,
  FOREIGN KEY (username) REFERENCES clients(username),
  FOREIGN KEY (salon_id) REFERENCES salons(salon_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS messages (
  message_id INT AUTO_INCREMENT PRIMARY KEY,
  client_id INT NOT NULL,
  salon_id INT NOT NULL,
  contenu TEXT,
  timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (client_id) REFERENCES clients(client_id),
  FOREIGN KEY (salon_id) REFERENCES salons(salon_id)
) ENGINE=InnoDB;

INSERT IGNORE INTO schema_migrations (version, name) VALUES (1, 'original');
