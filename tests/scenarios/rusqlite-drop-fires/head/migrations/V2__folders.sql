-- Folders become rows of their own (they can be renamed and nested later).
CREATE TABLE folders (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL UNIQUE
);

INSERT INTO folders (name) SELECT DISTINCT folder FROM bookmarks;

ALTER TABLE bookmarks ADD COLUMN folder_id INTEGER REFERENCES folders (id);

UPDATE bookmarks SET folder_id = (SELECT f.id FROM folders f WHERE f.name = bookmarks.folder);

ALTER TABLE bookmarks DROP COLUMN folder;
