//! Hand-written histories (`histories/<name>/`), one or more per dialect and
//! per migration layout, covering every statement kind the model handles.
//! Each is applied on the real engine and compared with the model; then a
//! few direct assertions check what the catalog comparison cannot see
//! (enum values, indexes, views).

mod common;

use common::compare_history;
use migsafe_core::Dialect;
use migsafe_fidelity::histories_dir;

/// Hand-written histories are clean: not even a warning.
fn assert_no_diagnostics(c: &common::Compared) {
    let d: Vec<String> = c.history.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(d.is_empty(), "unexpected diagnostics:\n  {}", d.join("\n  "));
}

fn sorted_keys<V>(m: &std::collections::BTreeMap<String, V>) -> Vec<&str> {
    m.keys().map(|k| k.as_str()).collect()
}

#[test]
fn postgres_flyway() {
    let Some(c) = compare_history(Dialect::Postgres, &histories_dir().join("postgres-flyway")) else { return };
    assert_no_diagnostics(&c);
    let s = &c.history.schema;

    // Flyway's numeric order: V10 after V9.
    let ids: Vec<&str> = c.history.migrations.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.last(), Some(&"V10__after_nine.sql"));

    assert_eq!(s.enums["order_status"].values, ["new", "pending", "paid", "refunded", "sent", "cancelled"]);
    assert_eq!(s.enums["feeling"].values, ["sad", "happy"]);
    assert_eq!(s.enums["billing.currency"].values, ["EUR", "USD"]);
    assert!(!s.enums.contains_key("mood") && !s.enums.contains_key("unused"));
    assert_eq!(s.column_enum("clients", "feeling").map(|e| e.name.as_str()), Some("feeling"));
    assert_eq!(s.column_enum("orders", "status").map(|e| e.name.as_str()), Some("order_status"));

    assert_eq!(sorted_keys(&s.views), ["customer_emails"]);
    assert_eq!(s.views["customer_emails"].columns, ["id", "email"]);

    let idx = &s.indexes;
    assert!(!idx.contains_key("orders_open_idx"), "dropped index still modelled");
    assert!(idx["customers_lower_email"].unique);
    assert_eq!(idx["customers_lower_email"].table, "clients", "index follows its renamed table");
    assert!(!idx["orders_customer_idx"].unique && !idx["orders_customer_idx"].concurrently);
    assert!(idx["orders_placed_idx"].concurrently);
    assert_eq!(idx["invoices_issued_idx"].table, "billing.bills");

    let orders = &s.tables["orders"];
    assert_eq!(orders.primary_key, ["id"]);
    assert!(orders.foreign_keys.iter().any(|f| f.references == "clients" || f.references == "customers"));
    assert!(s.tables["billing.bills"].columns.iter().any(|c| c.name == "id" && c.identity));
    assert!(s.tables["order_items"].column("line").unwrap().identity);
    assert!(s.tables["clients"].column("id").unwrap().identity);
}

#[test]
fn mysql_sqlx() {
    let Some(c) = compare_history(Dialect::Mysql, &histories_dir().join("mysql-sqlx")) else { return };
    assert_no_diagnostics(&c);
    let s = &c.history.schema;

    let ids: Vec<&str> = c.history.migrations.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "20240101000000_create_tables.up.sql",
            "20240102000000_indexes_and_views.up.sql",
            "20240103000000_alters.up.sql",
            "20240104000000_data_and_unmodelled.up.sql"
        ]
    );
    assert!(c.history.migrations.iter().all(|m| m.down.is_some()));

    assert_eq!(sorted_keys(&s.views), ["big_orders", "customer_emails"]);
    assert_eq!(s.views["customer_emails"].columns, ["id", "email"]);

    let idx = &s.indexes;
    assert!(idx["customers_nick_uniq"].unique);
    assert_eq!(idx["customers_nick_uniq"].table, "clients", "index follows its renamed table");
    assert_eq!(idx["orders_customer_idx"].columns, ["customer_id"]);
    assert!(!idx.contains_key("orders_note_idx"), "dropped index still modelled");

    let clients = &s.tables["clients"];
    assert!(clients.column("id").unwrap().identity);
    assert_eq!(clients.column("level").unwrap().ty.catalog, "enum");
    assert!(s.tables["order_items"].column("id").unwrap().identity);
    assert!(s.tables["audit_events"].column("id").unwrap().identity);
    assert!(!s.tables.contains_key("customers") && !s.tables.contains_key("events"));
}

#[test]
fn sqlite_dbmate() {
    let Some(c) = compare_history(Dialect::Sqlite, &histories_dir().join("sqlite-dbmate")) else { return };
    assert_no_diagnostics(&c);
    let s = &c.history.schema;

    assert_eq!(c.history.migrations.len(), 5);
    assert!(c.history.migrations.iter().all(|m| m.down.is_some()));

    assert_eq!(sorted_keys(&s.views), ["customer_emails"]);
    assert_eq!(s.views["customer_emails"].columns, ["id", "email"]);

    let idx = &s.indexes;
    assert!(idx["customers_lower_email"].unique);
    assert_eq!(idx["customers_lower_email"].table, "clients", "index follows its renamed table");
    assert!(!idx["orders_customer_idx"].unique);
    assert!(!idx.contains_key("orders_open_idx"));

    assert!(s.tables["clients"].column("id").unwrap().identity, "INTEGER PRIMARY KEY is the rowid");
    assert!(s.tables["orders"].column("id").unwrap().identity, "integer primary key is the rowid");
    assert!(!s.tables["order_items"].column("order_id").unwrap().identity, "a composite key is no rowid alias");
    assert!(s.tables["orders"].column("total_with_tax").unwrap().generated);
    assert!(!s.tables["preferences"].column("key").unwrap().identity, "WITHOUT ROWID: no rowid alias");
    assert!(s.tables["counters"].column("id").unwrap().identity, "STRICT keeps the rowid");
}

#[test]
fn postgres_diesel_with_a_loose_data_file_and_alter_index_if_exists() {
    // Issue 11: a diesel history with a data file beside its folders and an
    // `ALTER INDEX IF EXISTS … RENAME TO …` made `schema` exit 2.
    let Some(c) = compare_history(Dialect::Postgres, &histories_dir().join("postgres-diesel")) else { return };
    let d: Vec<String> = c.history.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(d.len(), 1, "only the note on the ignored file:\n  {}", d.join("\n  "));
    assert!(d[0].contains("countries_seed.sql") && d[0].contains("info: diesel reads only"), "{}", d[0]);
    assert!(c.history.schema.unread.is_empty(), "every statement was read: {:?}", c.history.schema.unread);
    assert_eq!(c.history.migrations.len(), 4);
    assert!(c.history.migrations.iter().all(|m| m.down.is_some()));

    // Every index the model holds is the engine's, on the same table (the
    // engine also has the constraints' own indexes, which the model leaves out).
    let s = &c.history.schema;
    assert_eq!(sorted_keys(&s.indexes), ["idx_invoices_user", "idx_users_email", "idx_users_name"]);
    for (name, idx) in &s.indexes {
        assert_eq!(c.engine_indexes.get(name), Some(&idx.table), "index {name}: model on {}, engine {:?}", idx.table, c.engine_indexes);
    }
    assert!(c.engine_indexes.contains_key("users_id_pkey"));
    assert!(s.indexes["idx_users_email"].unique);
    assert!(s.tables["invoices"].column("id").unwrap().identity);
    assert!(s.tables["users"].column("display_name").is_some());
}
