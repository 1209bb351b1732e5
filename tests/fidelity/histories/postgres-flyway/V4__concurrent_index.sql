-- CONCURRENTLY cannot run inside a transaction: alone in its migration.
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_placed_idx ON orders (placed_at);
