//! Functions and triggers, as far as a BEFORE INSERT row trigger fills
//! columns (see `schema::triggers`): CREATE / DROP FUNCTION and TRIGGER.

use super::Ctx;
use crate::schema::triggers::{self, InsertTrigger, TriggerAction};
use sqlparser::ast::ObjectName;

impl Ctx<'_> {
    /// A function's or trigger's key: its name without the schema (a
    /// trigger names its function as the search path finds it).
    fn routine_key(&self, n: &ObjectName) -> String {
        crate::ident::base_name(&self.name(n)).to_string()
    }

    /// `CREATE [OR REPLACE] FUNCTION`: the `NEW` columns its body assigns.
    pub(super) fn create_function(&mut self, cf: &sqlparser::ast::CreateFunction) {
        use sqlparser::ast::{CreateFunctionBody, Expr, Value};
        let key = self.routine_key(&cf.name);
        let body = match &cf.function_body {
            Some(CreateFunctionBody::AsBeforeOptions { body, .. } | CreateFunctionBody::AsAfterOptions(body)) => match body {
                Expr::Value(v) => match &v.value {
                    Value::DollarQuotedString(d) => Some(d.value.clone()),
                    Value::SingleQuotedString(s) | Value::EscapedStringLiteral(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        // PL/pgSQL (the default for trigger functions' bodies here) or SQL; C, plv8, … are not read.
        let readable = cf.language.as_ref().is_none_or(|l| ["plpgsql", "sql"].contains(&l.value.to_ascii_lowercase().as_str()));
        let sets_new = body.filter(|_| readable).and_then(|b| triggers::assigned_new_columns(self.d(), &b));
        self.schema.functions.insert(key, triggers::Function { sets_new });
    }

    /// `DROP FUNCTION`: the triggers that run it go too (PostgreSQL refuses
    /// the drop without CASCADE, and CASCADE drops them).
    pub(super) fn drop_function(&mut self, df: &sqlparser::ast::DropFunction) {
        for f in &df.func_desc {
            let key = self.routine_key(&f.name);
            self.schema.functions.remove(&key);
            self.schema.insert_triggers.retain(|t| t.action != TriggerAction::Function(key.clone()));
        }
    }

    /// `CREATE TRIGGER … BEFORE INSERT … FOR EACH ROW`: kept with what it runs.
    pub(super) fn create_trigger(&mut self, ct: &sqlparser::ast::CreateTrigger) {
        use sqlparser::ast::{TriggerEvent, TriggerObject, TriggerObjectKind, TriggerPeriod};
        let before = matches!(ct.period, Some(TriggerPeriod::Before));
        let on_insert = ct.events.iter().any(|e| matches!(e, TriggerEvent::Insert));
        let per_row = match &ct.trigger_object {
            Some(TriggerObjectKind::For(o) | TriggerObjectKind::ForEach(o)) => *o == TriggerObject::Row,
            None => self.sem().triggers_are_per_row(),
        };
        let name = self.routine_key(&ct.name);
        let table = self.name(&ct.table_name);
        self.schema.insert_triggers.retain(|t| !(t.name == name && t.table == table));
        if !(before && on_insert && per_row) {
            return;
        }
        let action = match (&ct.exec_body, &ct.statements) {
            (Some(b), _) => TriggerAction::Function(self.routine_key(&b.func_desc.name)),
            // MySQL: the trigger's own body, as sqlparser read it.
            (None, Some(body)) => TriggerAction::Body(triggers::assigned_new_columns(self.d(), &format!("; {body}"))),
            (None, None) => TriggerAction::Body(None),
        };
        self.schema.insert_triggers.push(InsertTrigger { name, table, action });
    }

    /// `DROP TRIGGER name [ON table]`.
    pub(super) fn drop_trigger(&mut self, dt: &sqlparser::ast::DropTrigger) {
        let name = self.routine_key(&dt.trigger_name);
        let table = dt.table_name.as_ref().map(|t| self.name(t));
        self.schema.insert_triggers.retain(|t| !(t.name == name && table.as_ref().is_none_or(|tb| *tb == t.table)));
    }
}
