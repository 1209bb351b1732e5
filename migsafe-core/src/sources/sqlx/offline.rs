//! sqlx's offline data: what `cargo sqlx prepare` recorded of each `query!`
//! when the revision was built (`.sqlx/query-<sha256>.json`, and the older
//! single `sqlx-data.json` keyed by the same hash). It gives each output
//! column's name and the nullability sqlx decoded it with, which the SQL
//! text alone does not: a LEFT JOIN's column, an `"x?"` override.
//!
//! Looked up by the SHA-256 of the query text, as sqlx names the files, in
//! the package's folder and then in each folder above it up to the
//! repository root (`cargo sqlx prepare --workspace` writes to the root).
//! A file that is absent or does not parse only means no offline data.

use crate::annotations::OfflineColumn;
use crate::sources::cx::Cx;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The `describe` part of an offline entry (the fields migsafe reads).
#[derive(Deserialize)]
struct Describe {
    columns: Vec<DescribedColumn>,
    #[serde(default)]
    nullable: Vec<Option<bool>>,
}

#[derive(Deserialize)]
struct DescribedColumn {
    name: String,
}

/// `.sqlx/query-<hash>.json`, and each value of the old `sqlx-data.json`.
#[derive(Deserialize)]
struct Entry {
    query: String,
    describe: Describe,
}

/// The old single file: `{"db": "PostgreSQL", "<hash>": {query, describe}, …}`.
pub(crate) type Legacy = HashMap<String, Vec<OfflineColumn>>;

fn columns(e: Entry) -> Vec<OfflineColumn> {
    e.describe.columns.into_iter().enumerate().map(|(i, c)| OfflineColumn { name: c.name, nullable: e.describe.nullable.get(i).copied().flatten() }).collect()
}

/// Parse an old `sqlx-data.json`: every entry whose shape is sqlx's.
pub(crate) fn parse_legacy(text: &str) -> Legacy {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else { return Legacy::new() };
    map.into_iter().filter_map(|(hash, v)| serde_json::from_value::<Entry>(v).ok().map(|e| (hash, columns(e)))).collect()
}

/// The folders sqlx looks in for `dir` (a package folder relative to the
/// repository root), nearest first.
fn folders(dir: &str) -> Vec<String> {
    let mut out = vec![dir.trim_end_matches('/').to_string()];
    let mut d = out[0].clone();
    while let Some((parent, _)) = d.rsplit_once('/') {
        d = parent.to_string();
        out.push(d.clone());
    }
    if !d.is_empty() {
        out.push(String::new());
    }
    out
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// What the offline data says `sql` decodes into, if this revision has it.
pub(super) fn lookup(cx: &Cx, sql: &str) -> Option<Vec<OfflineColumn>> {
    let hash = format!("{:x}", Sha256::digest(sql.as_bytes()));
    for dir in folders(&cx.info.dir) {
        if let Some(text) = cx.read(&join(&join(&dir, ".sqlx"), &format!("query-{hash}.json"))) {
            // The hash is of the query text; a file whose text differs is not this query's.
            if let Some(e) = serde_json::from_str::<Entry>(&text).ok().filter(|e| e.query == sql) {
                return Some(columns(e));
            }
        }
        let legacy = cx.krate.sqlx_data(&join(&dir, "sqlx-data.json"), |p| cx.read(p).map(|t| parse_legacy(&t)));
        if let Some(cols) = legacy.and_then(|l| l.get(&hash).cloned()) {
            return Some(cols);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_go_up_to_the_repository_root() {
        assert_eq!(folders("crates/storage"), ["crates/storage", "crates", ""]);
        assert_eq!(folders(""), [""]);
    }

    #[test]
    fn the_legacy_file_keeps_every_entry_of_sqlx_shape() {
        let text = r#"{"db": "PostgreSQL",
            "ab12": {"query": "SELECT a FROM t", "describe": {"columns": [{"ordinal": 0, "name": "a", "type_info": "Text"}], "parameters": {"Left": []}, "nullable": [true]}},
            "cd34": {"query": "SELECT b FROM t", "describe": {"columns": [{"ordinal": 0, "name": "b", "type_info": "Text"}], "parameters": {"Left": []}, "nullable": [null]}}}"#;
        let l = parse_legacy(text);
        assert_eq!(l["ab12"], [OfflineColumn { name: "a".into(), nullable: Some(true) }]);
        assert_eq!(l["cd34"], [OfflineColumn { name: "b".into(), nullable: None }]);
        assert!(parse_legacy("not json").is_empty());
    }
}
