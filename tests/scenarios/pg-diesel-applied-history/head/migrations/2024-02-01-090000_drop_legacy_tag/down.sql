ALTER TABLE posts ADD COLUMN legacy_tag TEXT;
