-- The schema predates the Rust service (it was a Node app): camelCase columns.
CREATE TABLE devices (
    id         INT          NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ownerId    INT          NOT NULL,
    deviceName VARCHAR(100) NOT NULL,
    pushToken  VARCHAR(255) NULL,
    lastSeenAt DATETIME     NULL,
    KEY devices_owner_idx (ownerId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
