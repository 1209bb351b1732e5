CREATE TABLE jobs (
    id       BIGSERIAL   PRIMARY KEY,
    kind     TEXT        NOT NULL,
    payload  JSONB       NOT NULL,
    attempts INTEGER     NOT NULL DEFAULT 0,
    run_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
