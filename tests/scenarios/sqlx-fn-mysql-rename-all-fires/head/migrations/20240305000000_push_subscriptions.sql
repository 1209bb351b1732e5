-- A device can now hold several push subscriptions (APNs and web push).
CREATE TABLE push_subscriptions (
    id        INT          NOT NULL AUTO_INCREMENT PRIMARY KEY,
    deviceId  INT          NOT NULL,
    provider  VARCHAR(16)  NOT NULL,
    token     VARCHAR(255) NOT NULL,
    createdAt DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT push_subscriptions_device_fk FOREIGN KEY (deviceId) REFERENCES devices (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO push_subscriptions (deviceId, provider, token)
SELECT id, 'apns', pushToken FROM devices WHERE pushToken IS NOT NULL;

ALTER TABLE devices DROP COLUMN pushToken;
