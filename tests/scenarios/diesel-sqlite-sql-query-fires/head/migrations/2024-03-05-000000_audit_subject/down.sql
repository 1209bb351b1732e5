ALTER TABLE audit_log ADD COLUMN event_id INTEGER REFERENCES events (id);
UPDATE audit_log SET event_id = CAST(substr(subject, 7) AS INTEGER) WHERE subject LIKE 'event:%';
ALTER TABLE audit_log DROP COLUMN subject;
