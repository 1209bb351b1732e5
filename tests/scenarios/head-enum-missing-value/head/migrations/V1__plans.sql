CREATE TYPE plan_tier AS ENUM ('free', 'pro', 'team');

CREATE TABLE workspaces (
    id   BIGSERIAL PRIMARY KEY,
    name TEXT      NOT NULL,
    tier plan_tier NOT NULL DEFAULT 'free'
);

CREATE TABLE tier_changes (
    id           BIGSERIAL   PRIMARY KEY,
    workspace_id BIGINT      NOT NULL REFERENCES workspaces (id),
    tier         plan_tier   NOT NULL,
    changed_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
