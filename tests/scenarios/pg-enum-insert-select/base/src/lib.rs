use migsafe_runtime::{sql, SqlEnum, Table};

#[derive(SqlEnum)]
#[migsafe(type = "plan_tier", rename_all = "snake_case")]
pub enum PlanTier { Free, Pro }

#[derive(Table)]
#[migsafe(table = "tier_changes")]
pub struct TierChange { pub id: i64, pub workspace_id: i64, pub tier: PlanTier }
