-- Numbers are stored in E.164 from now on; the column says so.
ALTER TABLE contacts RENAME COLUMN phone TO phone_e164;
