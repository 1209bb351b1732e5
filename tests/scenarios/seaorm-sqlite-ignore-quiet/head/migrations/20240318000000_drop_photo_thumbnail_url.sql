ALTER TABLE photo DROP COLUMN thumbnail_url;
