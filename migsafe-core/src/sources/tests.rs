//! The engine's own tests: the registry, imports, and the SQL argument classifier.

use super::*;
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
            ["mod", "tests", "attrs", "cx", "imports", "walk"].contains(&name.as_str()) || files.contains(&name.as_str()),
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
