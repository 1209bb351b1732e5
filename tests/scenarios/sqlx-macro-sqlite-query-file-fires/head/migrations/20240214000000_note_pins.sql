-- Pins get their own table (pinned_at is used to order them).
CREATE TABLE note_pins (
    note_id   INTEGER PRIMARY KEY NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    pinned_at TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO note_pins (note_id) SELECT id FROM notes WHERE pinned = 1;

ALTER TABLE notes DROP COLUMN pinned;
