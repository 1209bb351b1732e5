ALTER TABLE customers DROP COLUMN marketing_opt_in;
ALTER TABLE customers CHANGE COLUMN phone_e164 phone VARCHAR(20) NULL;
