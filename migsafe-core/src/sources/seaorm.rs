//! SeaORM: `DeriveEntityModel` entities, `DeriveActiveEnum` enums and raw
//! `Statement`s.
//!
//! - An entity's `Model` (`#[sea_orm(table_name = "…", schema_name = "…")]`)
//!   reads every mapped column whenever it is loaded: a site that reads
//!   them all, typed by the fields (`column_name` followed, `ignore`d fields
//!   left out). SeaORM's `DateTime` is chrono's `NaiveDateTime`.
//! - A `DeriveActiveEnum` with `db_type = "Enum"` and `enum_name` decodes
//!   that database enum type's `string_value`s.
//! - `Statement::from_string(backend, "…")` and
//!   `Statement::from_sql_and_values(backend, "…", values)` are queries when
//!   the SQL is a literal, unseen sites otherwise.

use super::{attr_flag, attr_value, short, Cx, Item, Source, SourceId, SourceMeta};
use crate::annotations::{rust_type, Decl, EnumDecl, EnumTarget, FieldDecl, Role, TableDecl, VariantDecl};
use syn::spanned::Spanned;

pub struct SeaOrm;

static META: SourceMeta = SourceMeta {
    id: SourceId::SeaOrm,
    crates: &["sea-orm"],
    doc: "SeaORM: `DeriveEntityModel` entities (the model reads every mapped column; `table_name`, `schema_name`, \
          `column_name`, `ignore`), `DeriveActiveEnum` enums of a database enum type, and raw `Statement::from_string` / \
          `from_sql_and_values` with literal SQL.",
};

impl Source for SeaOrm {
    fn meta(&self) -> &'static SourceMeta {
        &META
    }

    fn item(&self, cx: &mut Cx, item: &Item) {
        let attrs = &item.input.attrs;
        if item.derives("DeriveEntityModel") {
            let syn::Data::Struct(s) = &item.input.data else { return };
            let syn::Fields::Named(named) = &s.fields else { return };
            let Some(table) = attr_value(attrs, "sea_orm", "table_name") else {
                return cx.error(item.ident.span(), "sea_orm: a DeriveEntityModel needs #[sea_orm(table_name = \"…\")]");
            };
            let table = match attr_value(attrs, "sea_orm", "schema_name") {
                Some(s) => format!("{s}.{table}"),
                None => table,
            };
            let mut fields = Vec::new();
            for f in &named.named {
                let Some(ident) = &f.ident else { continue };
                if attr_flag(&f.attrs, "sea_orm", "ignore") {
                    continue;
                }
                let field = ident.to_string();
                let field = field.strip_prefix("r#").unwrap_or(&field).to_string();
                let column = attr_value(&f.attrs, "sea_orm", "column_name").unwrap_or_else(|| field.clone());
                let mut ty = rust_type(&f.ty);
                ty.name = match ty.name.as_str() {
                    // sea_orm::prelude's aliases.
                    "DateTime" => "NaiveDateTime".into(),
                    "DateTimeUtc" | "DateTimeWithTimeZone" | "DateTimeLocal" => "DateTime".into(),
                    "Date" => "NaiveDate".into(),
                    "Time" => "NaiveTime".into(),
                    "Json" => "Value".into(),
                    _ => ty.name,
                };
                fields.push(FieldDecl { field, column, rust_type: ty, line: ident.span().start().line as u32 });
            }
            cx.push(
                item.ident.span(),
                SourceId::SeaOrm,
                Decl::Table(TableDecl { rust_name: item.ident.to_string(), table, fields, role: Role::Read, decoding: Default::default() }),
            );
        }
        if item.derives("DeriveActiveEnum") {
            let syn::Data::Enum(e) = &item.input.data else { return };
            if attr_value(attrs, "sea_orm", "db_type").as_deref() != Some("Enum") {
                return;
            }
            let Some(name) = attr_value(attrs, "sea_orm", "enum_name") else { return };
            let variants = e
                .variants
                .iter()
                .map(|v| VariantDecl {
                    variant: v.ident.to_string(),
                    value: Some(attr_value(&v.attrs, "sea_orm", "string_value").unwrap_or_else(|| v.ident.to_string())),
                    line: v.ident.span().start().line as u32,
                })
                .collect();
            cx.push(
                item.ident.span(),
                SourceId::SeaOrm,
                Decl::SqlEnum(EnumDecl { rust_name: item.ident.to_string(), target: EnumTarget::Type { name }, variants, has_other: false }),
            );
        }
    }

    fn call(&self, cx: &mut Cx, c: &syn::ExprCall, path: &syn::Path) -> bool {
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let raw = segs.len() >= 2 && segs[segs.len() - 2] == "Statement" && matches!(segs[segs.len() - 1].as_str(), "from_string" | "from_sql_and_values");
        if !raw {
            return false;
        }
        let Some(sql) = c.args.iter().nth(1) else { return true };
        let arg = cx.sql_arg(sql);
        cx.query(path.span(), SourceId::SeaOrm, &format!("Statement::{}(…, {})", segs[segs.len() - 1], short(sql)), arg, None);
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::annotations::Decl;
    use crate::sources::{scan_crate, CrateInfo, NoFiles};

    #[test]
    fn entities_enums_and_statements() {
        let src = r#"
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cake", schema_name = "bakery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_name = "cake_name")]
    pub name: String,
    pub baked_at: DateTime,
    #[sea_orm(ignore)]
    pub cached: Option<String>,
}

#[derive(EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "tea")]
pub enum Tea {
    #[sea_orm(string_value = "EverydayTea")]
    EverydayTea,
    #[sea_orm(string_value = "BreakfastTea")]
    BreakfastTea,
}

async fn raw(db: &DatabaseConnection) {
    let s = Statement::from_string(DbBackend::Postgres, "SELECT cake_name FROM bakery.cake");
}
"#;
        let s = scan_crate(
            &[("src/entity/cake.rs".into(), src.into())],
            &CrateInfo { dir: String::new(), deps: Some(vec!["sea-orm".into()]), dialect: None },
            &NoFiles,
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let got: Vec<String> = s
            .sites
            .iter()
            .map(|x| match &x.decl {
                Decl::Table(t) => {
                    format!("{} {} {:?}", x.line, t.table, t.fields.iter().map(|f| format!("{}:{}", f.column, f.rust_type.name)).collect::<Vec<_>>())
                }
                Decl::SqlEnum(e) => format!("{} enum {:?}", x.line, e.variants.iter().map(|v| v.value.clone().unwrap_or_default()).collect::<Vec<_>>()),
                Decl::Query(q) => format!("{} {}", x.line, q.sql),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            got,
            [
                "6 bakery.cake [\"id:i32\", \"cake_name:String\", \"baked_at:NaiveDateTime\"]",
                "18 enum [\"EverydayTea\", \"BreakfastTea\"]",
                "26 SELECT cake_name FROM bakery.cake",
            ]
        );
    }
}
