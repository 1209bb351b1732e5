CREATE TABLE login_attempts_2019 (
    id         BIGSERIAL   PRIMARY KEY,
    account_id BIGINT      NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE VIEW active_accounts AS
    SELECT id, email FROM accounts WHERE deactivated_at IS NULL;
ALTER TABLE accounts DROP COLUMN is_active;
