ALTER TABLE customers RENAME TO clients;

-- Compatibility view for release 2.9, which still says "customers".
-- A simple single-table view is automatically updatable in PostgreSQL:
-- 2.9's INSERT / UPDATE go through to clients (with clients' defaults).
-- Dropped in 3.1, once 2.9 is gone.
CREATE VIEW customers AS
    SELECT id, name, email, created_at FROM clients;
