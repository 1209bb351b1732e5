-- HTTP caching state moves out of feeds (Last-Modified joins the ETag).
CREATE TABLE fetch_state (
    feed_id       INTEGER PRIMARY KEY REFERENCES feeds (id) ON DELETE CASCADE,
    etag          TEXT,
    last_modified TEXT
);

INSERT INTO fetch_state (feed_id, etag) SELECT id, etag FROM feeds WHERE etag IS NOT NULL;

ALTER TABLE feeds DROP COLUMN etag;
