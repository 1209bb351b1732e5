//! Columns: their types (enums and domains resolved, SQLite's declared text
//! kept), a column definition's options, ADD / DROP / RENAME COLUMN, ALTER
//! COLUMN, and MySQL's CHANGE / MODIFY, which redefine a column whole.

use super::Ctx;
use crate::ident::ident;
use crate::schema::types::{normalize, Family};
use crate::schema::{Change, CheckConstraint, Column, ForeignKey, Inert, Removal, SqlType};
use crate::Dialect;
use sqlparser::ast::{AlterColumnOperation, ColumnDef, ColumnOption, DataType, Expr, GeneratedAs, Ident};
use sqlparser::tokenizer::Token;

/// Functions whose value differs per row: a column added with such a default rewrites the table.
const VOLATILE: &[&str] = &["random", "gen_random_uuid", "uuid_generate_v4", "uuid_generate_v1", "clock_timestamp", "nextval", "timeofday", "uuid"];

fn is_volatile(e: &Expr) -> bool {
    let s = e.to_string().to_lowercase();
    VOLATILE.iter().any(|f| s.contains(&format!("{f}(")))
}

/// `USING col` or `USING col::type` (or `CAST(col AS type)`): the plain cast, not an expression.
fn is_column_or_its_cast(d: Dialect, e: &Expr, column: &str) -> bool {
    match e {
        Expr::Identifier(i) => ident(d, i) == column,
        Expr::CompoundIdentifier(parts) => parts.last().is_some_and(|i| ident(d, i) == column),
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => is_column_or_its_cast(d, inner, column),
        _ => false,
    }
}

/// A column definition's options, as the model reads them.
#[derive(Debug, Default)]
pub(super) struct ColumnOptions {
    /// The last `NULL` or `NOT NULL` written.
    nullable: Option<bool>,
    /// The last of `NULL`, `NOT NULL`, `PRIMARY KEY` and `AUTO_INCREMENT`
    /// (the last two meaning NOT NULL): how MySQL reads a redefinition
    /// (MariaDB: `MODIFY c INT AUTO_INCREMENT NULL` is nullable, `NULL AUTO_INCREMENT` is not).
    nullable_in_order: Option<bool>,
    /// The last `DEFAULT`, as written.
    default: Option<String>,
    /// Whether a `DEFAULT` calls a function whose value differs per row.
    volatile_default: bool,
    pub(super) primary_key: bool,
    /// One single-column key per `UNIQUE`.
    pub(super) unique: Vec<Vec<String>>,
    pub(super) foreign_keys: Vec<ForeignKey>,
    pub(super) checks: Vec<CheckConstraint>,
    /// `GENERATED ALWAYS AS (expr)`: computed.
    generated: bool,
    /// `GENERATED … AS IDENTITY`, `IDENTITY`, `AUTO_INCREMENT`, `AUTOINCREMENT`: the database fills it.
    identity: bool,
    /// `GENERATED ALWAYS | BY DEFAULT AS IDENTITY`.
    generated_identity: bool,
    /// MySQL's `AUTO_INCREMENT` (SQLite's `AUTOINCREMENT`).
    auto_increment: bool,
}

impl Ctx<'_> {
    pub(super) fn column_type(&self, dt: &DataType) -> SqlType {
        let written = dt.to_string();
        let mut ty = normalize(self.d(), &written);
        let bare = written.trim_end_matches("[]");
        let key = crate::ident::annotation_name(self.d(), bare);
        if ty.family != Family::Array {
            if self.schema.enums.contains_key(&key) {
                ty.family = Family::Enum;
                ty.catalog = "USER-DEFINED".into();
                ty.user_type = Some(key);
            } else if let Some(dom) = self.schema.domains.get(&key) {
                let mut t = dom.clone();
                t.written = written.clone();
                ty = t;
            }
        }
        ty
    }

    /// A column definition's options, decoded once for CREATE TABLE, ADD
    /// COLUMN and CHANGE / MODIFY (a foreign key keeps the option's name).
    fn column_options<'o>(&self, column: &str, options: impl IntoIterator<Item = (Option<&'o Ident>, &'o ColumnOption)>) -> ColumnOptions {
        let d = self.d();
        let mut o = ColumnOptions::default();
        for (name, option) in options {
            match option {
                ColumnOption::NotNull | ColumnOption::Null => {
                    o.nullable = Some(matches!(option, ColumnOption::Null));
                    o.nullable_in_order = o.nullable;
                }
                ColumnOption::Default(e) => {
                    o.default = Some(e.to_string());
                    o.volatile_default |= is_volatile(e);
                }
                ColumnOption::PrimaryKey(_) => {
                    o.primary_key = true;
                    o.nullable_in_order = Some(false);
                }
                ColumnOption::Unique(_) => o.unique.push(vec![column.to_string()]),
                ColumnOption::ForeignKey(fk) => o.foreign_keys.push(ForeignKey {
                    name: name.map(|n| ident(d, n)),
                    columns: vec![column.to_string()],
                    references: self.name(&fk.foreign_table),
                    referred_columns: fk.referred_columns.iter().map(|c| ident(d, c)).collect(),
                }),
                ColumnOption::Check(c) => o.checks.push(CheckConstraint {
                    name: name.map(|n| ident(d, n)),
                    text: c.expr.to_string(),
                    proves_not_null: super::constraint::not_null_columns(d, &c.expr),
                    validated: true,
                }),
                ColumnOption::Generated { generation_expr: Some(_), .. } => o.generated = true,
                ColumnOption::Generated { generated_as, generation_expr: None, .. } => {
                    o.identity = true;
                    o.generated_identity |= matches!(generated_as, GeneratedAs::Always | GeneratedAs::ByDefault);
                }
                ColumnOption::Identity(_) => o.identity = true,
                ColumnOption::DialectSpecific(tokens) => {
                    let auto = tokens
                        .iter()
                        .any(|t| matches!(t, Token::Word(w) if ["AUTO_INCREMENT", "AUTOINCREMENT"].iter().any(|k| w.value.eq_ignore_ascii_case(k))));
                    o.auto_increment |= auto;
                    o.identity |= auto;
                    if auto {
                        o.nullable_in_order = Some(false);
                    }
                }
                _ => {}
            }
        }
        o
    }

    /// A new column (CREATE TABLE, ADD COLUMN) and the keys and checks its options declare.
    pub(super) fn new_column(&mut self, def: &ColumnDef) -> (Column, ColumnOptions) {
        let d = self.d();
        let sem = self.sem();
        let name = ident(d, &def.name);
        let mut ty = self.column_type(&def.data_type);
        if let Some(decl) = self.declared.iter().find(|t| t.column == name) {
            ty = normalize(d, &decl.text);
        }
        let serial = sem.is_serial(&ty.written.to_uppercase());
        let o = self.column_options(&name, def.options.iter().map(|o| (o.name.as_ref(), &o.option)));
        let mut nullable = o.nullable.unwrap_or(!serial);
        if o.generated_identity && sem.identity_is_not_null() {
            nullable = false;
        }
        let mut identity = serial || o.identity;
        if o.primary_key {
            if sem.primary_key_is_not_null() {
                nullable = false;
            }
            if sem.has_rowid() && ty.written.eq_ignore_ascii_case("INTEGER") {
                // INTEGER PRIMARY KEY is the rowid: SQLite fills it.
                identity = true;
            }
        }
        if identity && sem.auto_increment_is_not_null() {
            nullable = false;
        }
        let col = Column { name, ty, nullable, default: o.default.clone(), identity, generated: o.generated, created: self.at.clone(), changed: None };
        (col, o)
    }

    /// `ALTER TABLE … ADD [COLUMN] [IF NOT EXISTS] def`.
    pub(super) fn add_column(&mut self, key: &str, column_def: &ColumnDef, if_not_exists: bool) {
        let name = ident(self.d(), &column_def.name);
        if self.schema.column(key, &name).is_some() {
            if !if_not_exists {
                self.warn(format!("column `{name}` already exists in `{key}`"));
            }
            return;
        }
        let (col, o) = self.new_column(column_def);
        let volatile = o.volatile_default || col.ty.written.to_uppercase().contains("SERIAL");
        self.changes.push(Change::ColumnAdded {
            table: key.to_string(),
            column: name,
            ty: Box::new(col.ty.clone()),
            nullable: col.nullable,
            default: col.default.clone(),
            volatile_default: volatile,
        });
        if let Some(t) = self.schema.tables.get_mut(key) {
            if o.primary_key {
                t.primary_key.push(col.name.clone());
            }
            t.columns.push(col);
            t.unique.extend(o.unique);
            t.foreign_keys.extend(o.foreign_keys);
            t.checks.extend(o.checks);
        }
    }

    /// `ALTER TABLE … DROP [COLUMN] [IF EXISTS] a, b`: the keys and indexes on them go too.
    pub(super) fn drop_columns(&mut self, key: &str, column_names: &[Ident], if_exists: bool) {
        for n in column_names {
            let name = ident(self.d(), n);
            let present = self.schema.column(key, &name).is_some();
            if !present {
                if !if_exists {
                    self.warn(format!("column `{name}` does not exist in `{key}`"));
                }
                continue;
            }
            if let Some(t) = self.schema.tables.get_mut(key) {
                t.columns.retain(|c| c.name != name);
                t.primary_key.retain(|c| *c != name);
                t.unique.retain(|u| !u.contains(&name));
                t.foreign_keys.retain(|f| !f.columns.contains(&name));
            }
            self.schema.indexes.retain(|_, i| !(i.table == key && i.columns.contains(&name)));
            self.schema.removed.push(Removal { table: key.to_string(), column: Some(name.clone()), renamed_to: None, at: self.at.clone() });
            self.changes.push(Change::ColumnDropped { table: key.to_string(), column: name });
        }
    }

    /// MySQL `CHANGE old new def` / `MODIFY c def` (where `old` is `new`).
    pub(super) fn change_column(&mut self, key: &str, old_name: &Ident, new_name: &Ident, data_type: &DataType, options: &[ColumnOption]) {
        let from = ident(self.d(), old_name);
        let to = ident(self.d(), new_name);
        if self.schema.column(key, &from).is_none() {
            self.warn(format!("column `{from}` does not exist in `{key}`"));
            return;
        }
        if from != to {
            self.rename_column(key, &from, &to);
        }
        self.redefine_column(key, &to, data_type, options);
    }

    /// MySQL CHANGE / MODIFY: the column is redefined whole.
    fn redefine_column(&mut self, key: &str, name: &str, data_type: &DataType, options: &[ColumnOption]) {
        let new_ty = self.column_type(data_type);
        let Some(old) = self.schema.column(key, name).cloned() else { return };
        let o = self.column_options(name, options.iter().map(|o| (None, o)));
        let (default, identity) = (o.default, o.auto_increment);
        let mut nullable = o.nullable_in_order.unwrap_or(true);
        // MySQL keeps a primary key column NOT NULL whatever the new definition says.
        if self.schema.tables.get(key).is_some_and(|t| t.primary_key.iter().any(|c| c == name)) {
            nullable = false;
        }
        if old.ty != new_ty {
            self.changes.push(Change::ColumnTypeChanged {
                table: key.into(),
                column: name.into(),
                from: Box::new(old.ty.clone()),
                to: Box::new(new_ty.clone()),
                using: false,
            });
        }
        if old.nullable && !nullable {
            self.changes.push(Change::SetNotNull { table: key.into(), column: name.into() });
        } else if !old.nullable && nullable {
            self.changes.push(Change::DropNotNull { table: key.into(), column: name.into() });
        }
        if old.default.is_some() && default.is_none() {
            self.changes.push(Change::DropDefault { table: key.into(), column: name.into() });
        } else if let (Some(dflt), true) = (&default, old.default != default) {
            self.changes.push(Change::SetDefault { table: key.into(), column: name.into(), default: dflt.clone() });
        }
        let at = self.at.clone();
        if let Some(c) = self.schema.tables.get_mut(key).and_then(|t| t.column_mut(name)) {
            c.ty = new_ty;
            c.nullable = nullable;
            c.default = default;
            c.identity = identity || (c.identity && !nullable);
            c.changed = Some(at);
        }
    }

    /// `ALTER TABLE … ALTER [COLUMN] c <op>`.
    pub(super) fn alter_column(&mut self, key: &str, column_name: &Ident, op: &AlterColumnOperation) {
        let name = ident(self.d(), column_name);
        if self.schema.column(key, &name).is_none() {
            self.warn(format!("column `{name}` does not exist in `{key}`"));
            return;
        }
        let name = name.as_str();
        let at = self.at.clone();
        let d = self.d();
        let new_ty = match op {
            AlterColumnOperation::SetDataType { data_type, .. } => Some(self.column_type(data_type)),
            _ => None,
        };
        let Some(col) = self.schema.tables.get_mut(key).and_then(|t| t.column_mut(name)) else { return };
        let change = match op {
            AlterColumnOperation::SetNotNull => {
                col.nullable = false;
                Change::SetNotNull { table: key.into(), column: name.into() }
            }
            AlterColumnOperation::DropNotNull => {
                col.nullable = true;
                Change::DropNotNull { table: key.into(), column: name.into() }
            }
            AlterColumnOperation::SetDefault { value } => {
                col.default = Some(value.to_string());
                Change::SetDefault { table: key.into(), column: name.into(), default: value.to_string() }
            }
            AlterColumnOperation::DropDefault => {
                col.default = None;
                if col.ty.written.to_uppercase().contains("SERIAL") {
                    col.identity = false;
                }
                Change::DropDefault { table: key.into(), column: name.into() }
            }
            AlterColumnOperation::SetDataType { using, .. } => {
                let to = new_ty.unwrap_or_else(|| col.ty.clone());
                let from = std::mem::replace(&mut col.ty, to.clone());
                let using = using.as_ref().is_some_and(|e| !is_column_or_its_cast(d, e, name));
                Change::ColumnTypeChanged { table: key.into(), column: name.into(), from: Box::new(from), to: Box::new(to), using }
            }
            AlterColumnOperation::AddGenerated { .. } => {
                col.identity = true;
                col.nullable = false;
                Change::NoSchemaEffect { what: Inert::Other("identity".into()) }
            }
            AlterColumnOperation::GenericOptions { .. } => Change::NoSchemaEffect { what: Inert::Other("foreign table column options".into()) },
        };
        col.changed = Some(at);
        self.changes.push(change);
    }

    pub(super) fn rename_column(&mut self, key: &str, from: &str, to: &str) {
        let Some(t) = self.schema.tables.get_mut(key) else { return };
        let Some(c) = t.column_mut(from) else {
            self.warn(format!("column `{from}` does not exist in `{key}`"));
            return;
        };
        c.name = to.to_string();
        for pk in t.primary_key.iter_mut().filter(|c| *c == from) {
            *pk = to.to_string();
        }
        for u in t.unique.iter_mut().flatten().filter(|c| *c == from) {
            *u = to.to_string();
        }
        for i in self.schema.indexes.values_mut().filter(|i| i.table == key) {
            for c in i.columns.iter_mut().filter(|c| *c == from) {
                *c = to.to_string();
            }
        }
        self.schema.removed.push(Removal { table: key.to_string(), column: Some(from.to_string()), renamed_to: Some(to.to_string()), at: self.at.clone() });
        self.changes.push(Change::ColumnRenamed { table: key.to_string(), from: from.to_string(), to: to.to_string() });
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::apply::tests::{col, run};
    use crate::Dialect;

    #[test]
    fn mysql_primary_key_column_stays_not_null_when_redefined() {
        let (s, d) =
            run(Dialect::Mysql, "CREATE TABLE t (k VARCHAR(8), v INT, PRIMARY KEY (k)); ALTER TABLE t MODIFY k VARCHAR(20); ALTER TABLE t CHANGE v w BIGINT;");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(col(&s, "t", "k"), ("varchar".into(), false));
        assert_eq!(col(&s, "t", "w"), ("bigint".into(), true));
    }

    #[test]
    fn a_redefinition_reads_null_and_auto_increment_in_order_as_mariadb_does() {
        // MariaDB 10.11: `MODIFY id INT AUTO_INCREMENT NULL` leaves `id` nullable; `NULL AUTO_INCREMENT` does not.
        let (s, d) = run(
            Dialect::Mysql,
            "CREATE TABLE t (a INT, b INT, c INT, KEY (a), KEY (b), KEY (c));
             ALTER TABLE t MODIFY a INT AUTO_INCREMENT NULL;
             ALTER TABLE t MODIFY b INT NULL AUTO_INCREMENT;
             ALTER TABLE t MODIFY c INT AUTO_INCREMENT;",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!([col(&s, "t", "a").1, col(&s, "t", "b").1, col(&s, "t", "c").1], [true, false, false]);
        assert!(s.column("t", "b").unwrap().identity && s.column("t", "c").unwrap().identity);
    }

    #[test]
    fn identity_options_and_sqlite_table_options_parse() {
        // sqlparser 0.63 rejected both; PostgreSQL and SQLite accept them.
        let (s, d) = run(Dialect::Postgres, "CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 5), n text);");
        assert!(d.is_empty(), "{d:?}");
        assert!(s.column("t", "id").unwrap().identity);
        assert_eq!(col(&s, "t", "id"), ("integer".into(), false));
        let (s, d) =
            run(Dialect::Sqlite, "CREATE TABLE k (a TEXT PRIMARY KEY, b INTEGER) WITHOUT ROWID, STRICT;\nCREATE TABLE r (id INTEGER PRIMARY KEY) STRICT;");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(col(&s, "k", "a"), ("TEXT".into(), false), "WITHOUT ROWID keys are NOT NULL");
        assert!(s.column("r", "id").unwrap().identity);
    }

    #[test]
    fn sqlite_declared_types_are_kept_as_written() {
        let (s, d) = run(
            Dialect::Sqlite,
            "PRAGMA foreign_keys = ON;
             CREATE TABLE t (id integer primary key, n varchar(255) NOT NULL, big UNSIGNED BIG INT, x, p NUMERIC(10, 2) DEFAULT 0, CHECK (id > 0));
             ALTER TABLE t ADD COLUMN c native character(70);",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(col(&s, "t", "id"), ("INTEGER".into(), true));
        assert!(s.column("t", "id").unwrap().identity);
        assert_eq!(col(&s, "t", "n"), ("varchar(255)".into(), false));
        assert_eq!(col(&s, "t", "big"), ("UNSIGNED BIG INT".into(), true));
        assert_eq!(col(&s, "t", "x"), ("".into(), true));
        assert_eq!(col(&s, "t", "p"), ("NUMERIC(10, 2)".into(), true));
        assert_eq!(col(&s, "t", "c"), ("native character(70)".into(), true));
    }
}
