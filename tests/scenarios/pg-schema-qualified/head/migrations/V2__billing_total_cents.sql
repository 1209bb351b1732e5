ALTER TABLE billing.invoices RENAME COLUMN amount_cents TO total_cents;
