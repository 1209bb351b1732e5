-- Appending a value at the end of an ENUM is an in-place (metadata-only) change in InnoDB.
ALTER TABLE tickets MODIFY COLUMN priority ENUM('low', 'normal', 'high', 'urgent') NOT NULL DEFAULT 'normal';
