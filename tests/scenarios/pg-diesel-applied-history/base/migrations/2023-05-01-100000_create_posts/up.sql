CREATE TABLE posts (
    id         BIGSERIAL PRIMARY KEY,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    legacy_tag TEXT,
    published  BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX posts_published_idx ON posts (published);
