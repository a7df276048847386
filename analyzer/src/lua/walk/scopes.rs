//! The walk's scopes: what each name stands for where it is read (a local shadows a global
//! of the same name; a local can stand for `KEYS`, `redis.call`, a library table).

use full_moon::ast::{Block, Expression};

use super::state::{Binding, COMMAND_TABLES, Mode, Walker};
use crate::lua::facts::{MAX_LOCALS, Site, Source};
use crate::lua::syntax::{bare_name, dotted_name};
use crate::model::ParamKind;

impl Walker {
    pub(super) fn scoped_block(&mut self, block: &Block, declare: Vec<(String, Binding, Site)>) {
        self.scopes.push(Vec::new());
        for (name, binding, site) in declare {
            self.declare(name, binding, site);
        }
        self.block(block);
        self.scopes.pop();
    }

    pub(super) fn declare(&mut self, name: String, binding: Binding, site: Site) {
        self.declared.insert(name.clone());
        let scope = self.scopes.last_mut().expect("a scope is open");
        scope.push((name, binding));
        let function = self.functions.last_mut().expect("a function is open");
        let active: usize = self.scopes[function.first_scope..]
            .iter()
            .map(Vec::len)
            .sum();
        if active > MAX_LOCALS && !function.reported {
            function.reported = true;
            self.facts.too_many_locals.push(site);
        }
    }

    /// The binding of the innermost local named `name`; `None` for a global.
    pub(super) fn resolve(&self, name: &str) -> Option<&Binding> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(local, _)| local == name)
            .map(|(_, binding)| binding)
    }

    /// The global a name stands for: itself when no local shadows it, or the global a
    /// local aliases (`local t = table`).
    pub(super) fn global_of<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        match self.resolve(name) {
            None => Some(name),
            Some(Binding::Global(global)) => Some(global),
            Some(_) => None,
        }
    }

    /// The array a bare name stands for: the global `KEYS`/`ARGV` or an alias of one.
    pub(super) fn array_named(&self, name: &str) -> Option<ParamKind> {
        match self.resolve(name) {
            Some(Binding::Array(kind)) => Some(*kind),
            Some(_) => None,
            None if self.mode == Mode::Library => None,
            None => match name {
                "KEYS" => Some(ParamKind::Key),
                "ARGV" => Some(ParamKind::Arg),
                _ => None,
            },
        }
    }

    /// The library function whose callback is being walked.
    pub(super) fn current_function(&self) -> Option<String> {
        self.current.as_ref().map(|(name, _)| name.clone())
    }

    /// The library function a top-level local named `name` is the callback of.
    pub(super) fn registered_callback(&self, name: Option<&String>) -> Option<String> {
        if !self.at_load() {
            return None;
        }
        self.callbacks.get(name?).cloned()
    }

    /// Whether the walk is at the top level of the file (in a library: load time).
    pub(super) fn at_load(&self) -> bool {
        self.functions.len() == 1
    }

    /// What `local name = expression` makes `name` stand for.
    pub(super) fn binding_of(&self, expression: &Expression) -> Binding {
        if let Some(name) = bare_name(expression) {
            if let Some(kind) = self.array_named(name) {
                return Binding::Array(kind);
            }
            return match self.resolve(name) {
                Some(Binding::Command | Binding::Forwarder) => Binding::Command,
                Some(Binding::Global(global)) => Binding::Global(global.clone()),
                Some(Binding::Value(source)) => Binding::Value(*source),
                Some(Binding::Element(kind, index)) => Binding::Element(*kind, *index),
                Some(_) => Binding::Plain,
                None => Binding::Global(name.to_owned()),
            };
        }
        if let Some((base, member)) = dotted_name(expression)
            && self.is_command_table(&base)
            && matches!(member.as_str(), "call" | "pcall")
        {
            return Binding::Command;
        }
        if let Some((kind, index)) = self.element_of(expression) {
            return Binding::Element(kind, index);
        }
        match self.source_of(expression) {
            Source::Unknown => Binding::Plain,
            source => Binding::Value(source),
        }
    }

    /// Whether `name` stands for `redis` (or Valkey's `server`).
    pub(super) fn is_command_table(&self, name: &str) -> bool {
        self.global_of(name)
            .is_some_and(|global| COMMAND_TABLES.contains(&global))
    }
}

/// The three locals Lua 5.1 keeps for a `for` loop's state; they count toward the limit
/// of 200 and no code can name them.
pub(super) fn hidden_loop_locals(site: Site) -> Vec<(String, Binding, Site)> {
    ["(for state)", "(for limit)", "(for step)"]
        .map(|name| (name.to_owned(), Binding::Plain, site))
        .into()
}
