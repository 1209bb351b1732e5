//! Column types: the name each engine's catalog gives a declared type, and
//! the family used to decide what a Rust type decodes and which changes
//! are widenings.

use crate::Dialect;
use serde::{Deserialize, Serialize};

/// A column type as declared and as the catalog names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlType {
    /// As written in the migration (`VARCHAR(16)`, `order_status`).
    pub written: String,
    /// As `information_schema.columns.data_type` names it (PostgreSQL,
    /// MySQL) or the declared type (SQLite's `PRAGMA table_info`).
    pub catalog: String,
    pub family: Family,
    /// Length of a char / varchar / binary type, precision of numeric.
    pub length: Option<u64>,
    pub scale: Option<u64>,
    /// The enum (or domain) type this column is of.
    pub user_type: Option<String>,
}

/// What a type holds, for decoding and widening decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Family {
    /// Signed integer of this many bytes.
    Int(u8),
    /// Unsigned integer (MySQL) of this many bytes.
    UInt(u8),
    Float(u8),
    Numeric,
    /// Variable or fixed text; `fixed` for CHAR(n).
    Text {
        fixed: bool,
    },
    Bool,
    Uuid,
    Timestamp {
        tz: bool,
    },
    Date,
    Time,
    Interval,
    Json,
    Bytes,
    Enum,
    Array,
    Other,
}

impl SqlType {
    /// The values of an inline enum (MySQL `ENUM('a', 'b')`), in order; `None`
    /// for any other type (a PostgreSQL enum type keeps its values in the schema).
    pub fn inline_enum_values(&self) -> Option<Vec<String>> {
        if self.family != Family::Enum || self.user_type.is_some() {
            return None;
        }
        let open = self.written.find('(')?;
        let mut values = Vec::new();
        let mut chars = self.written[open + 1..].chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    let mut v = String::new();
                    loop {
                        match chars.next()? {
                            '\'' if chars.peek() == Some(&'\'') => {
                                chars.next();
                                v.push('\'');
                            }
                            '\'' => break,
                            '\\' => v.push(chars.next()?),
                            other => v.push(other),
                        }
                    }
                    values.push(v);
                }
                ')' => return Some(values),
                _ => {}
            }
        }
        None
    }

    /// A short human name: `bigint`, `character varying(16)`, `order_status`,
    /// `enum('a','b')`.
    pub fn display(&self) -> String {
        if let Some(u) = &self.user_type {
            return u.clone();
        }
        if let Some(values) = self.inline_enum_values() {
            let quoted: Vec<String> = values.iter().map(|v| format!("'{}'", v.replace('\'', "''"))).collect();
            return format!("enum({})", quoted.join(","));
        }
        match self.length {
            Some(n) if matches!(self.family, Family::Text { .. } | Family::Bytes) => format!("{}({n})", self.catalog),
            _ => self.catalog.clone(),
        }
    }

    /// Every value of `self` fits `to` without loss or error (a widening, or the same type).
    pub fn widens_to(&self, to: &SqlType) -> bool {
        use Family::*;
        if self.catalog == to.catalog && self.user_type == to.user_type && self.length == to.length && self.scale == to.scale && self.family != Enum {
            return true;
        }
        match (self.family, to.family) {
            (Int(a), Int(b)) => a <= b,
            (UInt(a), UInt(b)) => a <= b,
            (UInt(a), Int(b)) => a < b,
            (Float(a), Float(b)) => a <= b,
            (Int(_), Numeric) => to.length.is_none(),
            (Text { .. }, Text { fixed: false }) => match (self.length, to.length) {
                (_, None) => true,
                (Some(a), Some(b)) => a <= b,
                (None, Some(_)) => false,
            },
            (Text { fixed: true }, Text { fixed: true }) => self.length == to.length,
            (Numeric, Numeric) => match (self.length, to.length) {
                (_, None) => true,
                (Some(a), Some(b)) => a <= b && self.scale.unwrap_or(0) <= to.scale.unwrap_or(0),
                (None, Some(_)) => false,
            },
            (Bytes, Bytes) => matches!((self.length, to.length), (_, None)) || self.length <= to.length,
            (Timestamp { tz: a }, Timestamp { tz: b }) => a == b,
            // A MySQL ENUM that keeps every value it had.
            (Enum, Enum) => match (self.inline_enum_values(), to.inline_enum_values()) {
                (Some(from), Some(to)) => from.iter().all(|v| to.contains(v)),
                _ => self.user_type.is_some() && self.user_type == to.user_type,
            },
            _ => false,
        }
    }

    /// Rust code that decodes `self` still decodes `to` (same family and
    /// width; for a wire-format decoder, the same binary form).
    pub fn decodes_as(&self, to: &SqlType, decoding: crate::annotations::Decoding) -> bool {
        use Family::*;
        match (self.family, to.family) {
            // PostgreSQL sends both as microseconds since 2000.
            (Timestamp { .. }, Timestamp { .. }) if decoding == crate::annotations::Decoding::WireFormat => true,
            (Text { .. }, Text { .. }) => true,
            (Enum, Enum) => self.user_type == to.user_type,
            (Numeric, Numeric) => true,
            (a, b) => a == b,
        }
    }
}

/// Normalise a declared type (sqlparser's rendering of it) for `dialect`.
/// `user_type` is set by the caller when the name is a known enum or domain.
pub fn normalize(dialect: Dialect, written: &str) -> SqlType {
    let w = written.trim();
    let upper = w.to_uppercase();
    let array = upper.ends_with("[]") || upper.starts_with("ARRAY<") || upper.contains("[]");
    let (base, args) = match upper.find('(') {
        Some(i) => {
            let close = upper.rfind(')').unwrap_or(upper.len());
            (format!("{}{}", upper[..i].trim(), upper[close.min(upper.len())..].trim_start_matches(')')), upper[i + 1..close.max(i + 1)].to_string())
        }
        None => (upper.clone(), String::new()),
    };
    let base = base.trim().trim_end_matches("[]").trim().to_string();
    let mut nums = args.split(',').filter_map(|a| a.trim().parse::<u64>().ok());
    let length = nums.next();
    let scale = nums.next();
    let unsigned = base.contains("UNSIGNED");
    let base_word = base.replace(" UNSIGNED", "").replace(" ZEROFILL", "");
    let base_word = base_word.trim();

    if dialect == Dialect::Sqlite {
        return sqlite_type(w, base_word, length, scale);
    }
    if array && dialect == Dialect::Postgres {
        return SqlType { written: w.to_string(), catalog: "ARRAY".into(), family: Family::Array, length: None, scale: None, user_type: None };
    }
    let (catalog, family, length) = match dialect {
        Dialect::Postgres => pg_type(base_word, length),
        Dialect::Mysql => mysql_type(base_word, length, unsigned),
        Dialect::Sqlite => unreachable!("handled above"),
    };
    SqlType { written: w.to_string(), catalog, family, length, scale, user_type: None }
}

fn pg_type(base: &str, length: Option<u64>) -> (String, Family, Option<u64>) {
    use Family::*;
    let (name, fam, keep_len): (&str, Family, bool) = match base {
        "INT" | "INTEGER" | "INT4" | "SERIAL" | "SERIAL4" => ("integer", Int(4), false),
        "BIGINT" | "INT8" | "BIGSERIAL" | "SERIAL8" => ("bigint", Int(8), false),
        "SMALLINT" | "INT2" | "SMALLSERIAL" | "SERIAL2" => ("smallint", Int(2), false),
        "TEXT" | "CITEXT" | "STRING" => (if base == "CITEXT" { "USER-DEFINED" } else { "text" }, Text { fixed: false }, false),
        "VARCHAR" | "CHARACTER VARYING" | "CHAR VARYING" => ("character varying", Text { fixed: false }, true),
        "CHAR" | "CHARACTER" | "BPCHAR" => ("character", Text { fixed: true }, true),
        "BOOLEAN" | "BOOL" => ("boolean", Bool, false),
        "REAL" | "FLOAT4" => ("real", Float(4), false),
        "DOUBLE PRECISION" | "FLOAT8" | "DOUBLE" => ("double precision", Float(8), false),
        "FLOAT" => {
            return match length {
                Some(n) if n <= 24 => ("real".into(), Float(4), None),
                _ => ("double precision".into(), Float(8), None),
            }
        }
        "NUMERIC" | "DECIMAL" | "DEC" => ("numeric", Numeric, true),
        "UUID" => ("uuid", Uuid, false),
        "JSON" => ("json", Json, false),
        "JSONB" => ("jsonb", Json, false),
        "BYTEA" => ("bytea", Bytes, false),
        "DATE" => ("date", Date, false),
        "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE" | "DATETIME" => ("timestamp without time zone", Timestamp { tz: false }, false),
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => ("timestamp with time zone", Timestamp { tz: true }, false),
        "TIME" | "TIME WITHOUT TIME ZONE" => ("time without time zone", Time, false),
        "TIMETZ" | "TIME WITH TIME ZONE" => ("time with time zone", Time, false),
        "INTERVAL" => ("interval", Interval, false),
        "INET" => ("inet", Other, false),
        "CIDR" => ("cidr", Other, false),
        "MACADDR" => ("macaddr", Other, false),
        "TSVECTOR" => ("tsvector", Other, false),
        "MONEY" => ("money", Other, false),
        "XML" => ("xml", Other, false),
        "OID" => ("oid", Int(4), false),
        "BIT" => ("bit", Other, true),
        "BIT VARYING" | "VARBIT" => ("bit varying", Other, true),
        "POINT" => ("point", Other, false),
        "LTREE" => ("USER-DEFINED", Other, false),
        _ => {
            if base.starts_with("INTERVAL") {
                ("interval", Interval, false)
            } else if base.starts_with("TIMESTAMP") && base.contains("WITH TIME ZONE") && !base.contains("WITHOUT") {
                ("timestamp with time zone", Timestamp { tz: true }, false)
            } else if base.starts_with("TIMESTAMP") {
                ("timestamp without time zone", Timestamp { tz: false }, false)
            } else {
                // A user-defined type (enum, domain, extension type); the caller resolves enums.
                ("USER-DEFINED", Other, false)
            }
        }
    };
    (name.to_string(), fam, if keep_len { length } else { None })
}

fn mysql_type(base: &str, length: Option<u64>, unsigned: bool) -> (String, Family, Option<u64>) {
    use Family::*;
    let int = |n: u8| if unsigned { UInt(n) } else { Int(n) };
    let (name, fam, keep_len): (&str, Family, bool) = match base {
        "TINYINT" => ("tinyint", if length == Some(1) && !unsigned { Bool } else { int(1) }, false),
        "BOOL" | "BOOLEAN" => ("tinyint", Bool, false),
        "SMALLINT" => ("smallint", int(2), false),
        "MEDIUMINT" => ("mediumint", int(3), false),
        "INT" | "INTEGER" => ("int", int(4), false),
        "BIGINT" => ("bigint", int(8), false),
        "SERIAL" => ("bigint", UInt(8), false),
        "FLOAT" => ("float", Float(4), false),
        "DOUBLE" | "DOUBLE PRECISION" | "REAL" => ("double", Float(8), false),
        "DECIMAL" | "NUMERIC" | "DEC" | "FIXED" => ("decimal", Numeric, true),
        "VARCHAR" | "CHARACTER VARYING" | "NVARCHAR" => ("varchar", Text { fixed: false }, true),
        "CHAR" | "CHARACTER" | "NCHAR" => ("char", Text { fixed: true }, true),
        "TEXT" => ("text", Text { fixed: false }, false),
        "TINYTEXT" => ("tinytext", Text { fixed: false }, false),
        "MEDIUMTEXT" => ("mediumtext", Text { fixed: false }, false),
        "LONGTEXT" => ("longtext", Text { fixed: false }, false),
        // MariaDB stores JSON as LONGTEXT with a CHECK.
        "JSON" => ("longtext", Json, false),
        "BLOB" => ("blob", Bytes, false),
        "TINYBLOB" => ("tinyblob", Bytes, false),
        "MEDIUMBLOB" => ("mediumblob", Bytes, false),
        "LONGBLOB" => ("longblob", Bytes, false),
        "BINARY" => ("binary", Bytes, true),
        "VARBINARY" => ("varbinary", Bytes, true),
        "DATE" => ("date", Date, false),
        "DATETIME" => ("datetime", Timestamp { tz: false }, false),
        "TIMESTAMP" => ("timestamp", Timestamp { tz: true }, false),
        "TIME" => ("time", Time, false),
        "YEAR" => ("year", Int(2), false),
        "BIT" => ("bit", Other, true),
        "UUID" => ("uuid", Uuid, false),
        _ if base.starts_with("ENUM") => ("enum", Enum, false),
        _ if base.starts_with("SET") => ("set", Other, false),
        _ => ("USER-DEFINED", Other, false),
    };
    (name.to_string(), fam, if keep_len { length } else { None })
}

/// SQLite keeps the declared type as written; the family follows its affinity rules.
fn sqlite_type(written: &str, base: &str, length: Option<u64>, scale: Option<u64>) -> SqlType {
    use Family::*;
    let family = if base.contains("INT") {
        Int(8)
    } else if base.contains("CHAR") || base.contains("CLOB") || base.contains("TEXT") {
        Text { fixed: false }
    } else if base.contains("BLOB") || base.is_empty() {
        Bytes
    } else if base.contains("REAL") || base.contains("FLOA") || base.contains("DOUB") {
        Float(8)
    } else if base.contains("BOOL") {
        Bool
    } else if base.contains("DATETIME") || base.contains("TIMESTAMP") {
        Timestamp { tz: false }
    } else if base == "DATE" {
        Date
    } else {
        Numeric
    };
    // Since 3.37 SQLite reports the standard type names (its STRICT types)
    // in upper case, however they were written: `integer` → `INTEGER`.
    let catalog = match ["ANY", "BLOB", "INT", "INTEGER", "REAL", "TEXT"].iter().find(|t| written.eq_ignore_ascii_case(t)) {
        Some(std) => std.to_string(),
        None => written.to_string(),
    };
    SqlType { written: written.to_string(), catalog, family, length, scale, user_type: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(d: Dialect, t: &str) -> String {
        normalize(d, t).catalog
    }

    #[test]
    fn postgres_names_match_information_schema() {
        assert_eq!(cat(Dialect::Postgres, "VARCHAR(16)"), "character varying");
        assert_eq!(cat(Dialect::Postgres, "TIMESTAMPTZ"), "timestamp with time zone");
        assert_eq!(cat(Dialect::Postgres, "TIMESTAMP"), "timestamp without time zone");
        assert_eq!(cat(Dialect::Postgres, "BIGSERIAL"), "bigint");
        assert_eq!(cat(Dialect::Postgres, "CHAR(3)"), "character");
        assert_eq!(cat(Dialect::Postgres, "TEXT[]"), "ARRAY");
        assert_eq!(cat(Dialect::Postgres, "FLOAT"), "double precision");
        assert_eq!(cat(Dialect::Postgres, "order_status"), "USER-DEFINED");
        assert_eq!(cat(Dialect::Postgres, "NUMERIC(10,2)"), "numeric");
    }

    #[test]
    fn mysql_names_match_information_schema() {
        assert_eq!(cat(Dialect::Mysql, "INTEGER"), "int");
        assert_eq!(cat(Dialect::Mysql, "BOOLEAN"), "tinyint");
        assert_eq!(cat(Dialect::Mysql, "VARCHAR(255)"), "varchar");
        assert_eq!(cat(Dialect::Mysql, "DATETIME"), "datetime");
    }

    #[test]
    fn sqlite_names_are_declared_types_with_standard_ones_upper_cased() {
        assert_eq!(cat(Dialect::Sqlite, "integer"), "INTEGER");
        assert_eq!(cat(Dialect::Sqlite, "Text"), "TEXT");
        assert_eq!(cat(Dialect::Sqlite, "varchar(255)"), "varchar(255)");
        assert_eq!(cat(Dialect::Sqlite, "UNSIGNED BIG INT"), "UNSIGNED BIG INT");
        assert_eq!(normalize(Dialect::Sqlite, "UNSIGNED BIG INT").family, Family::Int(8));
    }

    #[test]
    fn widening_and_narrowing() {
        let v16 = normalize(Dialect::Postgres, "VARCHAR(16)");
        let v64 = normalize(Dialect::Postgres, "VARCHAR(64)");
        let text = normalize(Dialect::Postgres, "TEXT");
        let int = normalize(Dialect::Postgres, "INTEGER");
        let big = normalize(Dialect::Postgres, "BIGINT");
        assert!(v16.widens_to(&v64) && v16.widens_to(&text));
        assert!(!v64.widens_to(&v16) && !text.widens_to(&v16));
        assert!(int.widens_to(&big) && !big.widens_to(&int));
        assert!(v16.decodes_as(&text, Default::default()));
        assert!(!int.decodes_as(&big, Default::default()));
    }
}
