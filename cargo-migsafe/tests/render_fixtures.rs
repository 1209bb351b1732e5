//! The rendered human report (plain, no colour) of every `.fires` fixture of
//! `migsafe-core/tests/fixtures`, snapshotted: what a user reads for each rule.

use cargo_migsafe::render::{human, json, Sources};
use cargo_migsafe::report::Outcome;
use migsafe_core::check::check_with;
use migsafe_core::policy::{Deny, Policy};
use std::path::PathBuf;

const BASE_SHA: &str = "0123456789abcdef0123456789abcdef01234567";

#[path = "../../migsafe-core/tests/fixture/mod.rs"]
mod fixture;

fn fixtures_dir() -> PathBuf {
    fixture::fixtures_dir(env!("CARGO_MANIFEST_DIR"))
}

fn outcome(name: &str, deny_warnings: bool) -> (Outcome, Sources) {
    let dir = fixtures_dir().join(name);
    let dialect = fixture::dialect(&dir);
    let (base, base_texts) = fixture::revision(&dir.join("base"), dialect, Some(BASE_SHA));
    let (head, head_texts) = fixture::revision(&dir.join("head"), dialect, None);
    let report = check_with(&base, &head, &Policy { allow: Vec::new(), deny: Deny { warnings: deny_warnings, unseen: false } });
    (Outcome { base_sha: BASE_SHA.into(), base_ref: "origin/main".into(), report }, Sources { base: base_texts, head: head_texts })
}

#[test]
fn human_report_of_every_firing_fixture() {
    let names: Vec<String> = fixture::names(&fixtures_dir()).into_iter().filter(|n| n.ends_with(".fires")).collect();
    assert!(names.len() >= 20, "fixtures not found at {}", fixtures_dir().display());
    for name in names {
        let (out, sources) = outcome(&name, false);
        let rule = name.trim_end_matches(".fires");
        let text = human::render(&out, &sources, false);
        assert!(text.contains(&format!("[{rule}]")), "{name}: the report does not show rule `{rule}`:\n{text}");
        assert!(text.contains("Rollback plan:") || out.report.migrations.is_empty(), "{name}: no rollback plan:\n{text}");
        insta::assert_snapshot!(name.as_str(), text);
    }
}

#[test]
fn deny_warnings_turns_a_warning_into_an_unsafe_verdict() {
    let (out, sources) = outcome("index-without-concurrently.fires", false);
    assert_eq!(out.report.errors(), 0);
    assert!(out.report.warnings() > 0);
    assert!(!out.report.fails());
    // N-1 shows no database access: no error, but not proven either.
    assert!(human::render(&out, &sources, false).contains("verdict: unproven"));
    let (out, sources) = outcome("index-without-concurrently.fires", true);
    assert!(out.report.fails());
    assert!(human::render(&out, &sources, false).contains("verdict: unsafe"));
    let doc: serde_json::Value = serde_json::from_str(&json::render(&out)).unwrap();
    assert_eq!(doc["verdict"], "unsafe");
}

#[test]
fn json_carries_the_classification_and_the_safe_sql() {
    let (out, _) = outcome("undo-breaks-head.fires", false);
    let doc: serde_json::Value = serde_json::from_str(&json::render(&out)).unwrap();
    let m = &doc["migrations"][0];
    assert_eq!(m["class"], "reversible-with-data-loss");
    assert!(m["down"].as_str().unwrap().ends_with("U2__ref.sql"));
    assert!(m["reasons"][0].as_str().unwrap().contains("orders.ref"));
    let (out, _) = outcome("set-not-null-scans-table.fires", false);
    let doc: serde_json::Value = serde_json::from_str(&json::render(&out)).unwrap();
    let f = doc["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "set-not-null-scans-table").unwrap();
    assert!(f["safe_sql"].as_str().unwrap().contains("NOT VALID"));
}

/// Check `v` against the part of JSON Schema that `docs/report.schema.json`
/// uses (type, const, enum, required, properties, items, $ref, propertyNames,
/// additionalProperties), returning each violation with its path.
fn validate(schema: &serde_json::Value, root: &serde_json::Value, v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => root.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("unresolved {r}")),
        None => schema,
    };
    let type_ok = |t: &str| match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        _ => false,
    };
    match schema.get("type") {
        Some(Value::String(t)) if !type_ok(t) => out.push(format!("{path}: not a {t}: {v}")),
        Some(Value::Array(ts)) if !ts.iter().filter_map(Value::as_str).any(type_ok) => out.push(format!("{path}: none of {ts:?}: {v}")),
        _ => {}
    }
    if let Some(c) = schema.get("const") {
        if c != v {
            out.push(format!("{path}: {v} is not {c}"));
        }
    }
    if let Some(Value::Array(e)) = schema.get("enum") {
        if !e.contains(v) {
            out.push(format!("{path}: {v} is not one of {e:?}"));
        }
    }
    if let Value::Object(o) = v {
        for r in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !o.contains_key(r) {
                out.push(format!("{path}: missing `{r}`"));
            }
        }
        for (k, x) in o {
            if let Some(s) = schema.get("properties").and_then(|p| p.get(k)) {
                validate(s, root, x, &format!("{path}.{k}"), out);
            } else if let Some(s) = schema.get("additionalProperties") {
                validate(s, root, x, &format!("{path}.{k}"), out);
            }
            if let Some(s) = schema.get("propertyNames") {
                validate(s, root, &Value::String(k.clone()), &format!("{path} key {k}"), out);
            }
        }
    }
    if let (Value::Array(a), Some(s)) = (v, schema.get("items")) {
        for (i, x) in a.iter().enumerate() {
            validate(s, root, x, &format!("{path}[{i}]"), out);
        }
    }
}

#[test]
fn every_fixtures_json_report_fits_the_published_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/report.schema.json")).unwrap()).unwrap();
    let mut checked = 0;
    for name in fixture::names(&fixtures_dir()) {
        let (out, _) = outcome(&name, false);
        let doc: serde_json::Value = serde_json::from_str(&json::render(&out)).unwrap();
        let mut problems = Vec::new();
        validate(&schema, &schema, &doc, "$", &mut problems);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        // Every top-level field of the report is documented.
        for k in doc.as_object().unwrap().keys() {
            assert!(schema["properties"].get(k).is_some(), "{name}: `{k}` is not in docs/report.schema.json");
        }
        checked += 1;
    }
    assert!(checked >= 40, "{checked}");
    // The schema can fail: a wrong verdict is caught.
    let mut problems = Vec::new();
    validate(&schema, &schema, &serde_json::json!({"version": 1, "verdict": "fine", "findings": []}), "$", &mut problems);
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn an_error_about_n_alone_does_not_call_the_code_rollback_unsafe() {
    // head-schema-mismatch is about N: it does not make N-1 break. (This
    // N-1 shows no database access, so its rollback is not proven either.)
    let (out, sources) = outcome("head-schema-mismatch.fires", false);
    assert!(out.report.errors() > 0);
    assert!(!out.report.old_release_breaks());
    let text = human::render(&out, &sources, false);
    assert!(!text.contains("NOT safe") && text.contains("roll back the code only: not proven — N-1 shows no database access"), "{text}");
    // (With N-1 reading the table, it is `safe`: migsafe-core's policy tests.)
    let (out, sources) = outcome("dropped-column-in-use.fires", false);
    assert!(human::render(&out, &sources, false).contains("roll back the code only: NOT safe"));
}

/// Issue 11: 10,000 findings took 80 s to render, each snippet carrying its
/// whole file. Each snippet is now a window of a few lines: the same text for
/// the reader, in time proportional to the findings.
#[test]
fn thousands_of_findings_on_large_files_render_quickly() {
    let (mut out, mut sources) = outcome("dropped-column-in-use.fires", false);
    let template = out.report.findings.iter().find(|f| f.rule == "dropped-column-in-use").unwrap().clone();
    let migration = template.migration.as_ref().unwrap().file.clone();
    let site_file = template.sites[0].file.clone();
    const N: usize = 10_000;
    let sql: String = (0..N).map(|i| format!("ALTER TABLE orders DROP COLUMN note_{i};\n")).collect();
    let rust: String = (0..N).map(|i| format!("const Q{i}: &str = sql!(\"SELECT id FROM orders WHERE note_{i} = $1\");\n")).collect();
    sources.head.insert(migration.clone(), sql);
    sources.base.insert(site_file.clone(), rust);
    out.report.findings = (0..N)
        .map(|i| {
            let mut f = template.clone();
            f.column = Some(format!("note_{i}"));
            if let Some(m) = f.migration.as_mut() {
                m.line = i as u32 + 1;
            }
            for s in &mut f.sites {
                s.line = i as u32 + 1;
            }
            f
        })
        .collect();
    let started = std::time::Instant::now();
    let text = human::render(&out, &sources, false);
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(20), "rendering {N} findings took {took:?}");
    // Each finding shows its own line, numbered as in the file, and only it.
    assert_eq!(text.matches("[dropped-column-in-use]").count(), N);
    assert!(text.contains("7321 | ALTER TABLE orders DROP COLUMN note_7320;\n"), "{}", &text[..2000]);
    assert!(text.contains("7321 | const Q7320: &str = sql!(\"SELECT id FROM orders WHERE note_7320 = $1\");\n"));
    assert_eq!(text.matches("| ALTER TABLE orders DROP COLUMN note_7320;\n").count(), 1, "a neighbouring line leaks into another finding's snippet");
}
