//! What the walk recognises in a library's `redis.register_function` calls: the name,
//! the callback, the flags and description, and the arguments Redis refuses.

use std::collections::HashMap;

use full_moon::ast::{
    Block, Call, Expression, Field, FunctionArgs, FunctionBody, FunctionCall, Stmt, Suffix,
    TableConstructor,
};
use full_moon::node::Node;

use super::returns::always_returns;
use super::state::{COMMAND_TABLES, Callback, Walker};
use crate::diagnostic::Location;
use crate::lua::facts::{Registration, Return, ReturnSite, Returned, Site, Word};
use crate::lua::syntax::{
    bare_name, called_name, site_of_node, site_of_token, string_literal, token_text, word,
};
use crate::redis::functions::REGISTRATION_FIELDS;

impl Walker {
    /// The arguments of `redis.register_function(...)`: an inline callback is walked as the
    /// registered function's body.
    pub(super) fn registration(&mut self, call: &FunctionCall) {
        let name = registered_name(call);
        match registration_args(call) {
            Some(RegistrationArgs::Positional(arguments)) => {
                for argument in arguments {
                    match (argument, &name) {
                        (Expression::Function(function), Some(name)) => {
                            self.callback_body(function.body(), name.clone());
                        }
                        _ => self.expression(argument),
                    }
                }
            }
            Some(RegistrationArgs::Named(table)) => {
                for field in table.fields() {
                    match (field, &name) {
                        (Field::NameKey { key, value, .. }, Some(name))
                            if token_text(key).eq_ignore_ascii_case("callback") =>
                        {
                            match &**value {
                                Expression::Function(function) => {
                                    self.callback_body(function.body(), name.clone());
                                }
                                other => self.expression(other),
                            }
                        }
                        (Field::NameKey { value, .. }, _) => self.expression(value),
                        (Field::NoKey(value), _) => self.expression(value),
                        (Field::ExpressionKey { key, value, .. }, _) => {
                            self.expression(key);
                            self.expression(value);
                        }
                        _ => {}
                    }
                }
            }
            None => {}
        }
    }

    /// The body of the callback of the library function `name`: its first two parameters
    /// are the function's keys and args.
    pub(super) fn callback_body(&mut self, body: &FunctionBody, name: String) {
        let outer = self
            .current
            .replace((name.clone(), self.functions.len() + 1));
        self.function_body_with(body, false, true);
        let error_is_builtin = !self.declared.contains("error");
        if !always_returns(body.block(), error_is_builtin) {
            let site = body.block().stmts().last().map_or_else(
                || site_of_node(body),
                |last| Site {
                    at: last.start_position().map_or(Location::new(1, 1), |p| {
                        Location::new(p.line(), p.character())
                    }),
                    width: 1,
                },
            );
            self.facts.returns.push(Return {
                at: ReturnSite {
                    returned: Returned::Nothing,
                    site,
                },
                function: Some(name),
            });
        }
        self.current = outer;
    }
}

/// The name a `redis.register_function` call registers, when it is a string literal:
/// its first argument, or the `function_name` of its table.
pub(super) fn registered_name(call: &FunctionCall) -> Option<String> {
    match registration_args(call)? {
        RegistrationArgs::Positional(arguments) => {
            arguments.first().and_then(|e| string_literal(e))
        }
        RegistrationArgs::Named(table) => {
            table_field(table, "function_name").and_then(string_literal)
        }
    }
}

/// How a registration passes its arguments.
pub(super) enum RegistrationArgs<'a> {
    /// `register_function('name', callback)`.
    Positional(Vec<&'a Expression>),
    /// One table of named arguments: `register_function{...}` or
    /// `register_function({...})`.
    Named(&'a TableConstructor),
}

/// The arguments of a registration call.
pub(super) fn registration_args(call: &FunctionCall) -> Option<RegistrationArgs<'_>> {
    call.suffixes().find_map(|suffix| {
        let Suffix::Call(Call::AnonymousCall(args)) = suffix else {
            return None;
        };
        match &**args {
            FunctionArgs::Parentheses { arguments, .. } => {
                let arguments: Vec<&Expression> = arguments.iter().collect();
                match arguments.as_slice() {
                    [Expression::TableConstructor(table)] => Some(RegistrationArgs::Named(table)),
                    _ => Some(RegistrationArgs::Positional(arguments)),
                }
            }
            FunctionArgs::TableConstructor(table) => Some(RegistrationArgs::Named(table)),
            _ => None,
        }
    })
}

/// The value of the field `name = ...` of a table of named arguments (the servers read
/// the names in any case); a `nil` value is no field at all, as Lua builds the table.
pub(super) fn table_field<'a>(table: &'a TableConstructor, name: &str) -> Option<&'a Expression> {
    table.fields().iter().find_map(|field| match field {
        Field::NameKey { key, value, .. }
            if token_text(key).eq_ignore_ascii_case(name) && !is_nil(value) =>
        {
            Some(&**value)
        }
        _ => None,
    })
}

/// Whether `expression` is the literal `nil`.
fn is_nil(expression: &Expression) -> bool {
    matches!(word(expression), Word::Refused("nil"))
}

/// The name a `X.register_function(...)` call goes through (`redis`, Valkey's `server`,
/// or a local alias of either); `None` for other calls.
pub(super) fn registering_base(call: &FunctionCall) -> Option<&str> {
    match called_name(call) {
        Some((base, Some("register_function"))) => Some(base),
        _ => None,
    }
}

/// The `redis.register_function(...)` calls at the top level of a library, in order:
/// through `redis`, `server`, or a name the top level made an alias of one
/// (`local r = redis`).
pub(super) fn registration_calls(block: &Block) -> Vec<&FunctionCall> {
    let mut tables: Vec<String> = COMMAND_TABLES.iter().map(|t| (*t).to_owned()).collect();
    let mut calls = Vec::new();
    for stmt in block.stmts() {
        match stmt {
            Stmt::LocalAssignment(local) => {
                for (name, value) in local.names().iter().zip(local.expressions()) {
                    let name = token_text(name);
                    tables.retain(|table| *table != name);
                    if bare_name(value).is_some_and(|value| tables.iter().any(|t| t == value)) {
                        tables.push(name);
                    }
                }
            }
            Stmt::FunctionCall(call)
                if registering_base(call).is_some_and(|base| tables.iter().any(|t| t == base)) =>
            {
                calls.push(call);
            }
            _ => {}
        }
    }
    calls
}

/// What a top-level `redis.register_function(...)` call registers.
pub(super) fn registration(call: &FunctionCall) -> Registration {
    let parts = registration_parts(call);
    Registration {
        name: registered_name(call),
        name_site: parts.name_site,
        call_site: site_of_node(call),
        flags: parts.flags,
        description: parts.description,
        unknown_fields: parts.unknown_fields,
        refused_arguments: parts.refused,
        line: call.start_position().map_or(1, |p| p.line()),
        callback_line: parts.inline,
        callback: None,
    }
}

/// Reads the arguments of a `redis.register_function` call.
pub(super) fn registration_parts(call: &FunctionCall) -> RegistrationParts {
    let mut parts = RegistrationParts {
        name_site: site_of_node(call),
        flags: Vec::new(),
        description: None,
        unknown_fields: Vec::new(),
        refused: Vec::new(),
        inline: None,
    };
    let line_of = |e: &Expression| e.start_position().map(|p| p.line());
    match registration_args(call) {
        Some(RegistrationArgs::Positional(arguments)) => {
            if let Some(first) = arguments.first() {
                parts.name_site = site_of_node(*first);
            }
            if let Some(Expression::Function(_)) = arguments.get(1) {
                parts.inline = arguments.get(1).and_then(|e| line_of(e));
            }
            if let Some(extra) = arguments.get(2) {
                parts.refused.push((
                    "`register_function` takes a name and a callback, or one table: this third argument".to_owned(),
                    site_of_node(*extra),
                ));
            }
        }
        Some(RegistrationArgs::Named(table)) => named_parts(table, &mut parts),
        None => {}
    }
    parts
}

/// What a table of named arguments gives a registration.
fn named_parts(table: &TableConstructor, parts: &mut RegistrationParts) {
    if let Some(name) = table_field(table, "function_name") {
        parts.name_site = site_of_node(name);
    }
    if let Some(callback @ Expression::Function(_)) = table_field(table, "callback") {
        parts.inline = callback.start_position().map(|p| p.line());
    }
    let description = table_field(table, "description");
    parts.description = description.and_then(string_literal);
    if let Some(description) = description
        && let Word::Refused(what) = word(description)
    {
        parts.refused.push((
            format!("the `description` must be a string, not {what}"),
            site_of_node(description),
        ));
    }
    match table_field(table, "flags") {
        Some(Expression::TableConstructor(list)) => {
            // The servers read the flags up to the first nil.
            for field in list.fields() {
                let Field::NoKey(value) = field else {
                    continue;
                };
                match word(value) {
                    Word::Text(flag) => parts.flags.push((flag, site_of_node(value))),
                    Word::Refused("nil") => break,
                    Word::Number(_) | Word::Refused(_) => parts
                        .refused
                        .push(("each flag must be a string".to_owned(), site_of_node(value))),
                    Word::Dynamic => {}
                }
            }
        }
        Some(flags) if !matches!(word(flags), Word::Dynamic) => {
            parts.refused.push((
                "the `flags` must be a table of strings: `flags = {'no-writes'}`".to_owned(),
                site_of_node(flags),
            ));
        }
        _ => {}
    }
    for field in table.fields() {
        if let Field::NameKey { key, .. } = field
            && !REGISTRATION_FIELDS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(&token_text(key)))
        {
            parts
                .unknown_fields
                .push((token_text(key), site_of_token(key)));
        }
    }
}

/// The callback a registration names.
pub(super) fn callback_of(call: &FunctionCall) -> Option<Callback> {
    match callback_expression(call)? {
        Expression::Function(_) => Some(Callback::Inline),
        other => bare_name(other).map(|name| Callback::Local(name.to_owned())),
    }
}

/// The expression a registration passes as its callback.
fn callback_expression(call: &FunctionCall) -> Option<&Expression> {
    match registration_args(call)? {
        RegistrationArgs::Positional(arguments) => arguments.get(1).copied(),
        RegistrationArgs::Named(table) => table_field(table, "callback"),
    }
}

/// Where the body of each callback the library `block` registers starts: the byte offset
/// of its parameter list, for an inline callback and for a top-level local function
/// registered by name.
pub(super) fn callback_bodies(block: &Block) -> Vec<usize> {
    let mut locals: HashMap<String, usize> = HashMap::new();
    for stmt in block.stmts() {
        match stmt {
            Stmt::LocalFunction(function) => {
                locals.insert(token_text(function.name()), body_start(function.body()));
            }
            Stmt::LocalAssignment(local) => {
                for (name, value) in local.names().iter().zip(local.expressions()) {
                    if let Expression::Function(function) = value {
                        locals.insert(token_text(name), body_start(function.body()));
                    }
                }
            }
            _ => {}
        }
    }
    registration_calls(block)
        .into_iter()
        .filter_map(|call| match callback_expression(call)? {
            Expression::Function(function) => Some(body_start(function.body())),
            other => locals.get(bare_name(other)?).copied(),
        })
        .collect()
}

/// The byte offset of a function body's parameter list.
pub fn body_start(body: &FunctionBody) -> usize {
    let (open, _) = body.parameters_parentheses().tokens();
    open.start_position().map_or(0, |p| p.bytes())
}

/// The line of each function defined at the top level: `local function f` and
/// `local f = function`.
pub(super) fn local_function_lines(block: &Block) -> HashMap<String, usize> {
    let mut lines = HashMap::new();
    for stmt in block.stmts() {
        match stmt {
            Stmt::LocalFunction(function) => {
                lines.insert(
                    token_text(function.name()),
                    function.name().token().start_position().line(),
                );
            }
            Stmt::LocalAssignment(local) => {
                for (name, value) in local.names().iter().zip(local.expressions()) {
                    if let Expression::Function(_) = value {
                        lines.insert(token_text(name), name.token().start_position().line());
                    }
                }
            }
            _ => {}
        }
    }
    lines
}

/// What a registration's arguments say, apart from its name.
pub(super) struct RegistrationParts {
    /// Where the name is (or the call, without one).
    name_site: Site,
    /// The flags, each with where it is.
    flags: Vec<(String, Site)>,
    /// The `description`, when it is a string literal.
    description: Option<String>,
    /// Fields of the table form Redis does not take.
    unknown_fields: Vec<(String, Site)>,
    /// Arguments Redis refuses, each with why.
    refused: Vec<(String, Site)>,
    /// The line of an inline callback.
    inline: Option<usize>,
}
