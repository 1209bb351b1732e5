CREATE TABLE page_views (
    id        BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    path      VARCHAR(512) NOT NULL,
    referrer  VARCHAR(512) NULL,
    viewed_at DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY page_views_viewed_at_idx (viewed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE search_log (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    query       VARCHAR(255) NOT NULL,
    user_agent  VARCHAR(512) NULL,
    searched_at DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY search_log_searched_at_idx (searched_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
