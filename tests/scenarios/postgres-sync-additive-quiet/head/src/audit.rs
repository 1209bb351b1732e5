//! Audit trail (1.3: source and client address), written from the synchronous admin CLI.
use postgres::{Client, Error};
use std::net::IpAddr;

pub struct AuditEvent {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub source: String,
    pub ip_address: Option<IpAddr>,
}

pub fn record(
    client: &mut Client,
    actor: &str,
    action: &str,
    source: &str,
    ip: Option<IpAddr>,
) -> Result<(), Error> {
    client.execute(
        "INSERT INTO audit_events (actor, action, source, ip_address) VALUES ($1, $2, $3, $4)",
        &[&actor, &action, &source, &ip],
    )?;
    Ok(())
}

pub fn recent(client: &mut Client, actor: &str, limit: i64) -> Result<Vec<AuditEvent>, Error> {
    let rows = client.query(
        "SELECT id, actor, action, source, ip_address FROM audit_events WHERE actor = $1 ORDER BY at DESC LIMIT $2",
        &[&actor, &limit],
    )?;
    Ok(rows
        .iter()
        .map(|r| AuditEvent {
            id: r.get("id"),
            actor: r.get("actor"),
            action: r.get("action"),
            source: r.get("source"),
            ip_address: r.get("ip_address"),
        })
        .collect())
}

pub fn total(client: &mut Client) -> Result<i64, Error> {
    let row = client.query_one("SELECT count(*) FROM audit_events", &[])?;
    Ok(row.get(0))
}
