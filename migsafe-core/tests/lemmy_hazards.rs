//! Lemmy's history, each migration checked as if it were the pending one
//! against the schema before it: counts the operational hazard findings per
//! rule (printed with `--nocapture`) and holds them to the schema knowledge
//! the rules promise (nothing on a table created by the same migration).
//!
//! The corpus is test data outside the workspace: `$MIGSAFE_CORPUS`, else
//! `<workspace>/../shared/corpus/lemmy-postgres`. Without it the test says so
//! and checks nothing.

use migsafe_core::check::{check, RevisionInput};
use migsafe_core::migrations::{discover, MigrationSource, SourceFile};
use migsafe_core::rules::{hazard_rules, Finding};
use migsafe_core::schema::{apply_script, History, MigrationEvents, Schema};
use migsafe_core::Dialect;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = match std::env::var_os("MIGSAFE_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/lemmy-postgres"),
    };
    dir.is_dir().then_some(dir)
}

fn read_dir(root: &Path) -> Vec<SourceFile> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.push(SourceFile::new(rel, text));
            }
        }
    }
    out
}

/// Each pending migration's findings, in history order: (migration path,
/// findings, the tables that existed before it).
fn run_history(dialect: Dialect, src: &MigrationSource) -> Vec<(String, Vec<Finding>, Vec<String>)> {
    let (migrations, _) = discover(src);
    let mut schema = Schema::new(dialect);
    let mut snapshots = vec![schema.clone()];
    let mut events = Vec::new();
    for (i, m) in migrations.iter().enumerate() {
        let (ev, _) = apply_script(&mut schema, &m.up);
        events.push(MigrationEvents { migration: i, events: std::sync::Arc::new(ev) });
        snapshots.push(schema.clone());
    }
    let rev = |n: usize| RevisionInput {
        sha: None,
        history: History { migrations: migrations[..n].to_vec(), schema: snapshots[n].clone(), events: events[..n].to_vec(), diagnostics: vec![] },
        sites: vec![],
        contracts: vec![],
    };
    (0..migrations.len())
        .map(|i| (migrations[i].up.path.clone(), check(&rev(i), &rev(i + 1)).findings, snapshots[i].tables.keys().cloned().collect()))
        .collect()
}

#[test]
fn lemmy_hazards_per_rule() {
    let Some(dir) = corpus() else {
        eprintln!("lemmy_hazards: skipped: no corpus at $MIGSAFE_CORPUS or ../shared/corpus/lemmy-postgres");
        return;
    };
    let src = MigrationSource::new("migrations", read_dir(&dir));
    let results = run_history(Dialect::Postgres, &src);
    assert!(results.len() > 200, "expected lemmy's history, found {} migrations", results.len());
    let mut counts: BTreeMap<&str, (usize, usize)> = hazard_rules().map(|r| (r, (0, 0))).collect();
    let mut examples: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut per_migration: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (path, findings, tables_before) in &results {
        let mut fired: Vec<&str> = Vec::new();
        for f in findings.iter().filter(|f| hazard_rules().any(|h| h == f.rule)) {
            *per_migration.entry((f.rule, path.as_str())).or_default() += 1;
            let c = counts.get_mut(f.rule).unwrap();
            c.0 += 1;
            if !fired.contains(&f.rule) {
                fired.push(f.rule);
                c.1 += 1;
            }
            let ex = examples.entry(f.rule).or_default();
            if ex.len() < 3 {
                ex.push(f.message.clone());
            }
            // Schema knowledge: a hazard on a table is about a table that already held rows.
            assert!(f.table.is_empty() || tables_before.contains(&f.table), "{} on `{}`, which {path} creates: {}", f.rule, f.table, f.message);
            assert!(f.migration.as_ref().is_some_and(|m| m.file == *path), "{} points outside its migration: {:?}", f.rule, f.migration);
        }
    }
    eprintln!("\nlemmy-postgres: {} migrations, each checked as the pending one\n", results.len());
    eprintln!("{:<34} {:>9} {:>11}", "rule", "findings", "migrations");
    for (rule, (n, m)) in &counts {
        eprintln!("{rule:<34} {n:>9} {m:>11}");
    }
    for (rule, ex) in &examples {
        let mut top: Vec<(&str, usize)> = per_migration.iter().filter(|((r, _), _)| r == rule).map(|((_, m), n)| (*m, *n)).collect();
        top.sort_by_key(|t| std::cmp::Reverse(t.1));
        eprintln!("\n{rule} (most in {}):", top.iter().take(3).map(|(m, n)| format!("{m}: {n}")).collect::<Vec<_>>().join(", "));
        for e in ex {
            eprintln!("  {e}");
        }
    }
}
