//! What the walk recognises as changes to the tables Redis protects that are not plain
//! global assignments.

use full_moon::ast::{Call, FunctionCall, Prefix, Suffix};

use super::state::Walker;
use crate::lua::facts::NameUse;
use crate::lua::syntax::{
    bare_name, call_arguments, called_name, parenthesized, site_of_node, string_literal, token_text,
};

impl Walker {
    /// `getmetatable(_G).x = ...` or `getmetatable('').x = ...`: a write into the
    /// metatable of the global table or of strings, which Redis protects.
    pub(super) fn protected_metatable(
        &self,
        target: &full_moon::ast::VarExpression,
    ) -> Option<NameUse> {
        let Prefix::Name(base) = target.prefix() else {
            return None;
        };
        let mut suffixes = target.suffixes();
        let Some(Suffix::Call(Call::AnonymousCall(args))) = suffixes.next() else {
            return None;
        };
        let written: String = suffixes.map(|suffix| suffix.to_string()).collect();
        if written.is_empty() {
            return None;
        }
        let function = token_text(base);
        if function != "getmetatable" || self.global_of(&function).is_none() {
            return None;
        }
        let first = parenthesized(args)?.first().copied()?;
        let protected = string_literal(first).is_some()
            || bare_name(first).is_some_and(|name| self.global_of(name) == Some("_G"));
        protected.then(|| NameUse {
            name: format!(
                "getmetatable({}){}",
                first.to_string().trim(),
                written.trim_end()
            ),
            site: site_of_node(target),
            at_load: self.at_load(),
        })
    }

    /// `setmetatable(_G, ...)` or `rawset(_G, ...)`: a change to the global table that
    /// is not an assignment, as written.
    pub(super) fn protected_table_change(&self, call: &FunctionCall) -> Option<NameUse> {
        let (function, None) = called_name(call)? else {
            return None;
        };
        if !matches!(function, "setmetatable" | "rawset") || self.global_of(function).is_none() {
            return None;
        }
        let first = call_arguments(call)?.first().copied()?;
        let table = bare_name(first)?;
        (self.global_of(table) == Some("_G")).then(|| NameUse {
            name: format!("{function}({table}, ...)"),
            site: site_of_node(call),
            at_load: self.at_load(),
        })
    }
}
