UPDATE contacts SET name = '' WHERE name IS NULL;
ALTER TABLE contacts ALTER COLUMN name SET NOT NULL;
UPDATE contacts SET phone = '' WHERE phone IS NULL;
ALTER TABLE contacts ALTER COLUMN phone SET NOT NULL;
ALTER TABLE contacts ADD COLUMN source TEXT NOT NULL DEFAULT 'import';
ALTER TABLE contacts ADD COLUMN owner_id BIGINT;
