CREATE TABLE players (
    id         BIGSERIAL   PRIMARY KEY,
    handle     TEXT        NOT NULL UNIQUE,
    score      INTEGER     NOT NULL DEFAULT 0,
    wins       INTEGER     NOT NULL DEFAULT 0,
    elo        INTEGER     NOT NULL DEFAULT 1200,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
