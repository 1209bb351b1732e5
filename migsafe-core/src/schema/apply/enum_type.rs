//! Types: CREATE TYPE … AS ENUM and ALTER TYPE (values added, renamed; the
//! type renamed, with the columns of it), domains (a column of a domain has
//! its base type), DROP TYPE.

use super::Ctx;
use crate::schema::types::normalize;
use crate::schema::{Change, EnumType};
use sqlparser::ast::{AlterTypeAddValuePosition, AlterTypeOperation, CreateDomain, ObjectName, UserDefinedTypeRepresentation};

impl Ctx<'_> {
    pub(super) fn create_type(&mut self, name: &ObjectName, representation: Option<&UserDefinedTypeRepresentation>) {
        let key = self.name(name);
        match representation {
            Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                let values = labels.iter().map(|l| l.value.clone()).collect();
                self.schema.enums.insert(key.clone(), EnumType { name: key.clone(), values, created: self.at.clone() });
                self.changes.push(Change::EnumCreated { ty: key });
            }
            _ => self.no_effect("composite or range type"),
        }
    }

    /// A domain behaves as its base type in the catalog.
    pub(super) fn create_domain(&mut self, cd: &CreateDomain) {
        let key = self.name(&cd.name);
        let ty = normalize(self.d(), &cd.data_type.to_string());
        self.schema.domains.insert(key, ty);
        self.no_effect("domain");
    }

    pub(super) fn alter_type(&mut self, at: &sqlparser::ast::AlterType) {
        let key = self.name(&at.name);
        if !self.schema.enums.contains_key(&key) {
            self.unmodelled(&format!("ALTER TYPE {key}"), "the type is not an enum migsafe knows");
            return;
        }
        match &at.operation {
            AlterTypeOperation::AddValue(av) => {
                let value = av.value.value.clone();
                let Some(e) = self.schema.enums.get_mut(&key) else { return };
                if e.values.contains(&value) {
                    if !av.if_not_exists {
                        self.warn(format!("enum `{key}` already has the value '{value}'"));
                    }
                    return;
                }
                let pos = match &av.position {
                    Some(AlterTypeAddValuePosition::Before(v)) => e.values.iter().position(|x| *x == v.value),
                    Some(AlterTypeAddValuePosition::After(v)) => e.values.iter().position(|x| *x == v.value).map(|p| p + 1),
                    None => None,
                };
                match pos {
                    Some(p) => e.values.insert(p, value.clone()),
                    None => e.values.push(value.clone()),
                }
                self.changes.push(Change::EnumValueAdded { ty: key, value });
            }
            AlterTypeOperation::RenameValue(rv) => {
                let Some(e) = self.schema.enums.get_mut(&key) else { return };
                if let Some(v) = e.values.iter_mut().find(|v| **v == rv.from.value) {
                    *v = rv.to.value.clone();
                }
                self.changes.push(Change::EnumValueRenamed { ty: key, from: rv.from.value.clone(), to: rv.to.value.clone() });
            }
            AlterTypeOperation::Rename(r) => {
                let new_key = self.renamed_key(&key, &ObjectName::from(vec![r.new_name.clone()]));
                if let Some(mut e) = self.schema.enums.remove(&key) {
                    e.name = new_key.clone();
                    self.schema.enums.insert(new_key.clone(), e);
                }
                for t in self.schema.tables.values_mut() {
                    for c in &mut t.columns {
                        if c.ty.user_type.as_deref() == Some(key.as_str()) {
                            c.ty.user_type = Some(new_key.clone());
                        }
                    }
                }
                self.changes.push(Change::EnumRenamed { from: key, to: new_key });
            }
        }
    }

    /// `DROP TYPE`: an enum, else a domain (or a type the model does not hold).
    pub(super) fn drop_type(&mut self, key: String) {
        if self.schema.enums.remove(&key).is_some() {
            self.changes.push(Change::EnumDropped { ty: key });
        } else {
            self.schema.domains.remove(&key);
            self.no_effect("type");
        }
    }
}
