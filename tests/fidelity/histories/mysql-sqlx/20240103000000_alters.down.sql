ALTER TABLE clients DROP COLUMN vip;
RENAME TABLE clients TO customers;
