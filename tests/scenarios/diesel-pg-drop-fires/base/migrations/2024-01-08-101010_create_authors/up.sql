CREATE TABLE authors (
    id             SERIAL PRIMARY KEY,
    name           VARCHAR NOT NULL,
    bio            TEXT,
    twitter_handle VARCHAR,
    created_at     TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
