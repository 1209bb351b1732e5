-- contract: no running release declares legacy_sku any more
ALTER TABLE products DROP COLUMN legacy_sku;
