ALTER TABLE customers RENAME TO clients;
ALTER TABLE clients RENAME COLUMN name TO full_name;
ALTER TABLE clients ALTER COLUMN small TYPE integer;
ALTER TABLE clients ALTER COLUMN code SET DATA TYPE varchar(10);
ALTER TABLE clients ALTER COLUMN weight TYPE real USING weight::real;
ALTER TABLE clients ALTER COLUMN full_name SET NOT NULL;
ALTER TABLE clients ALTER COLUMN birthday SET DEFAULT CURRENT_DATE;
ALTER TABLE clients ALTER COLUMN flag DROP DEFAULT;
ALTER TABLE clients ALTER COLUMN ratio DROP NOT NULL;
ALTER TABLE clients ADD COLUMN phone varchar(32), ADD COLUMN vip boolean NOT NULL DEFAULT false;
ALTER TABLE clients ADD COLUMN IF NOT EXISTS phone text;
ALTER TABLE clients DROP COLUMN raw;
ALTER TABLE clients DROP COLUMN IF EXISTS never_there;
ALTER TABLE IF EXISTS no_such_table ADD COLUMN x int;
ALTER TABLE clients
    ALTER COLUMN score SET NOT NULL,
    ALTER COLUMN score SET DEFAULT 0,
    ALTER COLUMN ttl TYPE text;
ALTER TABLE orders ADD CONSTRAINT orders_note_nonempty CHECK (char_length(note) > 0);
ALTER TABLE orders DROP CONSTRAINT orders_total_bounded;
ALTER TABLE order_items ALTER COLUMN sku SET NOT NULL;
ALTER TABLE billing.invoices RENAME COLUMN issued_on TO issued_at;
ALTER TABLE billing.invoices ALTER COLUMN issued_at TYPE timestamptz;
ALTER TABLE billing.invoices RENAME TO bills;
ALTER TABLE "MixedCase" RENAME COLUMN "Id" TO "ID";
ALTER TABLE tagged ADD PRIMARY KEY (tag);
ALTER TABLE tagged ALTER COLUMN ref SET NOT NULL;
ALTER TABLE tagged ALTER COLUMN ref ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE tagged ADD CONSTRAINT tagged_label_key UNIQUE (label);
ALTER TABLE tagged ADD CONSTRAINT tagged_ref_fk FOREIGN KEY (ref) REFERENCES clients (id) NOT VALID;
ALTER TABLE tagged VALIDATE CONSTRAINT tagged_ref_fk;
ALTER TABLE tagged DROP CONSTRAINT tagged_pkey;
