-- Every active account has re-hashed since 5.0; 5.3 no longer decodes this.
ALTER TABLE users DROP COLUMN password_sha1;
