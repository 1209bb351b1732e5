ALTER TABLE authors ADD COLUMN twitter_handle VARCHAR;
