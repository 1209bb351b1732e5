CREATE TABLE accounts (
    id             BIGSERIAL PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    deactivated_at TIMESTAMPTZ
);

CREATE VIEW active_accounts AS
    SELECT id, email FROM accounts WHERE deactivated_at IS NULL;

CREATE TABLE login_attempts_2019 (
    id         BIGSERIAL   PRIMARY KEY,
    account_id BIGINT      NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
