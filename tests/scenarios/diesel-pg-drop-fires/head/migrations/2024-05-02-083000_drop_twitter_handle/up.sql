ALTER TABLE authors DROP COLUMN twitter_handle;
