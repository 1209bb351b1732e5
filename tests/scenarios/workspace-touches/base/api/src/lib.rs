//! The HTTP API enqueues jobs and shows their state.
use migsafe_runtime::sql;

pub const ENQUEUE: &str = sql!("INSERT INTO jobs (kind, payload) VALUES ($1, $2) RETURNING id");

pub const SHOW: &str = sql!("SELECT id, kind, run_at FROM jobs WHERE id = $1");
