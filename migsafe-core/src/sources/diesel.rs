//! diesel: `table!` blocks, the derives that map structs to tables, and
//! `sql_query`.
//!
//! - A `table!` / `diesel::table!` block is what that revision's code
//!   selects when it loads the table without an explicit `select`: a site
//!   that reads every column it declares, typed by its SQL types
//!   (`Nullable<…>` decodes NULL). `#[sql_name]` and schema-qualified names
//!   are followed.
//! - `#[derive(Selectable)]` / `QueryableByName` with a `table_name` read
//!   their fields' columns; `Insertable` inserts exactly its fields (so a new
//!   NOT NULL column without a default that it lacks breaks it);
//!   `AsChangeset` writes its fields. `column_name` is followed, and so are
//!   the SQL names the crate's `table!` gives the table and its columns
//!   (`#[sql_name]`, a schema: `follow_sql_names`). Their field
//!   types are checked by diesel against `table!` at compile time, so the
//!   `table!` site carries the types.
//! - `insert_into(t).values((t::a.eq(x), b.eq(y)))` inserts exactly those
//!   columns, and `update(t).set(…)` writes them.
//! - `diesel::sql_query("…")` is a query; with SQL built at run time it is
//!   an unseen site, and so is every `sql::<T>(…)` fragment.

use super::{attr_flag, attr_value, short, Cx, Item, Source, SourceId, SourceMeta, SqlArg};
use crate::annotations::{Decl, FieldDecl, Role, RowShape, RustType, TableDecl};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Attribute, Token};

pub struct Diesel;

static META: SourceMeta = SourceMeta {
    id: SourceId::Diesel,
    crates: &["diesel", "diesel-async"],
    doc: "diesel's `table!` blocks (a load without `select` reads every declared column, typed by its SQL type), \
          `Selectable` / `QueryableByName` / `Insertable` / `AsChangeset` structs with `table_name` and `column_name`, \
          column-by-column `insert_into(t).values((a.eq(x), …))` and `update(t).set(…)`, and `sql_query` with literal SQL. `sql::<T>(…)` fragments and SQL built at run time are unseen sites.",
};

impl Source for Diesel {
    fn meta(&self) -> &'static SourceMeta {
        &META
    }

    fn mac(&self, cx: &mut Cx, m: &syn::Macro) -> bool {
        let name = super::last_ident(&m.path);
        if name != "table" || !(m.path.segments.len() == 1 || cx.imports.resolve(&m.path) == "diesel::table") {
            return false;
        }
        match (|input: ParseStream| parse_tables(input)).parse2(m.tokens.clone()) {
            Ok(tables) => {
                for t in tables {
                    let line_span = t.span;
                    cx.push(line_span, SourceId::Diesel, Decl::Table(t.decl));
                }
            }
            Err(e) => cx.error(e.span(), format!("diesel::table!: {e}")),
        }
        true
    }

    fn call(&self, cx: &mut Cx, c: &syn::ExprCall, path: &syn::Path) -> bool {
        if let Some(f) = cx.imports.matches(path, SQL_QUERY) {
            if cx.was_handled(path.span()) {
                return true;
            }
            // `let rows: Vec<T> = sql_query(…).load(conn)?`: T decodes the rows by name.
            let row = cx.let_type.as_ref().and_then(super::row_type_name).and_then(|t| by_name_shape(cx, &t, 0));
            sql_query(cx, c, path, f, row);
            return true;
        }
        if let Some(f) = cx.imports.matches(path, &["diesel::dsl::sql", "diesel::expression::sql_literal::sql"]) {
            let what = c.args.first().map(|a| match cx.sql_arg(a) {
                SqlArg::Literal(s) => format!("the SQL fragment \"{s}\" is spliced into a diesel query"),
                SqlArg::Dynamic(r) | SqlArg::Unknown(r) => r,
                SqlArg::Declared => "a raw SQL fragment".into(),
            });
            cx.unseen(path.span(), SourceId::Diesel, f, what.unwrap_or_else(|| "a raw SQL fragment".into()));
            return true;
        }
        false
    }

    fn method(&self, cx: &mut Cx, c: &syn::ExprMethodCall) -> bool {
        // `sql_query(…).load::<T>(conn)`: the rows decode by name into T.
        if matches!(c.method.to_string().as_str(), "load" | "get_result" | "get_results" | "first" | "load_iter") {
            let t = c
                .turbofish
                .as_ref()
                .and_then(|t| t.args.iter().find_map(|a| if let syn::GenericArgument::Type(t) = a { super::row_type_name(t) } else { None }));
            if let Some(t) = t {
                if let Some((call, path, f)) = sql_query_in(cx, &c.receiver) {
                    let row = by_name_shape(cx, &t, 0);
                    sql_query(cx, call, path, f, row);
                    cx.mark_handled(path.span());
                }
            }
            return false;
        }
        let role = match c.method.to_string().as_str() {
            "values" => Role::Insert,
            "set" => Role::Update,
            _ => return false,
        };
        let Some((verb, target)) = statement_target(cx, &c.receiver) else { return false };
        if (role == Role::Insert) != (verb != "update") {
            return false;
        }
        let Some(table) = target else { return false };
        let Some(arg) = c.args.first() else { return false };
        // Only column-by-column values (`(users::name.eq(x), email.eq(y))`): a struct is its derive's business.
        let Some(columns) = eq_columns(arg) else { return false };
        let fields = columns
            .into_iter()
            .map(|(column, line)| FieldDecl {
                field: column.clone(),
                column,
                rust_type: RustType { text: String::new(), optional: true, name: String::new() },
                line,
            })
            .collect();
        cx.push(
            c.method.span(),
            SourceId::Diesel,
            Decl::Table(TableDecl { rust_name: format!("{verb}({table})"), table, fields, role, decoding: SourceId::Diesel.decoding() }),
        );
        true
    }

    fn item(&self, cx: &mut Cx, item: &Item) {
        // A struct may derive several (`Insertable, AsChangeset`; `Queryable,
        // Selectable, Insertable`): it is a site for each thing it does.
        let roles: Vec<Role> = [
            (item.derives("Selectable") || item.derives("QueryableByName"), Role::Read),
            (item.derives("Insertable"), Role::Insert),
            (item.derives("AsChangeset"), Role::Update),
        ]
        .into_iter()
        .filter_map(|(derived, role)| derived.then_some(role))
        .collect();
        if roles.is_empty() {
            return;
        }
        let syn::Data::Struct(s) = &item.input.data else { return };
        let syn::Fields::Named(named) = &s.fields else { return };
        // An `Insertable` + `AsChangeset` struct of `Option`s only (lemmy's
        // `*UpdateForm`s): diesel inserts DEFAULT for each `None`, so which
        // columns an INSERT of it supplies is decided at run time, not by its
        // fields; it is read as the update it is written for.
        let all_optional = named.named.iter().all(|f| is_option(&f.ty));
        let roles: Vec<Role> = if all_optional && roles.contains(&Role::Update) { roles.into_iter().filter(|r| *r != Role::Insert).collect() } else { roles };
        let attrs = &item.input.attrs;
        let table_name = attr_value(attrs, "diesel", "table_name");
        let table = match &table_name {
            Some(t) => t.rsplit("::").next().unwrap_or(t).to_string(),
            // diesel's default: the struct name in snake case, plural.
            None => format!("{}s", crate::annotations::apply_rename_all("snake_case", &item.ident.to_string()).unwrap_or_default()),
        };
        for role in roles {
            // A QueryableByName without a table decodes a raw query's columns (each with its `sql_type`).
            if role == Role::Read && table_name.is_none() && !item.derives("Selectable") {
                continue;
            }
            let mut fields = Vec::new();
            for f in &named.named {
                let Some(ident) = &f.ident else { continue };
                if attr_flag(&f.attrs, "diesel", "embed") || attr_flag(&f.attrs, "diesel", "select_expression") {
                    continue;
                }
                if role == Role::Insert && attr_flag(&f.attrs, "diesel", "skip_insertion") {
                    continue;
                }
                let field = ident.to_string();
                let field = field.strip_prefix("r#").unwrap_or(&field).to_string();
                let column = attr_value(&f.attrs, "diesel", "column_name").unwrap_or_else(|| field.clone());
                // Types are diesel's to check against `table!`: none here.
                let rust_type = RustType { text: quote::ToTokens::to_token_stream(&f.ty).to_string().replace(' ', ""), optional: true, name: String::new() };
                fields.push(FieldDecl { field, column, rust_type, line: ident.span().start().line as u32 });
            }
            if fields.is_empty() && role == Role::Read {
                // Only `embed`ded structs and `select_expression`s (lemmy's
                // `CommentView`): those name their own columns; this struct
                // selects none of a table of its own.
                continue;
            }
            cx.push(
                item.ident.span(),
                SourceId::Diesel,
                Decl::Table(TableDecl { rust_name: item.ident.to_string(), table: table.clone(), fields, role, decoding: SourceId::Diesel.decoding() }),
            );
        }
    }
}

/// diesel's derives and column-by-column statements name a table and its
/// columns by their `table!` identifiers, and `table!` can give them other
/// SQL names (`#[sql_name = "type"] type_ -> Int4`, a schema:
/// `billing.invoices`). Once a crate is read, each such site is renamed to
/// the SQL names of the crate's `table!` of that identifier (when the crate
/// has exactly one: `table!`s in another crate, or two of one name, leave
/// the names as written).
pub(super) fn follow_sql_names(sites: &mut [crate::annotations::Site]) {
    use std::collections::HashMap;
    // A table!'s SQL name, and its columns' identifier -> SQL name.
    type Names = (String, HashMap<String, String>);
    // By the table!'s identifier.
    let mut tables: HashMap<String, Vec<Names>> = HashMap::new();
    for site in sites.iter().filter(|s| s.source == SourceId::Diesel) {
        let Decl::Table(t) = &site.decl else { continue };
        let Some(ident) = t.rust_name.strip_prefix("table!(").and_then(|r| r.strip_suffix(')')) else { continue };
        let columns = t.fields.iter().filter(|f| f.field != f.column).map(|f| (f.field.clone(), f.column.clone())).collect();
        tables.entry(ident.to_string()).or_default().push((t.table.clone(), columns));
    }
    if tables.is_empty() {
        return;
    }
    for site in sites.iter_mut().filter(|s| s.source == SourceId::Diesel) {
        let Decl::Table(t) = &mut site.decl else { continue };
        if t.rust_name.starts_with("table!(") {
            continue;
        }
        let Some([(table, columns)]) = tables.get(&t.table).map(Vec::as_slice) else { continue };
        t.table = table.clone();
        for f in &mut t.fields {
            if let Some(sql) = columns.get(&f.column) {
                f.column = sql.clone();
            }
        }
    }
}

/// `Option<T>` (by any path).
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

const SQL_QUERY: &[&str] = &["diesel::sql_query", "diesel::dsl::sql_query"];

fn sql_query(cx: &mut Cx, c: &syn::ExprCall, path: &syn::Path, f: &str, row: Option<RowShape>) {
    let Some(sql) = c.args.first() else { return };
    let arg = cx.sql_arg(sql);
    cx.query(path.span(), SourceId::Diesel, &format!("{f}({})", short(sql)), arg, row);
}

/// The `sql_query(…)` call a method chain starts with.
fn sql_query_in<'e>(cx: &Cx, mut e: &'e syn::Expr) -> Option<(&'e syn::ExprCall, &'e syn::Path, &'static str)> {
    loop {
        match e {
            syn::Expr::MethodCall(m) => e = &m.receiver,
            syn::Expr::Paren(p) => e = &p.expr,
            syn::Expr::Call(call) => {
                let syn::Expr::Path(p) = call.func.as_ref() else { return None };
                let f = cx.imports.matches(&p.path, SQL_QUERY)?;
                return Some((call, &p.path, f));
            }
            _ => return None,
        }
    }
}

/// The columns a `#[derive(QueryableByName)]` struct decodes by name
/// (`column_name` followed, `embed`ded structs' columns included).
fn by_name_shape(cx: &Cx, name: &str, depth: usize) -> Option<RowShape> {
    if depth > 8 {
        return None;
    }
    let s = cx.krate.struct_named(name)?;
    if !super::attrs::derives_of(&s.attrs).iter().any(|(_, l)| l == "QueryableByName") {
        return None;
    }
    let syn::Fields::Named(fields) = &s.fields else { return None };
    let mut shape = RowShape { rust_name: name.to_string(), columns: Vec::new(), optional: Vec::new() };
    for f in &fields.named {
        let Some(ident) = &f.ident else { continue };
        if attr_flag(&f.attrs, "diesel", "embed") {
            let nested = by_name_shape(cx, &super::row_type_name(&f.ty)?, depth + 1)?;
            shape.columns.extend(nested.columns);
            continue;
        }
        let field = ident.to_string();
        shape.columns.push(attr_value(&f.attrs, "diesel", "column_name").unwrap_or_else(|| field.strip_prefix("r#").unwrap_or(&field).to_string()));
    }
    Some(shape)
}

/// The statement a `.values(…)` / `.set(…)` chain starts with (`insert_into`,
/// `update`, …) and its table, when the chain shows it.
fn statement_target(cx: &Cx, mut e: &syn::Expr) -> Option<(String, Option<String>)> {
    const STARTS: &[&str] = &[
        "diesel::insert_into",
        "diesel::insert_or_ignore_into",
        "diesel::replace_into",
        "diesel::update",
        "diesel::dsl::insert_into",
        "diesel::dsl::update",
        "diesel::dsl::replace_into",
        "diesel::dsl::insert_or_ignore_into",
    ];
    loop {
        match e {
            syn::Expr::MethodCall(m) => e = &m.receiver,
            syn::Expr::Paren(p) => e = &p.expr,
            syn::Expr::Call(call) => {
                let syn::Expr::Path(p) = call.func.as_ref() else { return None };
                let f = cx.imports.matches(&p.path, STARTS)?;
                let verb = f.rsplit("::").next().unwrap_or(f).to_string();
                let table = call.args.first().and_then(table_of);
                return Some((verb, table));
            }
            _ => return None,
        }
    }
}

/// `users::table`, `schema::users::table`, `users::table.filter(…)` → `users`.
/// A bare name (`update(target)`, `update(self)`, the dsl's `users`) may be a
/// variable: not taken for a table (the `table!` site covers what it updates).
fn table_of(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Path(p) => {
            let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            match segs.as_slice() {
                [.., t, last] if last == "table" => Some(t.clone()),
                _ => None,
            }
        }
        syn::Expr::MethodCall(m) => table_of(&m.receiver),
        syn::Expr::Reference(r) => table_of(&r.expr),
        _ => None,
    }
}

/// The columns of `col.eq(v)` or a tuple of them (possibly borrowed), with their lines.
fn eq_columns(e: &syn::Expr) -> Option<Vec<(String, u32)>> {
    match e {
        syn::Expr::Reference(r) => eq_columns(&r.expr),
        syn::Expr::Paren(p) => eq_columns(&p.expr),
        syn::Expr::Tuple(t) => {
            let mut out = Vec::new();
            for el in &t.elems {
                out.extend(eq_columns(el)?);
            }
            Some(out)
        }
        syn::Expr::MethodCall(m) if m.method == "eq" => match m.receiver.as_ref() {
            syn::Expr::Path(p) => {
                let last = p.path.segments.last()?;
                let name = last.ident.to_string();
                Some(vec![(name.strip_prefix("r#").unwrap_or(&name).to_string(), last.ident.span().start().line as u32)])
            }
            _ => None,
        },
        _ => None,
    }
}

struct Parsed {
    span: proc_macro2::Span,
    decl: TableDecl,
}

fn sql_name(attrs: &[Attribute]) -> Option<String> {
    attr_value(attrs, "diesel", "sql_name")
}

/// The tables of one `table!` invocation.
fn parse_tables(input: ParseStream) -> syn::Result<Vec<Parsed>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        if input.peek(Token![use]) {
            input.parse::<syn::ItemUse>()?;
            continue;
        }
        let attrs = input.call(Attribute::parse_outer)?;
        let first: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
        let (schema, name) = if input.peek(Token![.]) {
            input.parse::<Token![.]>()?;
            let n: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
            (Some(first.to_string()), n)
        } else {
            (None, first)
        };
        if input.peek(syn::token::Paren) {
            let pk;
            syn::parenthesized!(pk in input);
            pk.parse::<proc_macro2::TokenStream>()?;
        }
        let body;
        syn::braced!(body in input);
        let mut fields = Vec::new();
        while !body.is_empty() {
            let cattrs = body.call(Attribute::parse_outer)?;
            let col: syn::Ident = body.call(syn::ext::IdentExt::parse_any)?;
            body.parse::<Token![->]>()?;
            let ty: syn::Type = body.parse()?;
            if body.peek(Token![,]) {
                body.parse::<Token![,]>()?;
            }
            let field = col.to_string();
            let field = field.strip_prefix("r#").unwrap_or(&field).to_string();
            let column = sql_name(&cattrs).unwrap_or_else(|| field.clone());
            fields.push(FieldDecl { field, column, rust_type: rust_type_of(&ty), line: col.span().start().line as u32 });
        }
        let rust = name.to_string();
        let table = sql_name(&attrs).unwrap_or_else(|| rust.clone());
        let table = match schema {
            Some(s) => format!("{s}.{table}"),
            None => table,
        };
        out.push(Parsed {
            span: name.span(),
            decl: TableDecl { rust_name: format!("table!({rust})"), table, fields, role: Role::Read, decoding: SourceId::Diesel.decoding() },
        });
    }
    Ok(out)
}

/// The Rust type diesel decodes a column of SQL type `ty` into (as `rust_family` names them).
fn rust_type_of(ty: &syn::Type) -> RustType {
    let text = quote::ToTokens::to_token_stream(ty).to_string().replace(' ', "");
    let (optional, inner) = match generic(ty, "Nullable") {
        Some(t) => (true, t),
        None => (false, ty),
    };
    let name = match inner {
        syn::Type::Path(p) => {
            let last = p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            let unsigned = generic(inner, "Unsigned").map(|t| super::row_type_name(t).unwrap_or_default());
            match (last.as_str(), unsigned.as_deref()) {
                ("Unsigned", Some("TinyInt" | "Tinyint")) => "u8",
                ("Unsigned", Some("SmallInt" | "Smallint")) => "u16",
                ("Unsigned", Some("Integer")) => "u32",
                ("Unsigned", Some("BigInt" | "Bigint")) => "u64",
                ("TinyInt" | "Tinyint", _) => "i8",
                ("Int2" | "SmallInt" | "Smallint", _) => "i16",
                ("Int4" | "Integer", _) => "i32",
                ("Int8" | "BigInt" | "Bigint", _) => "i64",
                ("Float4" | "Float", _) => "f32",
                ("Float8" | "Double", _) => "f64",
                ("Bool", _) => "bool",
                ("Text" | "Varchar" | "VarChar" | "Char" | "Bpchar" | "Tinytext" | "Mediumtext" | "Longtext", _) => "String",
                ("Bytea" | "Binary" | "Blob" | "Tinyblob" | "Mediumblob" | "Longblob" | "Varbinary", _) => "Vec<u8>",
                ("Timestamp" | "Datetime", _) => "NaiveDateTime",
                ("Timestamptz" | "TimestamptzSqlite", _) => "DateTime",
                ("Date", _) => "NaiveDate",
                ("Time", _) => "NaiveTime",
                ("Uuid", _) => "Uuid",
                ("Json" | "Jsonb", _) => "Value",
                ("Numeric" | "Decimal", _) => "Decimal",
                ("Array", _) => "Vec<_>",
                // A custom SQL type (an enum): not checked here.
                _ => "",
            }
            .to_string()
        }
        _ => String::new(),
    };
    RustType { text, optional, name }
}

/// `T` in `Wrapper<T>`.
fn generic<'t>(ty: &'t syn::Type, wrapper: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(a) = &seg.arguments else { return None };
    match a.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::annotations::{Decl, Role};
    use crate::sources::{scan_crate, CrateInfo, NoFiles};

    fn scan(src: &str) -> Vec<String> {
        let s =
            scan_crate(&[("src/schema.rs".into(), src.into())], &CrateInfo { dir: String::new(), deps: Some(vec!["diesel".into()]), dialect: None }, &NoFiles);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        s.sites
            .iter()
            .map(|x| match &x.decl {
                Decl::Table(t) => format!(
                    "{}:{:?} {} [{}]",
                    x.line,
                    t.role,
                    t.table,
                    t.fields
                        .iter()
                        .map(|f| format!(
                            "{}{}{}",
                            f.column,
                            if f.rust_type.optional { "?" } else { "" },
                            if f.rust_type.name.is_empty() { String::new() } else { format!(":{}", f.rust_type.name) }
                        ))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                Decl::Query(q) => format!("{}:query {}", x.line, q.sql),
                Decl::Unseen(u) => format!("{}:unseen {}", x.line, u.reason),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn table_blocks_as_print_schema_writes_them() {
        let src = r#"
// @generated automatically by Diesel CLI.
pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "post_status"))]
    pub struct PostStatus;
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::PostStatus;

    posts (id) {
        id -> Int4,
        #[max_length = 255]
        title -> Varchar,
        body -> Nullable<Text>,
        status -> PostStatus,
        #[sql_name = "type"]
        type_ -> Int8,
    }
}

diesel::table! {
    billing.invoices (id) {
        id -> Int8,
        paid_at -> Nullable<Timestamptz>,
    }
}
"#;
        assert_eq!(scan(src), ["13:Read posts [id:i32 title:String body?:String status type:i64]", "25:Read billing.invoices [id:i64 paid_at?:DateTime]"]);
    }

    /// Plume's `lists`: `#[sql_name = "type"] type_ -> Int4` in `table!`, and
    /// `NewList { type_: i32 }`, which inserts `type`; a table in a schema.
    #[test]
    fn derives_and_statements_take_the_sql_names_table_gives() {
        let src = r#"
use diesel::prelude::*;
table! {
    lists (id) {
        id -> Int4,
        #[sql_name = "type"]
        type_ -> Int4,
    }
}
table! {
    billing.invoices (id) {
        id -> Int8,
    }
}
#[derive(Insertable)]
#[diesel(table_name = lists)]
pub struct NewList { pub type_: i32 }

#[derive(Queryable, Selectable)]
#[diesel(table_name = billing::invoices)]
pub struct Invoice { pub id: i64 }

fn kind(c: &mut PgConnection) {
    diesel::update(lists::table).set(lists::type_.eq(2)).execute(c).unwrap();
}
"#;
        assert_eq!(
            scan(src),
            [
                "4:Read lists [id:i32 type:i32]",
                "11:Read billing.invoices [id:i64]",
                "17:Insert lists [type?]",
                "21:Read billing.invoices [id?]",
                "24:Update lists [type?]"
            ]
        );
    }

    #[test]
    fn derives_map_structs_with_their_roles() {
        let src = r#"
use diesel::prelude::*;
#[derive(Queryable, Selectable)]
#[diesel(table_name = crate::schema::users)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct User { pub id: i32, #[diesel(column_name = display_name)] pub name: String }

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> { pub name: &'a str, pub email: Option<&'a str> }

#[derive(AsChangeset)]
#[table_name = "users"]
pub struct Rename { pub name: String }

#[derive(Insertable)]
pub struct Tag { pub label: String }

#[derive(Queryable)]
pub struct Positional(i32, String);

#[derive(QueryableByName)]
pub struct OpenCount { #[diesel(sql_type = BigInt)] pub open: i64 }
"#;
        assert_eq!(scan(src), ["6:Read users [id? display_name?]", "10:Insert users [name? email?]", "14:Update users [name?]", "17:Insert tags [label?]"]);
        let _ = Role::Read;
    }

    #[test]
    fn derives_behind_cfg_attr_are_read_as_the_featured_build_sees_them() {
        // lemmy: every diesel derive is behind `feature = "full"`.
        let src = r#"
#[derive(Clone, Debug)]
#[cfg_attr(feature = "full", derive(Queryable, Selectable, Identifiable))]
#[cfg_attr(feature = "full", diesel(table_name = local_user))]
pub struct LocalUser { pub id: i32, #[cfg_attr(feature = "full", diesel(column_name = sort))] pub default_sort: String }

#[cfg_attr(all(feature = "full", not(target_arch = "wasm32")), cfg_attr(feature = "db", derive(Insertable), diesel(table_name = local_user)))]
pub struct LocalUserForm { pub default_sort: Option<String> }

#[cfg_attr(test, derive(Insertable))]
#[diesel(table_name = fixtures)]
pub struct OnlyInTests { pub x: i32 }

#[cfg_attr(feature = "full", derive(Queryable, Selectable))]
pub struct CommentView {
  #[cfg_attr(feature = "full", diesel(embed))]
  pub comment: Comment,
  #[cfg_attr(feature = "full", diesel(select_expression = community_actions::received_ban.nullable().is_not_null()))]
  pub banned: bool,
  #[cfg_attr(feature = "full", diesel(select_expression_type = Nullable<community_actions::follow_state>, select_expression = Follower::subscribed()))]
  pub subscribed: SubscribedType,
}

#[cfg_attr(feature = "full", derive(Insertable, AsChangeset))]
#[cfg_attr(feature = "full", diesel(table_name = custom_emoji))]
pub struct CustomEmojiForm { pub shortcode: String, pub category: Option<String> }

#[cfg_attr(feature = "full", derive(Insertable, AsChangeset))]
#[cfg_attr(feature = "full", diesel(table_name = custom_emoji))]
pub struct CustomEmojiUpdateForm { pub category: Option<String>, pub alt: Option<Option<String>> }
"#;
        assert_eq!(
            scan(src),
            [
                "5:Read local_user [id? sort?]",
                "8:Insert local_user [default_sort?]",
                "26:Insert custom_emoji [shortcode? category?]",
                "26:Update custom_emoji [shortcode? category?]",
                "30:Update custom_emoji [category? alt?]"
            ]
        );
    }

    #[test]
    fn column_by_column_inserts_and_updates() {
        let src = r#"
use diesel::prelude::*;
use crate::schema::users::dsl::*;
fn a(c: &mut PgConnection) {
    diesel::insert_into(crate::schema::users::table).values((users::name.eq("x"), email.eq("y"))).execute(c);
    diesel::update(users::table.filter(id.eq(1))).set(name.eq("z")).execute(c);
    let target = users::table.find(1);
    diesel::update(target).set(name.eq("z")).execute(c);
    diesel::insert_into(users::table).values(&new_user).execute(c);
    other.values((a.eq(1),));
}
"#;
        assert_eq!(scan(src), ["5:Insert users [name? email?]", "6:Update users [name?]"]);
    }

    #[test]
    fn sql_query_rows_decode_by_name_into_their_struct() {
        let src = r#"
#[derive(QueryableByName)]
struct V { #[diesel(sql_type = Integer)] id: i32, #[diesel(sql_type = Text, column_name = num)] version: String }
fn a(c: &mut PgConnection) {
    let vs = diesel::sql_query("SELECT versions.* FROM versions").load::<V>(c);
    let ws: Vec<V> = diesel::sql_query("SELECT * FROM versions").load(c).unwrap();
    let xs = diesel::sql_query("SELECT * FROM versions").execute(c);
}
"#;
        let s = scan_crate(&[("src/lib.rs".into(), src.into())], &CrateInfo { dir: String::new(), deps: Some(vec!["diesel".into()]), dialect: None }, &NoFiles);
        let rows: Vec<Option<Vec<String>>> =
            s.sites.iter().filter_map(|x| if let Decl::Query(q) = &x.decl { Some(q.row.as_ref().map(|r| r.columns.clone())) } else { None }).collect();
        let v = Some(vec!["id".to_string(), "num".to_string()]);
        assert_eq!(rows, [v.clone(), v, None]);
    }

    #[test]
    fn sql_query_and_fragments() {
        let src = r#"
use diesel::sql_query;
use diesel::dsl::sql;
fn a(id: i32, order: &str) {
    sql_query("UPDATE users SET seen = true WHERE id = $1");
    diesel::sql_query(format!("SELECT * FROM users ORDER BY {order}"));
    let x = sql::<diesel::sql_types::Bool>("lower(name) = 'x'");
}
"#;
        let got = scan(src);
        assert_eq!(got[0], "5:query UPDATE users SET seen = true WHERE id = $1");
        assert!(got[1].starts_with("6:unseen the SQL is built at run time with `format!`"), "{got:?}");
        assert!(got[2].starts_with("7:unseen the SQL fragment \"lower(name) = 'x'\""), "{got:?}");
    }
}
