-- Argon2 hashes replace the unsalted SHA-1 ones; users re-hash on login.
ALTER TABLE users ADD COLUMN password_hash TEXT;
