-- Phone numbers are normalised to E.164 from now on; the column says so.
ALTER TABLE customers CHANGE COLUMN phone phone_e164 VARCHAR(20) NULL;
ALTER TABLE customers ADD COLUMN marketing_opt_in TINYINT(1) NOT NULL DEFAULT 0;
