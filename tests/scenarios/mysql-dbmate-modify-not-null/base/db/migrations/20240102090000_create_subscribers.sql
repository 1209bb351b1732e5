-- migrate:up
CREATE TABLE subscribers (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email      VARCHAR(255) NOT NULL,
    locale     VARCHAR(10)  NULL,
    source     VARCHAR(32)  NULL,
    created_at DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY uq_subscribers_email (email)
) ENGINE=InnoDB;

-- migrate:down
DROP TABLE subscribers;
