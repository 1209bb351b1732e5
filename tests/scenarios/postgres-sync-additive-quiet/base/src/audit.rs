//! Audit trail (1.2), written from the synchronous admin CLI.
use postgres::{Client, Error};

pub struct AuditEvent {
    pub id: i64,
    pub actor: String,
    pub action: String,
}

pub fn record(client: &mut Client, actor: &str, action: &str) -> Result<(), Error> {
    client.execute(
        "INSERT INTO audit_events (actor, action) VALUES ($1, $2)",
        &[&actor, &action],
    )?;
    Ok(())
}

pub fn recent(client: &mut Client, actor: &str, limit: i64) -> Result<Vec<AuditEvent>, Error> {
    let rows = client.query(
        "SELECT id, actor, action FROM audit_events WHERE actor = $1 ORDER BY at DESC LIMIT $2",
        &[&actor, &limit],
    )?;
    Ok(rows
        .iter()
        .map(|r| AuditEvent {
            id: r.get("id"),
            actor: r.get("actor"),
            action: r.get("action"),
        })
        .collect())
}

pub fn total(client: &mut Client) -> Result<i64, Error> {
    let row = client.query_one("SELECT count(*) FROM audit_events", &[])?;
    Ok(row.get(0))
}
