CREATE TABLE page_events (
    id        BIGSERIAL   PRIMARY KEY,
    page      VARCHAR(32) NOT NULL UNIQUE,
    hits      INTEGER     NOT NULL DEFAULT 0,
    last_seen TIMESTAMPTZ NOT NULL DEFAULT now()
);
