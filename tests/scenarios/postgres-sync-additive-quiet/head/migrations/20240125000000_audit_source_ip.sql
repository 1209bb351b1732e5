ALTER TABLE audit_events ADD COLUMN ip_address INET;
ALTER TABLE audit_events ADD COLUMN source TEXT NOT NULL DEFAULT 'cli';
