//! The catalog queries, one per kind and dialect: every column of every
//! table and view in one query, every enum value in another (never one per
//! site or per table, so a 75-table schema costs two round trips).

/// PostgreSQL: every column of every table, view, materialized view and
/// foreign table outside the system schemas. `pg_catalog` rather than
/// `information_schema.columns` (a view over it): `format_type` gives the
/// declared type with its modifiers (`character varying(64)`), a domain's
/// base type, and it is several times faster.
///
/// Columns: schema, table, is view, column, type, enum type schema, enum
/// type name, nullable, has default, identity, generated.
#[cfg(feature = "tokio-postgres")]
pub const POSTGRES_COLUMNS: &str = "\
SELECT n.nspname::text, c.relname::text, c.relkind IN ('v', 'm'), a.attname::text,
       format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END,
                   CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END),
       CASE WHEN t.typtype = 'e' THEN tn.nspname::text END,
       CASE WHEN t.typtype = 'e' THEN t.typname::text END,
       NOT a.attnotnull, a.atthasdef, a.attidentity <> '', a.attgenerated <> ''
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY n.nspname, c.relname, a.attnum";

/// PostgreSQL: every value of every enum type, in sort order (`pg_enum`).
#[cfg(feature = "tokio-postgres")]
pub const POSTGRES_ENUMS: &str = "\
SELECT n.nspname::text, t.typname::text, e.enumlabel::text
FROM pg_catalog.pg_enum e
JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
ORDER BY n.nspname, t.typname, e.enumsortorder";

/// SQLite: every column of every table and view (`pragma_table_xinfo`, which
/// also lists generated columns), with the table's primary-key width (an
/// `INTEGER PRIMARY KEY` alone is the rowid, filled by the database).
///
/// Columns: table, is view, column, declared type, not null, has default,
/// pk position, hidden (2, 3: generated), primary-key width.
#[cfg(feature = "rusqlite")]
pub const SQLITE_COLUMNS: &str = "\
SELECT m.name, m.type = 'view', p.name, p.type, p.\"notnull\", p.dflt_value IS NOT NULL, p.pk, p.hidden,
       (SELECT count(*) FROM pragma_table_info(m.name) k WHERE k.pk > 0)
FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid";

/// A SQLite column of `pk` position in a key `pk_width` wide, declared
/// `data_type`: the rowid alias.
#[cfg(feature = "rusqlite")]
pub fn sqlite_rowid(data_type: &str, pk: i64, pk_width: i64) -> bool {
    pk == 1 && pk_width == 1 && data_type.eq_ignore_ascii_case("INTEGER")
}
