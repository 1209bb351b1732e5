//! The catalog queries, one per kind of object and dialect: every column of
//! every table and view in one query, every enum value in another, every
//! index, every column default (never one per site or per table, so a
//! 75-table schema costs a few round trips). The one copy of this SQL: the
//! runtime's start-up guard and `cargo migsafe verify` both send it, and
//! hand the rows to this module's parent as [`CatalogColumn`](super::CatalogColumn)s
//! and friends. Text only: no IO here.

/// PostgreSQL: every column of every table, view, materialized view and
/// foreign table outside the system schemas. `pg_catalog` rather than
/// `information_schema.columns` (a view over it): `format_type` gives the
/// declared type with its modifiers (`character varying(64)`), a domain's
/// base type, and it is several times faster.
///
/// Columns: schema, table, is view, column, type, enum type schema, enum
/// type name, nullable, has default, identity, generated.
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
///
/// Columns: schema, type, value.
pub const POSTGRES_ENUMS: &str = "\
SELECT n.nspname::text, t.typname::text, e.enumlabel::text
FROM pg_catalog.pg_enum e
JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
ORDER BY n.nspname, t.typname, e.enumsortorder";

/// PostgreSQL: every index of every table outside the system schemas, its
/// key columns (an expression's place is left out) joined by `,`.
///
/// Columns: schema, table, index, unique, primary key, columns.
pub const POSTGRES_INDEXES: &str = "\
SELECT n.nspname::text, t.relname::text, i.relname::text, x.indisunique, x.indisprimary,
       array_to_string(ARRAY(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                             JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                             ORDER BY k.ord), ',')
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY n.nspname, t.relname, i.relname";

/// PostgreSQL: every column default (`pg_attrdef`), as the server prints it
/// (`'pending'::order_status`, `now()`, `nextval('t_id_seq'::regclass)`).
///
/// Columns: schema, table, column, expression.
pub const POSTGRES_DEFAULTS: &str = "\
SELECT n.nspname::text, c.relname::text, a.attname::text, pg_catalog.pg_get_expr(d.adbin, d.adrelid)
FROM pg_catalog.pg_attrdef d
JOIN pg_catalog.pg_class c ON c.oid = d.adrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
WHERE c.relkind IN ('r', 'p', 'f') AND NOT a.attisdropped AND a.attgenerated = ''
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY n.nspname, c.relname, a.attnum";

/// MySQL / MariaDB: every column of every table and view of the connection's
/// database. `COLUMN_TYPE` is the declared type with its arguments
/// (`enum('a','b')`, `varchar(64)`, `bigint(20) unsigned`); MariaDB shows a
/// nullable column without a default as the default `NULL`.
///
/// Columns: schema (empty), table, is view, column, type, nullable, has
/// default, auto_increment, generated. Booleans as 0 / 1.
pub const MYSQL_COLUMNS: &str = "\
SELECT '', c.TABLE_NAME, t.TABLE_TYPE = 'VIEW', c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE = 'YES',
       c.COLUMN_DEFAULT IS NOT NULL AND c.COLUMN_DEFAULT <> 'NULL',
       c.EXTRA LIKE '%auto_increment%', c.EXTRA LIKE '%GENERATED%'
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = DATABASE()
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION";

/// MySQL / MariaDB: every index column of the connection's database, in
/// index order (one row per column: the caller groups them).
///
/// Columns: table, index, unique (0 / 1), column.
pub const MYSQL_INDEXES: &str = "\
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE = 0, COLUMN_NAME
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

/// MySQL / MariaDB: every column default of the connection's tables.
///
/// Columns: table, column, expression.
pub const MYSQL_DEFAULTS: &str = "\
SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_DEFAULT
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE <> 'VIEW'
  AND c.COLUMN_DEFAULT IS NOT NULL AND c.COLUMN_DEFAULT <> 'NULL'
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION";

/// SQLite: every column of every table and view (`pragma_table_xinfo`, which
/// also lists generated columns), with the table's primary-key width (an
/// `INTEGER PRIMARY KEY` alone is the rowid, filled by the database).
///
/// Columns: table, is view, column, declared type, not null, has default,
/// pk position, hidden (2, 3: generated), primary-key width.
pub const SQLITE_COLUMNS: &str = "\
SELECT m.name, m.type = 'view', p.name, p.type, p.\"notnull\", p.dflt_value IS NOT NULL, p.pk, p.hidden,
       (SELECT count(*) FROM pragma_table_info(m.name) k WHERE k.pk > 0)
FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid";

/// SQLite: every index column of every table (one row per column, in index
/// order), with how the index came to be (`c` CREATE INDEX, `u` a UNIQUE
/// constraint, `pk` the primary key).
///
/// Columns: table, index, unique, origin, column.
pub const SQLITE_INDEXES: &str = "\
SELECT m.name, l.name, l.\"unique\", l.origin, i.name
FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_info(l.name) i
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, l.name, i.seqno";

/// SQLite: every column default, as written in the table's definition.
///
/// Columns: table, column, expression.
pub const SQLITE_DEFAULTS: &str = "\
SELECT m.name, p.name, p.dflt_value
FROM sqlite_master m JOIN pragma_table_info(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND p.dflt_value IS NOT NULL
ORDER BY m.name, p.cid";

/// A row of [`MYSQL_COLUMNS`], as every driver reads it.
pub type MysqlColumnRow = (String, String, i64, String, String, i64, i64, i64, i64);

/// The column a row of [`MYSQL_COLUMNS`] describes (one decoding for the CLI's and the runtime's drivers).
pub fn mysql_column((schema, table, view, column, data_type, nullable, has_default, identity, generated): MysqlColumnRow) -> super::CatalogColumn {
    super::CatalogColumn {
        schema,
        table,
        view: view != 0,
        column,
        data_type,
        enum_type: None,
        nullable: nullable != 0,
        has_default: has_default != 0,
        identity: identity != 0,
        generated: generated != 0,
    }
}

/// A row of [`SQLITE_COLUMNS`]: table, is view, column, declared type, not null, has default, pk position,
/// hidden, primary-key width.
pub type SqliteColumnRow = (String, bool, String, String, bool, bool, i64, i64, i64);

/// The column a row of [`SQLITE_COLUMNS`] describes.
pub fn sqlite_column((table, view, column, data_type, not_null, has_default, pk, hidden, pk_width): SqliteColumnRow) -> super::CatalogColumn {
    super::CatalogColumn {
        schema: String::new(),
        table,
        view,
        column,
        identity: sqlite_rowid(&data_type, pk, pk_width),
        data_type,
        enum_type: None,
        nullable: !not_null,
        has_default,
        // 2, 3: a generated column (virtual, stored).
        generated: hidden == 2 || hidden == 3,
    }
}

/// A SQLite column of `pk` position in a key `pk_width` wide, declared
/// `data_type`: the rowid alias.
pub fn sqlite_rowid(data_type: &str, pk: i64, pk_width: i64) -> bool {
    pk == 1 && pk_width == 1 && data_type.eq_ignore_ascii_case("INTEGER")
}
