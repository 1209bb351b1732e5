-- Extensions, enum and domain types, a second schema.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE SCHEMA billing;
CREATE TYPE billing.currency AS ENUM ('EUR', 'USD');
