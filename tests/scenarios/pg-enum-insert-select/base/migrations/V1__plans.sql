CREATE TYPE plan_tier AS ENUM ('free', 'pro');
CREATE TABLE workspaces (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE tier_changes (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT    NOT NULL,
    tier         plan_tier NOT NULL
);
