CREATE TABLE audit_events (
    id     BIGSERIAL   PRIMARY KEY,
    actor  TEXT        NOT NULL,
    action TEXT        NOT NULL,
    at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX audit_events_actor_at_idx ON audit_events (actor, at DESC);
