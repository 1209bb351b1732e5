//! Sensor logger 0.4: units and battery levels.
use rusqlite::{params, Connection, Result};

pub fn record(
    conn: &Connection,
    sensor: &str,
    value: f64,
    taken_at: i64,
    unit: &str,
    battery: Option<f64>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO readings (sensor, value, taken_at, unit, battery) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![sensor, value, taken_at, unit, battery],
    )?;
    Ok(())
}

pub fn average_since(conn: &Connection, sensor: &str, since: i64) -> Result<Option<f64>> {
    conn.query_row(
        "SELECT avg(value) FROM readings WHERE sensor = ?1 AND taken_at >= ?2",
        params![sensor, since],
        |row| row.get(0),
    )
}

pub fn latest(conn: &Connection, sensor: &str, n: u32) -> Result<Vec<(f64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT value, taken_at FROM readings WHERE sensor = ?1 ORDER BY taken_at DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![sensor, n], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

pub fn low_battery(conn: &Connection, below: f64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT sensor FROM readings WHERE battery IS NOT NULL AND battery < ?1",
    )?;
    let rows = stmt.query_map(params![below], |row| row.get(0))?;
    rows.collect()
}
