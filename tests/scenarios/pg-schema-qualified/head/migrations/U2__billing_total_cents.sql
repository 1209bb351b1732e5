ALTER TABLE billing.invoices RENAME COLUMN total_cents TO amount_cents;
