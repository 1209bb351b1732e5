//! Passes carried over an added migration.
//!
//! After a migration is added, the schema is the cached one with only the new
//! migration applied ([`crate::cache::Prefix`]), but the annotations that
//! passed against the old schema would all be resolved again. An annotation's
//! check reads only the relations it names (their columns, the enum types of
//! those columns, their unique indexes), so one that passed against the old
//! schema and names none of the relations the new migration changed passes
//! against the new one too. This module says which changed, conservatively:
//! anything it cannot scope to relations (functions, triggers, domains,
//! statements the parser could not read) carries nothing over.

use migsafe_core::annotations::Decl;
use migsafe_core::schema::Schema;
use std::collections::{BTreeMap, HashSet};

/// What the old passes and the schema change allow.
#[derive(Debug)]
pub struct Carry {
    /// The annotations that passed against the old schema.
    pub passed: HashSet<u128>,
    /// The words of the names of every relation (and enum type) that changed, lowercased.
    pub changed: HashSet<String>,
}

impl Carry {
    /// Whether the annotation `key` (`decl`) passed before and names nothing that changed.
    pub fn keeps(&self, key: u128, decl: &Decl) -> bool {
        if !self.passed.contains(&key) {
            return false;
        }
        // Every word of the declaration (the SQL text, table, column and type names, field types),
        // lowercased: a superset of the relations its check reads. The text is searched for each
        // changed word (there are few), rather than split into words that each need a lookup.
        // The strings themselves, not JSON text: JSON writes a newline as `\n`, which glued an `n`
        // to the next word (`FROM\norders` hid `orders`).
        let Ok(value) = serde_json::to_value(decl) else { return false };
        let mut text = String::new();
        strings(&value, &mut text);
        self.names_nothing_changed(&text)
    }

    /// [`Carry::keeps`] for a `sql!` from the source text of its string literal,
    /// without parsing it: `None` when that text's words may differ from its value's.
    pub fn keeps_literal(&self, key: u128, literal: &str) -> Option<bool> {
        let literal = same_words_as_value(literal)?;
        Some(self.passed.contains(&key) && self.names_nothing_changed(literal))
    }

    fn names_nothing_changed(&self, text: &str) -> bool {
        if self.changed.is_empty() {
            return true;
        }
        let text = fold(text);
        !self.changed.iter().any(|w| mentions(&text, w))
    }
}

/// Every string and key of `value`, each followed by a space.
fn strings(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            out.push_str(s);
            out.push(' ');
        }
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => {
            for (k, v) in map {
                out.push_str(k);
                out.push(' ');
                strings(v, out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A string literal's source text, when its words are its value's words (and
/// perhaps more): its only escapes are `\"`, `\'` and `\\`, each of which is
/// one non-word character in the value and two in the text, so the words are
/// the same; the quotes and a raw string's `r#` add words, never remove one.
/// Any other escape (`\n` would glue an `n` to the next word, `\u{…}` hides
/// letters, a line continuation joins two words) gives `None`.
fn same_words_as_value(literal: &str) -> Option<&str> {
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && !matches!(chars.next(), Some('"' | '\'' | '\\')) {
            return None;
        }
    }
    Some(literal)
}

/// Whether a character belongs to an identifier-like word.
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Lowercased, the same way for a whole text and for a name alone: `str::to_lowercase`
/// writes a final capital sigma as `ς` depending on what follows it, so `ς` is folded to `σ`.
fn fold(text: &str) -> String {
    let lower = text.to_lowercase();
    if lower.contains('ς') {
        lower.replace('ς', "σ")
    } else {
        lower
    }
}

/// Whether `word` occurs in `text` as a whole word (not inside a longer one).
fn mentions(text: &str, word: &str) -> bool {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let (at, end) = (from + i, from + i + word.len());
        if !text[..at].chars().next_back().is_some_and(word_char) && !text[end..].chars().next().is_some_and(word_char) {
            return true;
        }
        from = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The identifier-like words of `text`, folded (`"Orders".id` → `orders`, `id`).
fn words(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !word_char(c)).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// Whether two values serialize alike (the model's types have no `PartialEq`).
fn same<T: serde::Serialize>(a: &T, b: &T) -> bool {
    matches!((postcard::to_allocvec(a), postcard::to_allocvec(b)), (Ok(x), Ok(y)) if x == y)
}

/// The names of the map's entries that differ (added, dropped or changed).
fn differing<'a, T: serde::Serialize>(a: &'a BTreeMap<String, T>, b: &'a BTreeMap<String, T>) -> impl Iterator<Item = &'a String> {
    a.keys().chain(b.keys()).filter(move |k| match (a.get(*k), b.get(*k)) {
        (Some(x), Some(y)) => !same(x, y),
        _ => true,
    })
}

/// The words of every relation and enum type that differs between `old` and
/// `new`; `None` when something else differs, so that no pass carries over.
pub fn changed(old: &Schema, new: &Schema) -> Option<HashSet<String>> {
    if old.dialect != new.dialect
        || !same(&old.domains, &new.domains)
        || !same(&old.functions, &new.functions)
        || !same(&old.insert_triggers, &new.insert_triggers)
        || old.unread != new.unread
    {
        return None;
    }
    let mut names: Vec<&str> = Vec::new();
    names.extend(differing(&old.tables, &new.tables).map(String::as_str));
    names.extend(differing(&old.views, &new.views).map(String::as_str));
    let enums: Vec<&String> = differing(&old.enums, &new.enums).collect();
    for e in &enums {
        names.push(e);
        // The tables with a column of that type, in either schema.
        for schema in [old, new] {
            for (t, table) in &schema.tables {
                if table.columns.iter().any(|c| c.ty.user_type.as_deref() == Some(e.as_str())) {
                    names.push(t);
                }
            }
        }
    }
    // An index (unique ones decide ON CONFLICT) belongs to its table.
    for schema in [old, new] {
        for i in differing(&old.indexes, &new.indexes) {
            if let Some(index) = schema.indexes.get(i) {
                names.push(&index.table);
            }
        }
    }
    let mut out = HashSet::new();
    for n in names {
        let mut any = false;
        for w in words(n) {
            out.insert(w);
            any = true;
        }
        if !any {
            // A name with no word in it could hide in any text: nothing carries over.
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use migsafe_core::annotations::{Decl, SqlDecl};
    use migsafe_core::migrations::Script;
    use migsafe_core::schema::apply_script;
    use migsafe_core::Dialect;

    fn schema(sql: &str) -> Schema {
        let mut s = Schema::new(Dialect::Postgres);
        let (_, d) = apply_script(&mut s, &Script { path: "m.sql".into(), text: sql.into(), first_line: 1 });
        assert!(d.is_empty(), "{d:?}");
        s
    }

    fn after(old: &Schema, sql: &str) -> Schema {
        let mut s = old.clone();
        apply_script(&mut s, &Script { path: "n.sql".into(), text: sql.into(), first_line: 1 });
        s
    }

    fn query(sql: &str) -> Decl {
        Decl::Query(SqlDecl { sql: sql.into(), row: None, schema_typed: false, offline: Vec::new() })
    }

    const BASE: &str = "CREATE TYPE status AS ENUM ('a', 'b');
        CREATE TABLE orders (id int PRIMARY KEY, status status NOT NULL, note text);
        CREATE TABLE \"Users\" (id int PRIMARY KEY, name text);
        CREATE TABLE logs (id int);";

    #[test]
    fn only_annotations_naming_a_changed_relation_are_checked_again() {
        let old = schema(BASE);
        let (q_orders, q_users, q_logs) =
            (query("SELECT id, note FROM orders"), query("SELECT name FROM \"Users\" WHERE id = $1"), query("INSERT INTO logs (id) VALUES (1)"));
        let carry = |new: &Schema| Carry { passed: HashSet::from([1, 2, 3]), changed: changed(&old, new).expect("scoped to relations") };
        // A column dropped from orders: only the query on orders is checked again.
        let c = carry(&after(&old, "ALTER TABLE orders DROP COLUMN note;"));
        assert!(!c.keeps(1, &q_orders) && c.keeps(2, &q_users) && c.keeps(3, &q_logs));
        // A quoted, mixed-case table: matched however it is written.
        let c = carry(&after(&old, "ALTER TABLE \"Users\" ADD COLUMN email text;"));
        assert!(c.keeps(1, &q_orders) && !c.keeps(2, &q_users));
        // An enum value added: the tables with a column of that type are changed too.
        let c = carry(&after(&old, "ALTER TYPE status ADD VALUE 'c';"));
        assert!(!c.keeps(1, &q_orders) && c.keeps(2, &q_users));
        // A new table of the same unqualified name in another schema may shadow it.
        let c = carry(&after(&old, "CREATE SCHEMA audit; CREATE TABLE audit.logs (id int, at timestamptz NOT NULL);"));
        assert!(!c.keeps(3, &q_logs) && c.keeps(1, &q_orders));
        // A unique index (ON CONFLICT needs one) changes its table.
        let c = carry(&after(&old, "CREATE UNIQUE INDEX logs_id ON logs (id);"));
        assert!(!c.keeps(3, &q_logs) && c.keeps(2, &q_users));
        // An annotation that had not passed is never kept.
        assert!(!carry(&after(&old, "CREATE TABLE other (id int);")).keeps(4, &q_orders));
    }

    #[test]
    fn a_changed_name_is_found_as_a_whole_word_however_it_is_cased() {
        assert!(mentions("select id from orders", "orders"));
        assert!(mentions("\"orders\".id", "orders") && mentions("orders", "orders") && mentions("x.orders", "orders"));
        // Not inside a longer identifier, but after one that is not the word.
        assert!(!mentions("select id from orders_archive", "orders") && !mentions("old_orders", "orders"));
        assert!(mentions("from orders_archive, orders", "orders"));
        assert!(!mentions("$orders", "orders") && !mentions("ordersé", "orders"));
        // Folded alike whether the name stands alone or inside a text, where a final sigma may be followed by `.`.
        let name = words("ΟΔΟΣ");
        assert_eq!(name, vec!["οδοσ".to_string()]);
        assert_eq!("ΟΔΟΣ.Α".to_lowercase(), "οδοσ.α", "std lowercases a sigma before `.` and a letter as non-final");
        assert!(mentions(&fold("SELECT ΟΔΟΣ.Α FROM ΟΔΟΣ.Α"), &name[0]));
        assert!(mentions(&fold("{\"sql\":\"SELECT * FROM Orders\"}"), &words("ORDERS")[0]));
    }

    #[test]
    fn a_literal_is_judged_from_its_text_only_when_its_words_are_its_values() {
        let old = schema(BASE);
        let carry = Carry { passed: HashSet::from([1, 2]), changed: changed(&old, &after(&old, "ALTER TABLE orders DROP COLUMN note;")).unwrap() };
        // As the declaration says, from the text: quoted identifiers, an escaped backslash, a raw string.
        for (text, value) in [
            (r#""SELECT \"note\" FROM \"Orders\"""#, "SELECT \"note\" FROM \"Orders\""),
            (r#""SELECT name FROM users WHERE x = '\\'""#, "SELECT name FROM users WHERE x = '\\'"),
            ("r#\"SELECT id FROM orders\"#", "SELECT id FROM orders"),
        ] {
            assert_eq!(carry.keeps_literal(1, text), Some(carry.keeps(1, &query(value))), "{text}");
        }
        assert_eq!(carry.keeps_literal(2, r#""SELECT name FROM users""#), Some(true));
        assert_eq!(carry.keeps_literal(3, r#""SELECT name FROM users""#), Some(false), "not passed before");
        // `\n` before a name would hide it in the text (`norders`): the declaration decides,
        // from its strings (before, from its JSON text, where the same `\n` hid it too).
        assert_eq!(carry.keeps_literal(1, r#""SELECT id FROM\norders""#), None);
        assert!(!carry.keeps(1, &query("SELECT id FROM\norders")) && !carry.keeps(1, &query("SELECT id FROM\torders\u{1}")));
        assert!(carry.keeps(2, &query("SELECT name\nFROM users")));
        assert_eq!(carry.keeps_literal(1, r#""SELECT id FROM \u{6f}rders""#), None);
        assert_eq!(carry.keeps_literal(1, "\"SELECT id FROM ord\\\n    ers\""), None, "a line continuation");
    }

    #[test]
    fn what_is_not_scoped_to_relations_carries_nothing_over() {
        let old = schema(BASE);
        let trigger = "CREATE FUNCTION fill() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := 'x'; RETURN NEW; END $$;
            CREATE TRIGGER t BEFORE INSERT ON logs FOR EACH ROW EXECUTE FUNCTION fill();";
        assert!(changed(&old, &after(&old, trigger)).is_none());
        assert!(changed(&old, &after(&old, "ALTER TABLE orders FROB COLUMN note;")).is_none(), "an unreadable statement");
        assert!(changed(&old, &after(&old, "CREATE DOMAIN cents AS bigint;")).is_none());
        // Nothing changed: nothing to check again.
        assert_eq!(changed(&old, &after(&old, "COMMENT ON TABLE orders IS 'x';")), Some(HashSet::new()));
    }
}
