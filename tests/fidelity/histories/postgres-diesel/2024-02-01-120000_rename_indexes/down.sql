ALTER TABLE users RENAME COLUMN display_name TO name;
ALTER INDEX users_id_pkey RENAME TO users_pkey;
ALTER INDEX idx_users_name RENAME TO users_name_idx;
ALTER INDEX idx_users_email RENAME TO users_email_idx;
