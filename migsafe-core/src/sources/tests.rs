//! The engine's own tests: the registry, imports, and the SQL argument classifier.

use super::*;
use crate::annotations::Decl;
use syn::Expr;

#[test]
fn every_source_file_is_registered_once_and_documented() {
    let files = ["annotations", "sqlx", "diesel", "seaorm", "postgres", "rusqlite", "mysql"];
    assert_eq!(REGISTRY.len(), files.len());
    let mut ids: Vec<SourceId> = REGISTRY.iter().map(|s| s.meta().id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), REGISTRY.len(), "two sources share an id");
    for s in REGISTRY {
        assert!(s.meta().doc.len() > 40, "{} has no doc", s.meta().id);
    }
    // Each module file of this folder is in the list above.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sources");
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().trim_end_matches(".rs").to_string();
        assert!(
            ["mod", "tests", "attrs", "cx", "imports", "modtree", "walk"].contains(&name.as_str()) || files.contains(&name.as_str()),
            "src/sources/{name}.rs is not registered"
        );
    }
}

#[test]
fn imports_resolve_aliases_groups_and_globs() {
    let f: syn::File = syn::parse_str("use sqlx::{self, query as q, postgres::{PgPool}}; use diesel::prelude::*; fn local() {}").unwrap();
    let im = Imports::of(&f);
    let p = |s: &str| syn::parse_str::<syn::Path>(s).unwrap();
    assert_eq!(im.resolve(&p("q")), "sqlx::query");
    assert_eq!(im.resolve(&p("sqlx::query_as")), "sqlx::query_as");
    assert_eq!(im.resolve(&p("PgPool")), "sqlx::postgres::PgPool");
    assert_eq!(im.matches(&p("sql_query"), &["diesel::prelude::sql_query"]), Some("diesel::prelude::sql_query"));
    assert_eq!(im.matches(&p("local"), &["diesel::prelude::local"]), None);
}

#[test]
fn sql_arguments_are_classified() {
    let index = CrateIndex::default();
    let info = CrateInfo::default();
    let cx = Cx::new("src/a.rs", &index, &info, &NoFiles);
    let e = |s: &str| syn::parse_str::<Expr>(s).unwrap();
    assert_eq!(cx.sql_arg(&e("\"SELECT 1\"")), SqlArg::Literal("SELECT 1".into()));
    assert_eq!(cx.sql_arg(&e("&String::from(\"SELECT 1\")")), SqlArg::Literal("SELECT 1".into()));
    assert!(matches!(cx.sql_arg(&e("format!(\"SELECT {}\", x)")), SqlArg::Dynamic(_)));
    assert!(matches!(cx.sql_arg(&e("a + b")), SqlArg::Dynamic(_)));
    assert!(matches!(cx.sql_arg(&e("if x { \"a\" } else { \"b\" }")), SqlArg::Dynamic(_)));
    assert!(matches!(cx.sql_arg(&e("pool")), SqlArg::Unknown(_)));
    assert!(matches!(cx.sql_arg(&e("include_str!(\"q.sql\")")), SqlArg::Unknown(_)));
}

#[test]
fn sql_looks() {
    assert!(looks_like_sql("  select 1"));
    assert!(looks_like_sql("(SELECT 1) UNION (SELECT 2)"));
    assert!(!looks_like_sql("name:alice"));
    assert!(!looks_like_sql("ls -la"));
}

#[test]
fn bracket_nesting_skips_strings_comments_and_chars() {
    use super::attrs::nesting_beyond;
    assert_eq!(nesting_beyond("fn f() { g((1)) }", 3), None);
    assert_eq!(nesting_beyond("fn f() {\n g(((1))) }", 3), Some(2));
    assert_eq!(nesting_beyond("let s = \"((((\"; // ((((\n/* (((( /* (( */ */ let c = '('; let r = r#\"((((\"#; fn f<'a>(x: &'a u8) {}", 2), None);
}

#[test]
fn pathological_nesting_is_read_or_reported_never_a_crash() {
    let info = CrateInfo::default();
    // `Vec<` 1,200 deep: parsed and walked on the scanner's own stack.
    let ty = format!("{}u8{}", "Vec<".repeat(1200), ">".repeat(1200));
    let src = format!("pub fn f(p: &sqlx::PgPool) -> {ty} {{ sqlx::query(\"SELECT 1\"); todo() }}");
    let s = scan_crate(&[("src/a.rs".into(), src)], &info, &NoFiles);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(s.sites.len(), 1);
    // Blocks nested past the limit: an unseen site at the line, not a stack overflow.
    let src = format!("fn f() {{\n{}sqlx::query(\"SELECT 1\");{}\n}}", "{".repeat(MAX_NESTING + 5), "}".repeat(MAX_NESTING + 5));
    let s = scan_crate(&[("src/b.rs".into(), src)], &info, &NoFiles);
    assert!(matches!(&s.sites[0].decl, crate::annotations::Decl::Unseen(u) if u.reason.contains("nest deeper")), "{:?}", s.sites);
    // vec![…] 8,000 deep: each level is parsed again, so the walk stops at a depth and says so.
    let started = std::time::Instant::now();
    let src = format!("fn f() {{ let v = {}sqlx::query(\"SELECT 1\"){}; }}", "vec![".repeat(800), "]".repeat(800));
    let s = scan_crate(&[("src/c.rs".into(), src)], &info, &NoFiles);
    assert!(matches!(&s.sites[0].decl, crate::annotations::Decl::Unseen(u) if u.reason.contains("macro calls nest deeper")), "{:?}", s.sites);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
}

#[test]
fn a_file_no_mod_reaches_is_not_read_but_its_database_code_is_said_unseen() {
    let files = |lib: &str| {
        vec![
            ("svc/src/lib.rs".to_string(), lib.to_string()),
            ("svc/src/live.rs".to_string(), "async fn a(p: &sqlx::PgPool) { sqlx::query(\"SELECT id FROM users\").fetch_all(p).await; }".to_string()),
            ("svc/src/stale.rs".to_string(), "async fn b(p: &sqlx::PgPool) { sqlx::query(\"SELECT id FROM image_upload\").fetch_all(p).await; }".to_string()),
            ("svc/src/notes.rs".to_string(), "fn c() {}".to_string()),
        ]
    };
    let info = CrateInfo { dir: "svc".into(), deps: Some(vec!["sqlx".into()]), dialect: Some(crate::Dialect::Postgres) };
    let got = |lib: &str| -> Vec<String> {
        scan_crate(&files(lib), &info, &NoFiles)
            .sites
            .iter()
            .map(|s| match &s.decl {
                Decl::Query(q) => format!("{} query {}", s.file, q.sql),
                Decl::Unseen(u) => format!("{} unseen {}", s.file, &u.reason[..30]),
                _ => String::new(),
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    assert_eq!(got("pub mod live;"), ["svc/src/live.rs query SELECT id FROM users", "svc/src/stale.rs unseen no `mod` reaches this file fro"]);
    assert_eq!(got("pub mod live; mod stale;"), ["svc/src/live.rs query SELECT id FROM users", "svc/src/stale.rs query SELECT id FROM image_upload"]);
}
