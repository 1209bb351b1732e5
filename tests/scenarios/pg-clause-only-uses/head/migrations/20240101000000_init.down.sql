DROP TABLE order_archive;
DROP TABLE orders;
DROP TABLE customers;
