CREATE TABLE photo (
    id            INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    album_id      INTEGER NOT NULL,
    storage_key   TEXT    NOT NULL,
    caption       TEXT,
    -- written by the 1.x uploader; 2.x computes thumbnail URLs instead
    thumbnail_url TEXT
);
