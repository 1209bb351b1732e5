ALTER TABLE jobs RENAME COLUMN attempts TO retry_count;
