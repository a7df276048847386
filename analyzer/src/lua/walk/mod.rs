//! The walk over a script's syntax tree that collects its [`Facts`], with scopes: a local
//! shadows a global of the same name (`local redis = ...` is not Redis's `redis`), and
//! locals can stand for something the checks care about (`local k = KEYS`,
//! `local rcall = redis.call`, `local t = table`).

mod commands;
mod registrations;
mod returns;
mod sandbox;
mod scopes;
mod state;

use full_moon::ast::{
    BinOp, Block, Call, Expression, Field, FunctionArgs, FunctionBody, FunctionCall, Index,
    LastStmt, Parameter, Prefix, Stmt, Suffix, TableConstructor, UnOp, Var,
};
use full_moon::node::Node;
use full_moon::tokenizer::TokenReference;

use crate::diagnostic::Location;
use crate::lua::facts::{
    ArrayUse, ErrorLiteral, Facts, MemberRead, NameUse, Return, ReturnSite, Returned, Site,
};
use crate::lua::syntax::{
    bare_name, call_arguments, called_name, integer_literal, is_ellipsis, site_of_node,
    site_of_token, span_between, string_literal, token_text,
};
use crate::model::ParamKind;
use registrations::{
    callback_of, local_function_lines, registering_base, registration, registration_calls,
};
use returns::{always_returns, call_of};
use scopes::hidden_loop_locals;
use state::{Binding, COMMAND_TABLES, Callback, Function, Mode, Walker};

/// Walks the main chunk.
pub fn main_chunk(block: &Block) -> Facts {
    let mut walker = Walker::default();
    walker.functions.push(Function {
        vararg: true,
        first_scope: 0,
        reported: false,
    });
    walker.scoped_block(block, Vec::new());
    let error_is_builtin = !walker.declared.contains("error");
    if !always_returns(block, error_is_builtin) {
        // Point at the last statement: the way through it can end without a `return`.
        let site = block.stmts().last().map_or(
            Site {
                at: Location::new(1, 1),
                width: 1,
            },
            |last| Site {
                at: last.start_position().map_or(Location::new(1, 1), |p| {
                    Location::new(p.line(), p.character())
                }),
                width: 1,
            },
        );
        walker.facts.returns.push(Return {
            at: ReturnSite {
                returned: Returned::Nothing,
                site,
            },
            function: None,
        });
    }
    walker.facts
}

/// Where the body of each callback the library `block` registers starts (the byte offset
/// of its parameter list).
pub fn callback_bodies(block: &Block) -> Vec<usize> {
    registrations::callback_bodies(block)
}

pub use registrations::body_start;

/// Walks the main chunk of a function library: what runs when it loads, and each
/// registered function's callback, whose first two parameters are its keys and args.
pub fn library_chunk(block: &Block) -> Facts {
    let mut walker = Walker {
        mode: Mode::Library,
        ..Walker::default()
    };
    let calls = registration_calls(block);
    walker.facts.registrations = calls.iter().map(|call| registration(call)).collect();
    let definitions = local_function_lines(block);
    for (registration, call) in walker.facts.registrations.iter_mut().zip(&calls) {
        if let (Some(name), Some(Callback::Local(local))) = (&registration.name, callback_of(call))
        {
            registration.callback_line = definitions.get(&local).copied();
            registration.callback = Some(local.clone());
            walker
                .callbacks
                .entry(local)
                .or_insert_with(|| name.clone());
        }
    }
    walker.functions.push(Function {
        vararg: true,
        first_scope: 0,
        reported: false,
    });
    walker.scoped_block(block, Vec::new());
    walker.facts
}

impl Walker {
    fn block(&mut self, block: &Block) {
        self.blocks_seen += 1;
        self.blocks.push(self.blocks_seen);
        for stmt in block.stmts() {
            self.stmt(stmt);
        }
        if let Some(LastStmt::Return(ret)) = block.last_stmt() {
            self.returned_call = match ret.returns().iter().next() {
                Some(Expression::FunctionCall(call)) if ret.returns().len() == 1 => {
                    call.start_position().map(|p| (p.line(), p.character()))
                }
                _ => None,
            };
            for expression in ret.returns() {
                self.expression(expression);
            }
            self.returned_call = None;
            if let Some(function) = self.returning() {
                let first = ret.returns().iter().next();
                let returned = first.map_or(Returned::Nil, |e| self.classify(e));
                let site = first.map_or_else(|| site_of_token(ret.token()), site_of_node);
                self.facts.returns.push(Return {
                    at: ReturnSite { returned, site },
                    function,
                });
            }
        }
        self.blocks.pop();
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::LocalAssignment(local) => {
                let bindings: Vec<Binding> = local
                    .expressions()
                    .iter()
                    .map(|e| self.binding_of(e))
                    .collect();
                let names: Vec<String> = local.names().iter().map(|n| token_text(n)).collect();
                for (i, (expression, binding)) in
                    local.expressions().iter().zip(&bindings).enumerate()
                {
                    // An alias of an array is a name for it, not a use of it.
                    if matches!(binding, Binding::Array(_)) {
                        continue;
                    }
                    match (expression, self.registered_callback(names.get(i))) {
                        (Expression::Function(function), Some(registered)) => {
                            self.callback_body(function.body(), registered);
                        }
                        _ => self.expression(expression),
                    }
                }
                for (i, name) in local.names().iter().enumerate() {
                    let binding = bindings.get(i).cloned().unwrap_or(Binding::Plain);
                    self.declare(token_text(name), binding, site_of_token(name));
                }
            }
            Stmt::Assignment(assignment) => {
                for expression in assignment.expressions() {
                    self.expression(expression);
                }
                for var in assignment.variables() {
                    self.assigned(var);
                }
            }
            Stmt::FunctionCall(call) => self.function_call(call),
            Stmt::FunctionDeclaration(declaration) => {
                let names: Vec<&TokenReference> = declaration.name().names().iter().collect();
                let method = declaration.name().method_name();
                if let [only] = names.as_slice()
                    && method.is_none()
                    && self.resolve(&token_text(only)).is_none()
                {
                    self.facts.global_writes.push(NameUse {
                        name: token_text(only),
                        site: site_of_token(only),
                        at_load: self.at_load(),
                    });
                }
                if let Some(base) = names.first()
                    && (names.len() > 1 || method.is_some())
                {
                    self.name_read(base, false);
                    let member = names.get(1).copied().or(method);
                    if let (Some(global), Some(member)) =
                        (self.global_of(&token_text(base)), member)
                    {
                        self.facts.member_writes.push(NameUse {
                            name: format!("{global}.{}", token_text(member)),
                            site: site_of_node(declaration.name()),
                            at_load: self.at_load(),
                        });
                    }
                }
                self.function_body(declaration.body(), method.is_some());
            }
            Stmt::LocalFunction(function) => {
                let name = token_text(function.name());
                let binding = if self.forwards(function.body()) {
                    Binding::Forwarder
                } else {
                    Binding::Plain
                };
                let registered = self.registered_callback(Some(&name));
                self.declare(name, binding, site_of_token(function.name()));
                match registered {
                    Some(registered) => self.callback_body(function.body(), registered),
                    None => self.function_body(function.body(), false),
                }
            }
            Stmt::Do(block) => self.scoped_block(block.block(), Vec::new()),
            Stmt::If(statement) => {
                self.expression(statement.condition());
                self.scoped_block(statement.block(), Vec::new());
                for branch in statement.else_if().into_iter().flatten() {
                    self.expression(branch.condition());
                    self.scoped_block(branch.block(), Vec::new());
                }
                if let Some(block) = statement.else_block() {
                    self.scoped_block(block, Vec::new());
                }
            }
            Stmt::While(statement) => {
                self.expression(statement.condition());
                self.scoped_block(statement.block(), Vec::new());
            }
            Stmt::Repeat(statement) => {
                // `until` sees the locals of the loop's body.
                self.scopes.push(Vec::new());
                self.block(statement.block());
                self.expression(statement.until());
                self.scopes.pop();
            }
            Stmt::NumericFor(statement) => {
                self.expression(statement.start());
                self.expression(statement.end());
                if let Some(step) = statement.step() {
                    self.expression(step);
                }
                let variable = statement.index_variable();
                let declare = vec![(
                    token_text(variable),
                    Binding::Plain,
                    site_of_token(variable),
                )];
                let open =
                    self.open_loop(Some(statement.end()), site_of_token(statement.for_token()));
                self.loops.push(open);
                self.scoped_block(statement.block(), declare);
                self.loops.pop();
            }
            Stmt::GenericFor(statement) => {
                for expression in statement.expressions() {
                    self.expression(expression);
                }
                let open = self.open_loop(
                    statement.expressions().iter().next(),
                    site_of_token(statement.for_token()),
                );
                self.loops.push(open);
                let mut declare = hidden_loop_locals(site_of_node(statement.block()));
                declare.extend(
                    statement
                        .names()
                        .iter()
                        .map(|n| (token_text(n), Binding::Plain, site_of_token(n))),
                );
                self.scoped_block(statement.block(), declare);
                self.loops.pop();
            }
            _ => {}
        }
    }

    /// Whether a local function forwards its first parameter and its varargs to a
    /// command call, `return redis.call(cmd, ...)`, somewhere at the top of its body.
    fn forwards(&self, body: &FunctionBody) -> bool {
        let mut parameters = body.parameters().iter();
        let (Some(Parameter::Name(first)), true) = (
            parameters.next(),
            body.parameters()
                .iter()
                .any(|p| matches!(p, Parameter::Ellipsis(_))),
        ) else {
            return false;
        };
        let first = token_text(first);
        let forwarding = |call: &FunctionCall| {
            self.command_arguments(call).is_some_and(|args| {
                matches!(args.as_slice(), [name, rest] if bare_name(name) == Some(first.as_str()) && is_ellipsis(rest))
            })
        };
        let calls = body.block().stmts().filter_map(|stmt| match stmt {
            Stmt::FunctionCall(call) => Some(call),
            Stmt::LocalAssignment(local) => local.expressions().iter().find_map(call_of),
            _ => None,
        });
        let returned = body
            .block()
            .last_stmt()
            .into_iter()
            .flat_map(|last| match last {
                LastStmt::Return(ret) => ret.returns().iter().filter_map(call_of).collect(),
                _ => Vec::new(),
            });
        calls.chain(returned).any(forwarding)
    }

    /// The target of an assignment.
    fn assigned(&mut self, var: &Var) {
        match var {
            Var::Name(name) if self.resolve(&token_text(name)).is_none() => {
                self.facts.global_writes.push(NameUse {
                    name: token_text(name),
                    site: site_of_token(name),
                    at_load: self.at_load(),
                });
            }
            Var::Expression(expression) => {
                if let Some(written) = self.protected_metatable(expression) {
                    self.facts.protected_writes.push(written);
                }
                if let (Prefix::Name(base), Some(Suffix::Index(index))) =
                    (expression.prefix(), expression.suffixes().next())
                {
                    let base_name = token_text(base);
                    let member = match index {
                        Index::Dot { name, .. } => token_text(name),
                        Index::Brackets { expression, .. } => {
                            string_literal(expression).unwrap_or_else(|| "?".to_owned())
                        }
                        _ => "?".to_owned(),
                    };
                    let global = self.global_of(&base_name);
                    let only_suffix = expression.suffixes().count() == 1;
                    if global == Some("_G") && only_suffix {
                        self.facts.global_writes.push(NameUse {
                            name: member,
                            site: site_of_node(&**expression),
                            at_load: self.at_load(),
                        });
                    } else if let Some(global) = global
                        && only_suffix
                        && self.array_named(&base_name).is_none()
                    {
                        self.facts.member_writes.push(NameUse {
                            name: format!("{global}.{member}"),
                            site: site_of_node(&**expression),
                            at_load: self.at_load(),
                        });
                        // The member is written, not read: only an index expression is.
                        if let Index::Brackets { expression, .. } = index {
                            self.expression(expression);
                        }
                        return;
                    }
                }
                self.prefix_and_suffixes(expression.prefix(), expression.suffixes());
            }
            _ => {}
        }
    }

    fn function_body(&mut self, body: &FunctionBody, method: bool) {
        self.function_body_with(body, method, false);
    }

    /// A function's body; with `callback`, its first two parameters are a library
    /// function's keys and args.
    fn function_body_with(&mut self, body: &FunctionBody, method: bool, callback: bool) {
        let mut declare = Vec::new();
        if method {
            declare.push(("self".to_owned(), Binding::Plain, site_of_node(body)));
        }
        let mut vararg = false;
        let mut arrays = if callback {
            vec![
                Binding::Array(ParamKind::Key),
                Binding::Array(ParamKind::Arg),
            ]
        } else {
            Vec::new()
        }
        .into_iter();
        for parameter in body.parameters() {
            match parameter {
                Parameter::Name(name) => {
                    let binding = arrays.next().unwrap_or(Binding::Plain);
                    declare.push((token_text(name), binding, site_of_token(name)));
                }
                Parameter::Ellipsis(_) => {
                    vararg = true;
                    // Redis's Lua keeps 5.0's `arg` table in vararg functions.
                    declare.push(("arg".to_owned(), Binding::Plain, site_of_node(body)));
                }
                _ => {}
            }
        }
        self.functions.push(Function {
            vararg,
            first_scope: self.scopes.len(),
            reported: false,
        });
        self.scoped_block(body.block(), declare);
        self.functions.pop();
    }

    fn expression(&mut self, expression: &Expression) {
        match expression {
            Expression::BinaryOperator { lhs, binop, rhs } => {
                let fallback = matches!(binop, BinOp::Or(_));
                let outer = std::mem::replace(&mut self.in_fallback, fallback);
                self.expression(lhs);
                self.in_fallback = outer;
                self.expression(rhs);
            }
            Expression::Parentheses { expression, .. } => self.expression(expression),
            Expression::UnaryOperator { unop, expression } => {
                if let (UnOp::Hash(_), Some(kind)) = (
                    unop,
                    bare_name(expression).and_then(|n| self.array_named(n)),
                ) {
                    self.facts.arrays.push(ArrayUse {
                        kind,
                        index: None,
                        length: true,
                        site: site_of_node(expression),
                        function: self.current_function(),
                    });
                } else {
                    self.expression(expression);
                }
            }
            Expression::Function(function) => self.function_body(function.body(), false),
            Expression::FunctionCall(call) => self.function_call(call),
            Expression::TableConstructor(table) => self.table(table),
            Expression::Symbol(token)
                if is_ellipsis(expression) && !self.functions.last().is_some_and(|f| f.vararg) =>
            {
                self.facts.bad_varargs.push(site_of_token(token));
            }
            Expression::Var(Var::Name(name)) => self.name_read(name, true),
            Expression::Var(Var::Expression(var)) => {
                self.prefix_and_suffixes(var.prefix(), var.suffixes());
            }
            _ => {}
        }
    }

    /// A name read as a value; `alone` when nothing indexes or calls it.
    fn name_read(&mut self, name: &TokenReference, alone: bool) {
        let text = token_text(name);
        if let Some(kind) = self.array_named(&text) {
            if alone {
                self.facts.arrays.push(ArrayUse {
                    kind,
                    index: None,
                    length: false,
                    site: site_of_token(name),
                    function: self.current_function(),
                });
            }
            return;
        }
        if self.resolve(&text).is_none() {
            self.facts.global_reads.push(NameUse {
                name: text,
                site: site_of_token(name),
                at_load: self.at_load(),
            });
        }
    }

    fn function_call(&mut self, call: &FunctionCall) {
        if self.mode == Mode::Library
            && self.at_load()
            && let Some(base) = registering_base(call)
            && let Some(table) = self.global_of(base)
            && COMMAND_TABLES.contains(&table)
        {
            if table == "server" {
                // Valkey's name for the table: the sandbox check knows which targets have it.
                self.facts.global_reads.push(NameUse {
                    name: table.to_owned(),
                    site: site_of_node(call.prefix()),
                    at_load: true,
                });
            }
            self.facts.registration_calls.push(site_of_node(call));
            self.registration(call);
            return;
        }
        if let Some(command) = self.command_call(call) {
            self.facts.commands.push(command);
        }
        if let Some(decoded) = self.decoded(call) {
            self.facts.decoded.push(decoded);
        }
        if let Some(api_call) = self.api_call(call) {
            self.facts.api_calls.push(api_call);
        }
        if let Some(change) = self.protected_table_change(call) {
            self.facts.protected_writes.push(change);
        }
        if self.is_command_table("redis")
            && called_name(call) == Some(("redis", Some("error_reply")))
            && let Some(text) = call_arguments(call).and_then(|args| args.first().copied())
            && let Some(literal) = string_literal(text)
        {
            self.facts.error_literals.push(ErrorLiteral {
                text: literal,
                site: site_of_node(text),
            });
        }
        self.prefix_and_suffixes(call.prefix(), call.suffixes());
    }

    fn prefix_and_suffixes<'a>(
        &mut self,
        prefix: &Prefix,
        suffixes: impl Iterator<Item = &'a Suffix>,
    ) {
        let fallback = std::mem::take(&mut self.in_fallback);
        let suffixes: Vec<&Suffix> = suffixes.collect();
        let mut rest = suffixes.as_slice();
        match prefix {
            Prefix::Name(name) => {
                let text = token_text(name);
                if let Some(kind) = self.array_named(&text) {
                    let index = match rest.first() {
                        Some(Suffix::Index(Index::Brackets { expression, .. })) => {
                            rest = &rest[1..];
                            self.expression(expression);
                            integer_literal(expression)
                        }
                        _ => None,
                    };
                    let end = suffixes.len() - rest.len();
                    let site = span_between(name, suffixes[..end].last().copied());
                    self.facts.arrays.push(ArrayUse {
                        kind,
                        index,
                        length: false,
                        site,
                        function: self.current_function(),
                    });
                } else {
                    self.name_read(name, false);
                    if let Some(global) = self.global_of(&text)
                        && let Some(Suffix::Index(Index::Dot { name: member, .. })) = rest.first()
                    {
                        self.facts.member_reads.push(MemberRead {
                            name: format!("{global}.{}", token_text(member)),
                            site: span_between(name, Some(rest[0])),
                            // Only a read that is the whole left side of `or`.
                            fallback: fallback && suffixes.len() == 1,
                            at_load: self.at_load(),
                            called: matches!(rest.get(1), Some(Suffix::Call(_))),
                        });
                    }
                }
            }
            Prefix::Expression(expression) => self.expression(expression),
            _ => {}
        }
        let mut previous_end = prefix.end_position().map(|p| p.line());
        for suffix in &suffixes {
            // The `(` must be on the line where what it calls ends: the previous part, or
            // the method's name.
            let (args, called_end) = match suffix {
                Suffix::Call(Call::AnonymousCall(args)) => (Some(&**args), previous_end),
                Suffix::Call(Call::MethodCall(call)) => (
                    Some(call.args()),
                    Some(call.name().token().end_position().line()),
                ),
                _ => (None, None),
            };
            if let Some(FunctionArgs::Parentheses { parentheses, .. }) = args {
                let open = parentheses.tokens().0;
                if called_end.is_some_and(|line| open.token().start_position().line() > line) {
                    self.facts.ambiguous_calls.push(site_of_token(open));
                }
            }
            previous_end = suffix.end_position().map(|p| p.line());
        }
        for suffix in rest {
            self.suffix(suffix);
        }
    }

    fn suffix(&mut self, suffix: &Suffix) {
        match suffix {
            Suffix::Index(Index::Brackets { expression, .. }) => self.expression(expression),
            Suffix::Call(Call::AnonymousCall(args)) => self.arguments(args),
            Suffix::Call(Call::MethodCall(call)) => self.arguments(call.args()),
            _ => {}
        }
    }

    fn table(&mut self, table: &TableConstructor) {
        for field in table.fields() {
            if let Field::NameKey { key, value, .. } = field
                && token_text(key) == "err"
                && let Some(literal) = string_literal(value)
            {
                self.facts.error_literals.push(ErrorLiteral {
                    text: literal,
                    site: site_of_node(value),
                });
            }
            match field {
                Field::ExpressionKey { key, value, .. } => {
                    self.expression(key);
                    self.expression(value);
                }
                Field::NameKey { value, .. } => self.expression(value),
                Field::NoKey(value) => self.expression(value),
                _ => {}
            }
        }
    }

    fn arguments(&mut self, args: &FunctionArgs) {
        match args {
            FunctionArgs::Parentheses { arguments, .. } => {
                for argument in arguments {
                    self.expression(argument);
                }
            }
            FunctionArgs::TableConstructor(table) => self.table(table),
            _ => {}
        }
    }
}
