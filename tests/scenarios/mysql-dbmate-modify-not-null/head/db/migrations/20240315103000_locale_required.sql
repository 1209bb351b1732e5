-- migrate:up
UPDATE subscribers SET locale = 'en' WHERE locale IS NULL;
ALTER TABLE subscribers MODIFY COLUMN locale VARCHAR(10) NOT NULL;
ALTER TABLE subscribers ADD COLUMN confirmed TINYINT(1) NOT NULL DEFAULT 0;

-- migrate:down
ALTER TABLE subscribers DROP COLUMN confirmed;
ALTER TABLE subscribers MODIFY COLUMN locale VARCHAR(10) NULL;
