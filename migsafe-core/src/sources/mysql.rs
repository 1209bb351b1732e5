//! mysql and mysql_async: the SQL given to `query`, `query_drop`,
//! `query_first`, `query_map`, `query_fold`, `query_iter`, `exec`,
//! `exec_drop`, `exec_first`, `exec_map`, `exec_fold`, `exec_iter`,
//! `exec_batch`, `prep`; and the `TextQuery` / `BinQuery` form where the
//! SQL literal is the receiver (`"SELECT …".with(params).fetch(conn)`,
//! `"DELETE …".ignore(conn)`).

use super::{driver_method, short, Cx, Source, SourceId, SourceMeta, SqlArg};

pub struct Mysql;

static META: SourceMeta = SourceMeta {
    id: SourceId::Mysql,
    crates: &["mysql", "mysql_async", "mysql_common"],
    doc: "mysql / mysql_async: literal SQL given to `query*`, `exec*`, `prep`, and SQL literals used as `TextQuery` / `BinQuery` \
          (`\"…\".with(params)`, `\"…\".ignore(conn)`). SQL built at run time is an unseen site.",
};

const METHODS: &[&str] = &[
    "query",
    "query_drop",
    "query_first",
    "query_map",
    "query_fold",
    "query_iter",
    "exec",
    "exec_drop",
    "exec_first",
    "exec_map",
    "exec_fold",
    "exec_iter",
    "exec_batch",
    "prep",
];

/// Methods of the `TextQuery` / `BinQuery` traits, called on the SQL itself.
const ON_SQL: &[&str] = &["with", "ignore", "first", "fetch", "collect", "run", "map", "reduce", "stream"];

impl Source for Mysql {
    fn meta(&self) -> &'static SourceMeta {
        &META
    }

    fn method(&self, cx: &mut Cx, c: &syn::ExprMethodCall) -> bool {
        if ON_SQL.contains(&c.method.to_string().as_str()) {
            if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = c.receiver.as_ref() {
                if super::looks_like_sql(&s.value()) {
                    let call = format!("{}.{}(…)", short(&c.receiver), c.method);
                    cx.query(s.span(), SourceId::Mysql, &call, SqlArg::Literal(s.value()), None);
                    return true;
                }
            }
        }
        driver_method(cx, c, SourceId::Mysql, METHODS)
    }
}

#[cfg(test)]
mod tests {
    use crate::annotations::Decl;
    use crate::sources::{scan_crate, CrateInfo, NoFiles};
    use crate::Dialect;

    #[test]
    fn conn_calls_and_text_queries() {
        let src = r#"
async fn a(conn: &mut mysql_async::Conn, t: String) -> mysql_async::Result<()> {
    conn.exec_drop("UPDATE users SET name = ? WHERE id = ?", (1, 2)).await?;
    let r: Option<String> = conn.query_first("SELECT name FROM users").await?;
    "DELETE FROM sessions".ignore(&mut *conn).await?;
    let rows: Vec<(i64,)> = "SELECT id FROM users WHERE email = ?".with(("x",)).fetch(&mut *conn).await?;
    conn.query_drop(format!("DROP TABLE {t}")).await?;
    Ok(())
}
"#;
        let info = CrateInfo { dir: String::new(), deps: Some(vec!["mysql_async".into()]), dialect: Some(Dialect::Mysql) };
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
                "3 UPDATE users SET name = ? WHERE id = ?",
                "4 SELECT name FROM users",
                "5 DELETE FROM sessions",
                "6 SELECT id FROM users WHERE email = ?",
                "7 unseen the SQL is built at run time with `format!`",
            ]
        );
    }
}
