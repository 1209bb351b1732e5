CREATE TABLE tracks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT    NOT NULL,
    artist      TEXT    NOT NULL,
    album       TEXT,
    bpm         INTEGER,
    duration_ms INTEGER NOT NULL
);
