//! rusqlite: the SQL given to a connection's or transaction's `execute`,
//! `execute_batch`, `query_row`, `query_row_and_then`, `query_one`,
//! `prepare` and `prepare_cached`, read as the driver readers read it (a
//! literal that reads as SQL is a query; SQL built at run time is unseen).

use super::{driver_method, Cx, Source, SourceId, SourceMeta};

pub struct Rusqlite;

static META: SourceMeta = SourceMeta {
    id: SourceId::Rusqlite,
    crates: &["rusqlite", "r2d2_sqlite", "deadpool-sqlite", "tokio-rusqlite"],
    doc: "rusqlite: literal SQL given to `execute`, `execute_batch`, `query_row`, `query_row_and_then`, `query_one`, \
          `prepare`, `prepare_cached`. SQL built at run time is an unseen site.",
};

const METHODS: &[&str] = &["execute", "execute_batch", "query_row", "query_row_and_then", "query_one", "prepare", "prepare_cached"];

impl Source for Rusqlite {
    fn meta(&self) -> &'static SourceMeta {
        &META
    }

    fn method(&self, cx: &mut Cx, c: &syn::ExprMethodCall) -> bool {
        driver_method(cx, c, SourceId::Rusqlite, METHODS)
    }
}

#[cfg(test)]
mod tests {
    use crate::annotations::Decl;
    use crate::sources::{scan_crate, CrateInfo, NoFiles};
    use crate::Dialect;

    #[test]
    fn connection_calls() {
        let src = r#"
fn a(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.execute("INSERT INTO notes (body) VALUES (?1)", rusqlite::params!["x"])?;
    let n: i64 = conn.query_row("SELECT count(*) FROM notes", [], |r| r.get(0))?;
    let mut st = conn.prepare_cached("SELECT body FROM notes WHERE id = ?1")?;
    conn.execute_batch("CREATE TABLE IF NOT EXISTS t (a INTEGER); DELETE FROM t;")?;
    Ok(())
}
"#;
        let info = CrateInfo { dir: String::new(), deps: Some(vec!["rusqlite".into()]), dialect: Some(Dialect::Sqlite) };
        let s = scan_crate(&[("src/db.rs".into(), src.into())], &info, &NoFiles);
        let got: Vec<(u32, String)> = s.sites.iter().filter_map(|x| if let Decl::Query(q) = &x.decl { Some((x.line, q.sql.clone())) } else { None }).collect();
        assert_eq!(got.len(), 5, "{got:?}");
        assert_eq!(got[0], (3, "INSERT INTO notes (body) VALUES (?1)".to_string()));
        assert_eq!(got[2], (5, "SELECT body FROM notes WHERE id = ?1".to_string()));
        assert_eq!(got[4], (6, "DELETE FROM t".to_string()));
    }
}
