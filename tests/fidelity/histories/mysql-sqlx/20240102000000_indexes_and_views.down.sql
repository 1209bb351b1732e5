DROP VIEW big_orders;
DROP VIEW customer_emails;
DROP VIEW open_orders;
DROP INDEX orders_note_idx ON orders;
DROP INDEX customers_nick_uniq ON customers;
DROP INDEX orders_customer_idx ON orders;
