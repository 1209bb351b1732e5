//! A script applied to a schema that already has a table, in every dialect:
//! never a panic, whatever the statements do to it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use migsafe_core::migrations::Script;
use migsafe_core::schema::{apply_script, Schema};
use migsafe_core::Dialect;

const BASE: &str = "CREATE TABLE orders (id BIGINT PRIMARY KEY, status TEXT NOT NULL, note TEXT);\n";

fuzz_target!(|text: &str| {
    for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        let mut schema = Schema::new(dialect);
        let base = Script { path: "migrations/V1__base.sql".into(), text: BASE.into(), first_line: 1 };
        let _ = apply_script(&mut schema, &base);
        let script = Script { path: "migrations/V2__fuzz.sql".into(), text: text.into(), first_line: 1 };
        let _ = apply_script(&mut schema, &script);
    }
});
