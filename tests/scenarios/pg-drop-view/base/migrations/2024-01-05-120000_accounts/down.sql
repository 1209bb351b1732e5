DROP TABLE login_attempts_2019;
DROP VIEW active_accounts;
DROP TABLE accounts;
