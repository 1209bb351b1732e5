CREATE TABLE users (
    id            BIGSERIAL   PRIMARY KEY,
    email         TEXT        NOT NULL UNIQUE,
    display_name  TEXT        NOT NULL,
    password_sha1 TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
