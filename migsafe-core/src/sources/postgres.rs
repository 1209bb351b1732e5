//! tokio-postgres, postgres and deadpool-postgres: the SQL given to a
//! client's or transaction's `query`, `query_one`, `query_opt`,
//! `query_raw`, `execute`, `execute_raw`, `prepare`, `prepare_cached`,
//! `prepare_typed`, `batch_execute`, `simple_query`, `copy_in`, `copy_out`.
//!
//! The receiver's type is not known without compiling, so a call counts
//! when the crate depends on one of these drivers and its first argument is
//! SQL: a literal that reads as SQL is a query, SQL built at run time is an
//! unseen site; a prepared statement or any other value is left alone (its
//! SQL was read where it was prepared).

use super::{driver_method, Cx, Source, SourceId, SourceMeta};

pub struct Postgres;

static META: SourceMeta = SourceMeta {
    id: SourceId::Postgres,
    crates: &["tokio-postgres", "postgres", "deadpool-postgres", "bb8-postgres", "r2d2_postgres"],
    doc: "tokio-postgres / postgres / deadpool-postgres: literal SQL given to `query`, `query_one`, `query_opt`, `query_raw`, \
          `execute`, `prepare`, `prepare_cached`, `prepare_typed`, `batch_execute`, `simple_query`, `copy_in`, `copy_out`. \
          SQL built at run time is an unseen site.",
};

const METHODS: &[&str] = &[
    "query",
    "query_one",
    "query_opt",
    "query_raw",
    "query_typed",
    "query_typed_raw",
    "execute",
    "execute_raw",
    "prepare",
    "prepare_cached",
    "prepare_typed",
    "prepare_typed_cached",
    "batch_execute",
    "simple_query",
    "copy_in",
    "copy_out",
];

impl Source for Postgres {
    fn meta(&self) -> &'static SourceMeta {
        &META
    }

    fn method(&self, cx: &mut Cx, c: &syn::ExprMethodCall) -> bool {
        driver_method(cx, c, SourceId::Postgres, METHODS)
    }
}

#[cfg(test)]
mod tests {
    use crate::annotations::Decl;
    use crate::sources::{scan_crate, CrateInfo, NoFiles};
    use crate::Dialect;

    #[test]
    fn client_calls_with_literals_prepared_statements_and_format() {
        let src = r#"
async fn a(client: &tokio_postgres::Client, id: i32, col: &str) -> Result<(), tokio_postgres::Error> {
    let rows = client.query("SELECT id, name FROM users WHERE id = $1", &[&id]).await?;
    let stmt = client.prepare("UPDATE users SET name = $1").await?;
    client.execute(&stmt, &[&"x"]).await?;
    client.batch_execute("DELETE FROM a; DELETE FROM b").await?;
    client.query_one(&format!("SELECT {col} FROM users"), &[]).await?;
    client.execute("not sql at all", &[]).await?;
    Ok(())
}
"#;
        let info = CrateInfo { dir: String::new(), deps: Some(vec!["tokio-postgres".into()]), dialect: Some(Dialect::Postgres) };
        let s = scan_crate(&[("src/db.rs".into(), src.into())], &info, &NoFiles);
        let got: Vec<String> = s
            .sites
            .iter()
            .map(|x| match &x.decl {
                Decl::Query(q) => format!("{} {}", x.line, q.sql),
                Decl::Unseen(u) => format!("{} unseen {}", x.line, u.reason),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            got,
            [
                "3 SELECT id, name FROM users WHERE id = $1",
                "4 UPDATE users SET name = $1",
                "6 DELETE FROM a",
                "6 DELETE FROM b",
                "7 unseen the SQL is built at run time with `format!`",
            ]
        );
        // Without the driver among the dependencies, nothing is read.
        let info = CrateInfo { dir: String::new(), deps: Some(vec!["sqlx".into()]), dialect: Some(Dialect::Postgres) };
        let s = scan_crate(&[("src/db.rs".into(), src.into())], &info, &NoFiles);
        assert!(s.sites.is_empty(), "{:?}", s.sites);
    }
}
