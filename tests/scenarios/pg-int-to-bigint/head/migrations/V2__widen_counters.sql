-- The home page passed 2^31 hits last night.
ALTER TABLE page_events ALTER COLUMN hits TYPE BIGINT;
ALTER TABLE page_events ALTER COLUMN page TYPE VARCHAR(255);
