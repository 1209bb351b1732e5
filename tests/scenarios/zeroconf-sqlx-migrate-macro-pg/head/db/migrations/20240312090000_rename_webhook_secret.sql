ALTER TABLE webhooks RENAME COLUMN secret TO signing_secret;
