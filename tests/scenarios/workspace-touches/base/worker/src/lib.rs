//! The worker claims jobs with a query built at run time (SKIP LOCKED batches).
use migsafe_runtime::touches;

#[touches(read(jobs.id, jobs.kind, jobs.payload, jobs.attempts), write(jobs.attempts, jobs.run_at))]
pub fn claim_batch(size: usize) -> String {
    format!(
        "UPDATE jobs SET attempts = attempts + 1, run_at = now() + interval '5 minutes' \
         WHERE id IN (SELECT id FROM jobs WHERE run_at <= now() LIMIT {size} FOR UPDATE SKIP LOCKED) \
         RETURNING id, kind, payload, attempts"
    )
}
