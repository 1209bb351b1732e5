CREATE TABLE shipments (
    id          BIGSERIAL   PRIMARY KEY,
    order_id    BIGINT      NOT NULL,
    carrier     TEXT        NOT NULL,
    tracking_no TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX shipments_order_id_idx ON shipments (order_id);
