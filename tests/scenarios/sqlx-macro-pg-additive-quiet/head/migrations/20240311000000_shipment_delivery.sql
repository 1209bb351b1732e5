ALTER TABLE shipments ADD COLUMN delivered_at TIMESTAMPTZ;
ALTER TABLE shipments ADD COLUMN service_level TEXT NOT NULL DEFAULT 'standard';
