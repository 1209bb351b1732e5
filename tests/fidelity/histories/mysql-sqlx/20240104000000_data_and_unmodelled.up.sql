INSERT INTO clients (email, nickname, joined, small, big) VALUES ('a@example.com', 'a', NOW(), 1, 1), ('b@example.com', 'b', NOW(), 2, 2);
UPDATE clients SET vip = 1 WHERE email = 'a@example.com';
DELETE FROM clients WHERE vip = 0;
INSERT INTO orders (customer_id, total) SELECT id, 10 FROM clients;
SET @n = (SELECT COUNT(*) FROM orders);

CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW
BEGIN
    SET NEW.placed_at = NOW();
    SET NEW.note = COALESCE(NEW.note, 'touched');
END;

CREATE PROCEDURE count_orders()
BEGIN
    SELECT COUNT(*) FROM orders;
    SELECT 1;
END;

CREATE FUNCTION double_it(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;

SET @ddl = 'ALTER TABLE orders ADD INDEX orders_dyn_idx (placed_at)';
PREPARE stmt FROM @ddl;
EXECUTE stmt;
DEALLOCATE PREPARE stmt;

DROP TRIGGER orders_touch;
DROP PROCEDURE count_orders;
DROP FUNCTION double_it;
ANALYZE TABLE orders;
