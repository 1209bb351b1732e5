//! sqlx: the query macros, the query functions, `FromRow` structs and
//! `sqlx::Type` enums.
//!
//! - `query!`, `query_as!`, `query_scalar!` and their `_unchecked` forms are
//!   queries (sqlx demands a literal, so they are always seen);
//!   `query_file!` / `query_file_as!` / `query_file_scalar!` read the file
//!   from the same revision, relative to the package. Where the revision
//!   has sqlx's offline data (`.sqlx/`, `sqlx-data.json`), the nullability
//!   each output column was decoded with comes from it (`sqlx/offline.rs`).
//! - `sqlx::query`, `query_as`, `query_scalar`, `query_with`,
//!   `query_as_with`, `query_scalar_with` and `raw_sql` are queries when
//!   their SQL is a literal, a `const` / `static` of the crate, `concat!` or
//!   `include_str!`, or a local bound to one; otherwise unseen sites.
//!   `QueryBuilder::new` is always unseen (the SQL is built at run time).
//! - `query_as::<_, T>(…)` (or `let x: Vec<T> = query_as(…)`) with a
//!   `#[derive(FromRow)]` struct `T` decodes rows by column name: a `*` then
//!   reads exactly the columns `T` names (after `rename`, `rename_all`,
//!   `flatten`, `skip`; `default` columns may be missing).
//! - `#[derive(sqlx::Type)]` enums with `#[sqlx(type_name = "…")]` decode
//!   that database enum type's values (after `rename` / `rename_all`).

use super::{attr_flag, attr_value, last_ident, row_type_name, short, Cx, Item, Source, SourceId, SourceMeta, SqlArg};
use crate::annotations::{apply_rename_all, Decl, EnumDecl, EnumTarget, RowShape, VariantDecl};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Token};

pub(crate) mod offline;

pub struct Sqlx;

static META: SourceMeta = SourceMeta {
    id: SourceId::Sqlx,
    crates: &["sqlx", "sqlx-core"],
    doc: "sqlx's query macros (`query!`, `query_as!`, `query_scalar!`, `_unchecked`, `query_file*!`), its query functions \
          (`query`, `query_as`, `query_scalar`, `*_with`, `raw_sql`) with literal or `const` SQL, `#[derive(FromRow)]` \
          structs tied to `query_as::<_, T>` (a `*` reads exactly the struct's columns) and `#[derive(sqlx::Type)]` enums \
          with a `type_name`. The offline data (`.sqlx/query-*.json`, `sqlx-data.json`) tells which outputs the macros \
          decoded into an `Option`. SQL built at run time (`format!`, `QueryBuilder`) is an unseen site.",
};

const MACROS: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_unchecked",
    "query_as_unchecked",
    "query_scalar_unchecked",
    "query_file",
    "query_file_as",
    "query_file_scalar",
    "query_file_unchecked",
    "query_file_as_unchecked",
    "query_file_scalar_unchecked",
];

const FUNCTIONS: &[&str] =
    &["sqlx::query", "sqlx::query_as", "sqlx::query_scalar", "sqlx::query_with", "sqlx::query_as_with", "sqlx::query_scalar_with", "sqlx::raw_sql"];

const BUILDERS: &[&str] = &["sqlx::QueryBuilder::new", "sqlx::QueryBuilder::with_arguments"];

impl Source for Sqlx {
    fn meta(&self) -> &'static SourceMeta {
        &META
    }

    fn mac(&self, cx: &mut Cx, m: &syn::Macro) -> bool {
        let name = last_ident(&m.path);
        if !MACROS.contains(&name.as_str()) {
            return false;
        }
        let full = cx.imports.resolve(&m.path);
        let is_sqlx = full == format!("sqlx::{name}") || (m.path.segments.len() == 1 && !cx.imports.shadows(&name, "sqlx"));
        if !is_sqlx {
            return false;
        }
        let Ok(args) = m.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) else {
            cx.error(m.span(), format!("sqlx::{name}!: the arguments do not parse"));
            return true;
        };
        let typed = name.contains("_as");
        let sql_expr = if typed { args.iter().nth(1) } else { args.first() };
        let Some(sql_expr) = sql_expr else {
            cx.error(m.span(), format!("sqlx::{name}!: no SQL argument"));
            return true;
        };
        let call = format!("sqlx::{name}!");
        let arg = macro_literal(sql_expr);
        let arg = if name.starts_with("query_file") {
            match arg {
                SqlArg::Literal(path) => {
                    let full_path = super::join_path(&cx.info.dir, &path);
                    match full_path.as_deref().and_then(|p| cx.read(p)) {
                        Some(text) => SqlArg::Literal(text),
                        None => SqlArg::Unknown(format!("`{call}` names `{path}`, which is not in this revision (relative to the package)")),
                    }
                }
                other => other,
            }
        } else {
            arg
        };
        // The macros decode by position at the schema they were compiled against:
        // every column a `*` expands to is read.
        let offline = match &arg {
            SqlArg::Literal(sql) => offline::lookup(cx, sql).unwrap_or_default(),
            _ => Vec::new(),
        };
        cx.query_typed(m.path.span(), SourceId::Sqlx, &call, arg, None, Some(offline));
        // The arguments may hold further calls.
        true
    }

    fn call(&self, cx: &mut Cx, c: &syn::ExprCall, path: &syn::Path) -> bool {
        if cx.imports.matches(path, BUILDERS).is_some() {
            cx.unseen(path.span(), SourceId::Sqlx, "sqlx::QueryBuilder", "the SQL is built at run time with `QueryBuilder`".into());
            return true;
        }
        let Some(f) = cx.imports.matches(path, FUNCTIONS) else { return false };
        let Some(sql) = c.args.first() else { return true };
        let row_name = if f.starts_with("sqlx::query_as") { row_type(cx, path) } else { None };
        let row = row_name.as_deref().and_then(|t| row_shape(cx, t, 0));
        let arg = cx.sql_arg(sql);
        // Enum fields decode the columns they read: tie each enum to its column.
        if let (Some(r), SqlArg::Literal(text), Some(d)) = (&row_name, &arg, cx.info.dialect) {
            let fields = enum_fields(cx, r);
            if let Some(table) = (!fields.is_empty()).then(|| single_table(d, text)).flatten() {
                for (column, e) in fields {
                    let target = EnumTarget::Column { table: table.clone(), column };
                    let decl = enum_decl(&e.ident.to_string(), &e.attrs, e.variants.iter(), target);
                    cx.push(path.span(), SourceId::Sqlx, Decl::SqlEnum(decl));
                }
            }
        }
        let call = format!("{f}({})", short(sql));
        cx.query(path.span(), SourceId::Sqlx, &call, arg, row);
        true
    }

    fn item(&self, cx: &mut Cx, item: &Item) {
        let is_type = item.derives.iter().any(|(full, last)| last == "Type" && (full == "sqlx::Type" || cx.imports.resolve_str(full) == "sqlx::Type"));
        if !is_type {
            return;
        }
        let syn::Data::Enum(e) = &item.input.data else { return };
        // Without a `type_name` it decodes a text or MySQL ENUM column: tied to it where a query_as shows it.
        let Some(type_name) = attr_value(&item.input.attrs, "sqlx", "type_name") else { return };
        cx.push(
            item.ident.span(),
            SourceId::Sqlx,
            Decl::SqlEnum(enum_decl(&item.ident.to_string(), &item.input.attrs, e.variants.iter(), EnumTarget::Type { name: type_name })),
        );
    }
}

/// A `#[derive(sqlx::Type)]` enum's values, after `rename` / `rename_all`.
fn enum_decl<'v>(name: &str, attrs: &[syn::Attribute], variants: impl Iterator<Item = &'v syn::Variant>, target: EnumTarget) -> EnumDecl {
    let rename_all = attr_value(attrs, "sqlx", "rename_all");
    let variants = variants
        .map(|v| {
            let name = v.ident.to_string();
            let value = match attr_value(&v.attrs, "sqlx", "rename") {
                Some(r) => r,
                None => match &rename_all {
                    Some(rule) => apply_rename_all(rule, &name).unwrap_or(name.clone()),
                    None => name.clone(),
                },
            };
            VariantDecl { variant: name, value: Some(value), line: v.ident.span().start().line as u32 }
        })
        .collect();
    EnumDecl { rust_name: name.to_string(), target, variants, has_other: false }
}

/// The `sqlx::Type` enums without a `type_name` that fields of FromRow struct `row` decode, by column.
fn enum_fields(cx: &Cx, row: &str) -> Vec<(String, syn::ItemEnum)> {
    let mut out = Vec::new();
    let Some(s) = cx.krate.struct_named(row) else { return out };
    let rename_all = attr_value(&s.attrs, "sqlx", "rename_all");
    for f in &s.fields {
        let (Some(ident), Some(ty)) = (&f.ident, row_type_name(&f.ty)) else { continue };
        let Some(e) = cx.krate.enum_named(&ty) else { continue };
        let is_type = super::attrs::derives_of(&e.attrs).iter().any(|(_, l)| l == "Type");
        if !is_type || attr_value(&e.attrs, "sqlx", "type_name").is_some() || attr_flag(&f.attrs, "sqlx", "skip") {
            continue;
        }
        let field = ident.to_string();
        let column = attr_value(&f.attrs, "sqlx", "rename").unwrap_or_else(|| match &rename_all {
            Some(rule) => apply_rename_all(rule, &field).unwrap_or(field.clone()),
            None => field.clone(),
        });
        out.push((column, e.clone()));
    }
    out
}

/// The one table a query selects from (no join, no subquery in FROM), when it is that simple.
fn single_table(dialect: crate::Dialect, sql: &str) -> Option<String> {
    use sqlparser::ast::{SetExpr, Statement, TableFactor};
    let stmts = sqlparser::parser::Parser::new(dialect.parser_dialect().as_ref()).try_with_sql(sql).ok()?.parse_statements().ok()?;
    let [Statement::Query(q)] = stmts.as_slice() else { return None };
    let SetExpr::Select(sel) = q.body.as_ref() else { return None };
    let [twj] = sel.from.as_slice() else { return None };
    if !twj.joins.is_empty() {
        return None;
    }
    let TableFactor::Table { name, .. } = &twj.relation else { return None };
    Some(crate::ident::object_name(dialect, name))
}

/// The SQL of a macro argument: a literal, or literals joined with `+`.
fn macro_literal(e: &Expr) -> SqlArg {
    match e {
        Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => SqlArg::Literal(s.value()),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => match (macro_literal(&b.left), macro_literal(&b.right)) {
            (SqlArg::Literal(a), SqlArg::Literal(c)) => SqlArg::Literal(a + &c),
            _ => SqlArg::Unknown(format!("the SQL `{}` is not a string literal", short(e))),
        },
        Expr::Group(g) => macro_literal(&g.expr),
        Expr::Paren(p) => macro_literal(&p.expr),
        _ => SqlArg::Unknown(format!("the SQL `{}` is not a string literal", short(e))),
    }
}

/// The row type of a `query_as` call: `::<_, T>`, else the `let`'s declared type.
fn row_type(cx: &Cx, path: &syn::Path) -> Option<String> {
    if let Some(syn::PathArguments::AngleBracketed(a)) = path.segments.last().map(|s| &s.arguments) {
        let types: Vec<&syn::Type> = a.args.iter().filter_map(|g| if let syn::GenericArgument::Type(t) = g { Some(t) } else { None }).collect();
        if let Some(t) = types.get(1) {
            return row_type_name(t);
        }
    }
    cx.let_type.as_ref().and_then(row_type_name)
}

/// The columns a `#[derive(FromRow)]` struct decodes.
pub(crate) fn row_shape(cx: &Cx, name: &str, depth: usize) -> Option<RowShape> {
    if depth > 8 {
        return None;
    }
    let s = cx.krate.struct_named(name)?;
    let derives = super::derives_of(&s.attrs);
    if !derives.iter().any(|(_, l)| l == "FromRow") {
        return None;
    }
    let syn::Fields::Named(fields) = &s.fields else { return None };
    let rename_all = attr_value(&s.attrs, "sqlx", "rename_all");
    let all_default = attr_flag(&s.attrs, "sqlx", "default");
    let mut shape = RowShape { rust_name: name.to_string(), columns: Vec::new(), optional: Vec::new() };
    for f in &fields.named {
        let Some(ident) = &f.ident else { continue };
        if attr_flag(&f.attrs, "sqlx", "skip") {
            continue;
        }
        if attr_flag(&f.attrs, "sqlx", "flatten") {
            let inner = super::row_type_name(&f.ty)?;
            let nested = row_shape(cx, &inner, depth + 1)?;
            shape.columns.extend(nested.columns);
            shape.optional.extend(nested.optional);
            continue;
        }
        let field = ident.to_string();
        let field = field.strip_prefix("r#").unwrap_or(&field).to_string();
        let column = match attr_value(&f.attrs, "sqlx", "rename") {
            Some(r) => r,
            None => match &rename_all {
                Some(rule) => apply_rename_all(rule, &field).unwrap_or(field.clone()),
                None => field,
            },
        };
        if all_default || attr_flag(&f.attrs, "sqlx", "default") {
            shape.optional.push(column);
        } else {
            shape.columns.push(column);
        }
    }
    Some(shape)
}

#[cfg(test)]
mod tests {
    use crate::annotations::Decl;
    use crate::sources::{scan_crate, CrateInfo, Files, NoFiles, SourceId};

    fn scan(src: &str) -> Vec<(u32, String)> {
        let s = scan_crate(&[("src/lib.rs".into(), src.into())], &CrateInfo { dir: String::new(), deps: Some(vec!["sqlx".into()]), dialect: None }, &NoFiles);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        s.sites
            .iter()
            .map(|x| {
                assert_eq!(x.source, SourceId::Sqlx);
                let what = match &x.decl {
                    Decl::Query(q) => match &q.row {
                        Some(r) => format!("query {} as {}({})", q.sql, r.rust_name, r.columns.join(",")),
                        None => format!("query {}", q.sql),
                    },
                    Decl::Unseen(u) => format!("unseen {}: {}", u.call, u.reason),
                    Decl::SqlEnum(e) => format!("enum {:?}", e.variants.iter().map(|v| v.value.clone().unwrap_or_default()).collect::<Vec<_>>()),
                    other => format!("{other:?}"),
                };
                (x.line, what)
            })
            .collect()
    }

    #[test]
    fn the_issue_example_is_two_seen_queries() {
        let src = "pub async fn find(pool: &sqlx::PgPool) {\n    let r = sqlx::query!(\"SELECT id, email, name FROM users WHERE email = $1\", \"x\").fetch_one(pool).await;\n    let r2 = sqlx::query(\"SELECT name FROM users\").fetch_all(pool).await;\n}\n";
        assert_eq!(scan(src), [(2, "query SELECT id, email, name FROM users WHERE email = $1".to_string()), (3, "query SELECT name FROM users".to_string())]);
    }

    #[test]
    fn macros_by_import_alias_and_typed_forms() {
        let src = r#"
use sqlx::{query_as, query as q};
struct U { id: i64 }
async fn a(p: &sqlx::PgPool) {
    query_as!(U, "SELECT id FROM users").fetch_all(p).await;
    sqlx::query_scalar_unchecked!("SELECT count(*) FROM orders");
    q("DELETE FROM carts").execute(p).await;
}
"#;
        assert_eq!(
            scan(src),
            [(5, "query SELECT id FROM users".to_string()), (6, "query SELECT count(*) FROM orders".to_string()), (7, "query DELETE FROM carts".to_string())]
        );
    }

    #[test]
    fn consts_locals_and_concat_are_read_format_is_unseen() {
        let src = r#"
const LIST: &str = "SELECT id FROM users";
async fn a(p: &sqlx::PgPool, table: &str) {
    sqlx::query(LIST).fetch_all(p).await;
    let sql = "SELECT email FROM users";
    sqlx::query(sql).fetch_all(p).await;
    sqlx::query(concat!("SELECT name ", "FROM users")).fetch_all(p).await;
    let dynamic = format!("SELECT * FROM {table}");
    sqlx::query(&dynamic).fetch_all(p).await;
    sqlx::query(table).fetch_all(p).await;
    let mut b = sqlx::QueryBuilder::new("SELECT ");
}
"#;
        let got = scan(src);
        assert_eq!(got[0], (4, "query SELECT id FROM users".into()));
        assert_eq!(got[1], (6, "query SELECT email FROM users".into()));
        assert_eq!(got[2], (7, "query SELECT name FROM users".into()));
        assert!(got[3].1.starts_with("unseen sqlx::query(&dynamic): the SQL is built at run time with `format!`"), "{got:?}");
        assert_eq!(got[3].0, 9);
        assert!(got[4].1.contains("passed in as the parameter `table`"), "{got:?}");
        assert!(got[5].1.contains("QueryBuilder"), "{got:?}");
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn sql_annotations_given_to_sqlx_are_read_once_not_unseen() {
        let src = r#"
use migsafe_runtime::sql;
const Q: &str = sql!("SELECT id FROM users");
async fn a(p: &sqlx::PgPool) {
    sqlx::query(sql!("SELECT email FROM users")).fetch_all(p).await;
    sqlx::query(Q).fetch_all(p).await;
    let q = Q;
    sqlx::query(q).fetch_all(p).await;
}
"#;
        let s = scan_crate(&[("src/lib.rs".into(), src.into())], &CrateInfo { dir: String::new(), deps: Some(vec!["sqlx".into()]), dialect: None }, &NoFiles);
        let got: Vec<(SourceId, String)> = s
            .sites
            .iter()
            .map(|x| match &x.decl {
                Decl::Query(q) => (x.source, q.sql.clone()),
                other => (x.source, format!("{other:?}")),
            })
            .collect();
        assert_eq!(got, [(SourceId::Annotation, "SELECT id FROM users".to_string()), (SourceId::Annotation, "SELECT email FROM users".to_string())]);
    }

    #[test]
    fn a_function_of_ones_own_named_query_is_not_sqlx() {
        let src = r#"
use sqlx::*;
fn query(s: &str) -> Vec<String> { vec![] }
fn search() { query("name:alice"); }
"#;
        assert_eq!(scan(src), Vec::<(u32, String)>::new());
        // Without the glob, a bare `query` is not sqlx either.
        assert_eq!(scan("fn search() { query(\"SELECT 1\"); }"), Vec::<(u32, String)>::new());
    }

    #[test]
    fn from_row_structs_shape_query_as() {
        let src = r#"
#[derive(sqlx::FromRow)]
#[sqlx(rename_all = "camelCase")]
struct User { id: i64, display_name: String, #[sqlx(rename = "mail")] email: String, #[sqlx(skip)] cache: u8, #[sqlx(default)] bio: Option<String>, #[sqlx(flatten)] audit: Audit }
#[derive(FromRow)]
struct Audit { created_at: i64 }
async fn a(p: &sqlx::PgPool) {
    sqlx::query_as::<_, User>("SELECT * FROM users").fetch_all(p).await;
    let us: Vec<User> = sqlx::query_as("SELECT * FROM users").fetch_all(p).await.unwrap();
    sqlx::query_as::<_, (i64,)>("SELECT id FROM users").fetch_all(p).await;
}
"#;
        let got = scan(src);
        assert_eq!(got[0], (8, "query SELECT * FROM users as User(id,displayName,mail,created_at)".into()));
        assert_eq!(got[1], (9, "query SELECT * FROM users as User(id,displayName,mail,created_at)".into()));
        assert_eq!(got[2], (10, "query SELECT id FROM users".into()));
    }

    #[test]
    fn from_row_structs_behind_cfg_attr_shape_query_as() {
        let src = r#"
#[cfg_attr(feature = "db", derive(sqlx::FromRow), sqlx(rename_all = "camelCase"))]
struct User { id: i64, display_name: String, #[cfg_attr(feature = "db", sqlx(rename = "mail"))] email: String }
async fn a(p: &sqlx::PgPool) { sqlx::query_as::<_, User>("SELECT * FROM users").fetch_all(p).await; }
"#;
        assert_eq!(scan(src), [(4, "query SELECT * FROM users as User(id,displayName,mail)".to_string())]);
    }

    #[test]
    fn sqlx_type_enums_decode_their_type() {
        let src = r#"
#[derive(sqlx::Type)]
#[sqlx(type_name = "order_status", rename_all = "lowercase")]
enum Status { Pending, Paid, #[sqlx(rename = "void")] Cancelled }
"#;
        assert_eq!(scan(src), [(4, "enum [\"pending\", \"paid\", \"void\"]".to_string())]);
    }

    #[test]
    fn enums_without_a_type_name_are_tied_to_the_column_a_query_as_reads() {
        let src = r#"
#[derive(sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
enum Channel { Email, Chat }
#[derive(sqlx::FromRow)]
struct Ticket { id: i32, channel: Channel }
async fn a(p: &sqlx::MySqlPool) { sqlx::query_as::<_, Ticket>("SELECT id, channel FROM tickets").fetch_all(p).await; }
"#;
        let info = CrateInfo { dir: String::new(), deps: Some(vec!["sqlx".into()]), dialect: Some(crate::Dialect::Mysql) };
        let s = scan_crate(&[("src/lib.rs".into(), src.into())], &info, &NoFiles);
        let e = s.sites.iter().find_map(|x| if let Decl::SqlEnum(e) = &x.decl { Some(e) } else { None }).expect("an enum site");
        assert_eq!(e.target, crate::annotations::EnumTarget::Column { table: "tickets".into(), column: "channel".into() });
        assert_eq!(e.variants.iter().map(|v| v.value.clone().unwrap_or_default()).collect::<Vec<_>>(), ["email", "chat"]);
    }

    #[test]
    fn query_file_reads_the_revision() {
        struct F;
        impl Files for F {
            fn read(&self, p: &str) -> Option<String> {
                (p == "svc/queries/list.sql").then(|| "SELECT id FROM users".to_string())
            }
        }
        let src = "fn a() { sqlx::query_file!(\"queries/list.sql\"); sqlx::query_file_as!(U, \"queries/gone.sql\"); }";
        let s = scan_crate(&[("svc/src/lib.rs".into(), src.into())], &CrateInfo { dir: "svc".into(), deps: None, dialect: None }, &F);
        let d: Vec<String> = s
            .sites
            .iter()
            .map(|x| match &x.decl {
                Decl::Query(q) => q.sql.clone(),
                Decl::Unseen(u) => u.reason.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(d[0], "SELECT id FROM users");
        assert!(d[1].contains("`queries/gone.sql`, which is not in this revision"), "{d:?}");
    }

    #[test]
    fn touches_covers_unseen_calls_and_tests_do_not_count() {
        let src = r#"
#[migsafe_runtime::touches(read(users.id))]
async fn a(p: &sqlx::PgPool, t: &str) { sqlx::query(&format!("SELECT id FROM {t}")).fetch_all(p).await; }
#[cfg(test)]
mod tests { async fn b(p: &sqlx::PgPool) { sqlx::query("SELECT gone FROM users"); } }
"#;
        let s = scan_crate(&[("src/lib.rs".into(), src.into())], &CrateInfo::default(), &NoFiles);
        assert_eq!(s.sites.len(), 1, "{:?}", s.sites);
        assert!(matches!(s.sites[0].decl, Decl::Touches(_)));
    }
}
