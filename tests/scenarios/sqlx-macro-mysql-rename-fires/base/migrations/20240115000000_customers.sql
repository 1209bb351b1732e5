CREATE TABLE customers (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email      VARCHAR(255)    NOT NULL,
    full_name  VARCHAR(200)    NOT NULL,
    created_at DATETIME        NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY customers_email_uq (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
