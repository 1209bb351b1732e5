//! 1.1: the admin service only runs the bulk upgrade; listings moved to another service.
use migsafe_runtime::sql;

/// Bulk upgrade: every workspace of a contract moves to enterprise.
pub const BULK_ENTERPRISE: &str = sql!(
    "INSERT INTO tier_changes (workspace_id, tier) SELECT id, 'enterprise' FROM workspaces WHERE name LIKE $1"
);
