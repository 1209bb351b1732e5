-- Keep when a key was switched off, not just whether it was.
ALTER TABLE api_keys ADD COLUMN disabled_at TIMESTAMPTZ;
UPDATE api_keys SET disabled_at = now() WHERE disabled;
ALTER TABLE api_keys DROP COLUMN disabled;
