CREATE TABLE api_keys (
    id         BIGSERIAL   PRIMARY KEY,
    owner_id   BIGINT      NOT NULL,
    key_hash   BYTEA       NOT NULL UNIQUE,
    label      TEXT        NOT NULL,
    disabled   BOOLEAN     NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX api_keys_owner_id_idx ON api_keys (owner_id);
