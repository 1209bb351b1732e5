-- PostgreSQL accepts IF EXISTS here; sqlparser 0.64 does not (a recovery does).
ALTER INDEX IF EXISTS users_email_idx RENAME TO idx_users_email;
ALTER INDEX IF EXISTS no_such_index RENAME TO whatever;
ALTER INDEX users_name_idx RENAME TO idx_users_name;
ALTER INDEX users_pkey RENAME TO users_id_pkey;
ALTER INDEX idx_users_name SET (fillfactor = 90);
ALTER INDEX IF EXISTS idx_users_email RESET (fillfactor);
ALTER TABLE users RENAME COLUMN name TO display_name;
