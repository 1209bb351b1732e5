CREATE TABLE tasks (
    id         SERIAL PRIMARY KEY,
    title      VARCHAR NOT NULL,
    done       BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMP NOT NULL DEFAULT now()
);
