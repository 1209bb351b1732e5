ALTER TABLE posts RENAME COLUMN is_published TO published;
