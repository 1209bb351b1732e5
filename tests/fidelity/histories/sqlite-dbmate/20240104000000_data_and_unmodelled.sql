-- migrate:up
INSERT INTO clients (email, full_name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B');
UPDATE clients SET vip = 1 WHERE email = 'a@example.com';
DELETE FROM clients WHERE vip = 0;
INSERT INTO orders (customer_id, total) SELECT id, 10 FROM clients;
REPLACE INTO kv (k, v) VALUES ('version', x'01');

CREATE TRIGGER orders_touch AFTER UPDATE ON orders FOR EACH ROW
BEGIN
    UPDATE orders SET placed_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
    SELECT 1;
END;
DROP TRIGGER orders_touch;
PRAGMA user_version = 4;
ANALYZE;
VACUUM;

-- migrate:down
DELETE FROM orders;
