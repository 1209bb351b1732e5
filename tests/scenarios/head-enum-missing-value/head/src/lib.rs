use migsafe_runtime::{sql, SqlEnum, Table};

#[derive(SqlEnum)]
#[migsafe(type = "plan_tier", rename_all = "snake_case")]
pub enum PlanTier {
    Free,
    Pro,
    Team,
}

#[derive(Table)]
#[migsafe(table = "workspaces")]
pub struct Workspace {
    pub id: i64,
    pub name: String,
    pub tier: PlanTier,
}

#[derive(Table)]
#[migsafe(table = "tier_changes")]
pub struct TierChange {
    pub id: i64,
    pub workspace_id: i64,
    pub tier: PlanTier,
}

pub const UPGRADE: &str = sql!("UPDATE workspaces SET tier = $2 WHERE id = $1");

pub const HISTORY: &str =
    sql!("SELECT id, workspace_id, tier FROM tier_changes WHERE workspace_id = $1 ORDER BY changed_at");

/// Sales can now move a workspace onto the enterprise plan.
pub const MAKE_ENTERPRISE: &str = sql!(
    "WITH w AS (UPDATE workspaces SET tier = 'enterprise' WHERE id = $1 RETURNING id)
     INSERT INTO tier_changes (workspace_id, tier) SELECT id, 'enterprise' FROM w"
);
