ALTER TABLE accounts ADD COLUMN is_active BOOLEAN NOT NULL DEFAULT true;
DROP VIEW active_accounts;
DROP TABLE login_attempts_2019;
