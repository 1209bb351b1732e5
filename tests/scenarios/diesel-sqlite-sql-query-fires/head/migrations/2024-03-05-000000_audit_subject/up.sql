-- Audit entries can be about anything, not just events: a generic subject.
ALTER TABLE audit_log ADD COLUMN subject TEXT;
UPDATE audit_log SET subject = 'event:' || event_id WHERE event_id IS NOT NULL;
ALTER TABLE audit_log DROP COLUMN event_id;
