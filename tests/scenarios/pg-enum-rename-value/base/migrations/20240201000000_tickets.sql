CREATE TYPE ticket_state AS ENUM ('open', 'pending', 'closed');

CREATE TABLE support_tickets (
    id        BIGSERIAL    PRIMARY KEY,
    title     TEXT         NOT NULL,
    state     ticket_state NOT NULL DEFAULT 'open',
    closed_at TIMESTAMPTZ
);
