CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE UNIQUE INDEX customers_nick_uniq ON customers (nick(32));
CREATE INDEX orders_note_idx ON orders (note);
ALTER TABLE orders ADD INDEX orders_total_idx (total);

CREATE VIEW open_orders AS
    SELECT o.id, o.customer_id, c.email
    FROM orders o JOIN customers c ON c.id = o.customer_id
    WHERE o.status = 'NEW';

CREATE OR REPLACE VIEW customer_emails AS SELECT id, email FROM customers;
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
