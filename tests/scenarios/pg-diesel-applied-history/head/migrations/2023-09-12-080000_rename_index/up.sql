ALTER INDEX IF EXISTS posts_published_idx RENAME TO idx_posts_published;
-- Accepted by the database long ago; no parser migsafe knows reads it.
ALTER TABLE posts ALTER COLUMN body SET COMPRESSION lz4, ALTER COLUMN title FROBNICATE;
