CREATE TABLE tickets (
    id        INT          NOT NULL AUTO_INCREMENT PRIMARY KEY,
    subject   VARCHAR(200) NOT NULL,
    channel   ENUM('email', 'phone', 'chat') NOT NULL DEFAULT 'email',
    opened_at DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
