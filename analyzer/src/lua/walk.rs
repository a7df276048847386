//! The walk over a script's syntax tree that collects its [`Facts`], with scopes: a local
//! shadows a global of the same name (`local redis = ...` is not Redis's `redis`), and
//! locals can stand for something the checks care about (`local k = KEYS`,
//! `local rcall = redis.call`, `local t = table`).

use std::collections::HashSet;

use full_moon::ast::{
    BinOp, Block, Call, Expression, Field, FunctionArgs, FunctionBody, FunctionCall, Index,
    LastStmt, Parameter, Prefix, Stmt, Suffix, TableConstructor, UnOp, Var,
};
use full_moon::node::Node;
use full_moon::tokenizer::TokenReference;

use super::facts::{
    Argument, ArrayUse, CommandCall, ErrorLiteral, Facts, MAX_LOCALS, MemberRead, NameUse,
    ReturnSite, Returned, Site,
};
use super::syntax::{
    bare_name, call_arguments, called_name, dotted_name, expands, integer_literal, is_ellipsis,
    parenthesized, site_of_node, site_of_token, span_between, string_literal, token_text, word,
};
use crate::diagnostic::Location;
use crate::model::ParamKind;

/// The globals through which scripts call commands: `redis`, and Valkey's alias `server`.
const COMMAND_TABLES: &[&str] = &["redis", "server"];

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
        walker.facts.returns.push(ReturnSite {
            returned: Returned::Nothing,
            site,
        });
    }
    walker.facts
}

/// Whether every way through `block` ends in a `return` (or in a call of `error`, when the
/// script has no local of that name).
fn always_returns(block: &Block, error_is_builtin: bool) -> bool {
    if let Some(last) = block.last_stmt() {
        return matches!(last, LastStmt::Return(_));
    }
    let all = |block: &Block| always_returns(block, error_is_builtin);
    match block.stmts().last() {
        Some(Stmt::If(statement)) => {
            statement.else_block().is_some_and(all)
                && all(statement.block())
                && statement
                    .else_if()
                    .into_iter()
                    .flatten()
                    .all(|branch| all(branch.block()))
        }
        Some(Stmt::Do(inner)) => all(inner.block()),
        Some(Stmt::FunctionCall(call)) => {
            error_is_builtin && called_name(call) == Some(("error", None))
        }
        _ => false,
    }
}

/// What a local name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Binding {
    /// An ordinary local.
    Plain,
    /// `local k = KEYS`: another name for the array.
    Array(ParamKind),
    /// `local t = table`: another name for a global table.
    Global(String),
    /// `local rcall = redis.call`: calls it are command calls.
    Command,
    /// `local function call(cmd, ...) return redis.call(cmd, ...) end`: calls of it are
    /// command calls, with the command name first.
    Forwarder,
}

#[derive(Default)]
struct Walker {
    facts: Facts,
    scopes: Vec<Vec<(String, Binding)>>,
    functions: Vec<Function>,
    /// Every name declared local anywhere, to tell whether a builtin may be shadowed
    /// where scopes are no longer known.
    declared: HashSet<String>,
    /// Set while walking the left side of an `or`: a member read there is a fallback.
    in_fallback: bool,
}

struct Function {
    vararg: bool,
    first_scope: usize,
    reported: bool,
}

impl Walker {
    fn scoped_block(&mut self, block: &Block, declare: Vec<(String, Binding, Site)>) {
        self.scopes.push(Vec::new());
        for (name, binding, site) in declare {
            self.declare(name, binding, site);
        }
        self.block(block);
        self.scopes.pop();
    }

    fn block(&mut self, block: &Block) {
        for stmt in block.stmts() {
            self.stmt(stmt);
        }
        if let Some(LastStmt::Return(ret)) = block.last_stmt() {
            for expression in ret.returns() {
                self.expression(expression);
            }
            if self.functions.len() == 1 {
                let first = ret.returns().iter().next();
                let returned = first.map_or(Returned::Nil, |e| self.classify(e));
                let site = first.map_or_else(|| site_of_token(ret.token()), site_of_node);
                self.facts.returns.push(ReturnSite { returned, site });
            }
        }
    }

    fn declare(&mut self, name: String, binding: Binding, site: Site) {
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
    fn resolve(&self, name: &str) -> Option<&Binding> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(local, _)| local == name)
            .map(|(_, binding)| binding)
    }

    /// The global a name stands for: itself when no local shadows it, or the global a
    /// local aliases (`local t = table`).
    fn global_of<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        match self.resolve(name) {
            None => Some(name),
            Some(Binding::Global(global)) => Some(global),
            Some(_) => None,
        }
    }

    /// The array a bare name stands for: the global `KEYS`/`ARGV` or an alias of one.
    fn array_named(&self, name: &str) -> Option<ParamKind> {
        match self.resolve(name) {
            Some(Binding::Array(kind)) => Some(*kind),
            Some(_) => None,
            None => match name {
                "KEYS" => Some(ParamKind::Key),
                "ARGV" => Some(ParamKind::Arg),
                _ => None,
            },
        }
    }

    /// What `local name = expression` makes `name` stand for.
    fn binding_of(&self, expression: &Expression) -> Binding {
        if let Some(name) = bare_name(expression) {
            if let Some(kind) = self.array_named(name) {
                return Binding::Array(kind);
            }
            return match self.resolve(name) {
                Some(Binding::Command | Binding::Forwarder) => Binding::Command,
                Some(Binding::Global(global)) => Binding::Global(global.clone()),
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
        Binding::Plain
    }

    /// Whether `name` stands for `redis` (or Valkey's `server`).
    fn is_command_table(&self, name: &str) -> bool {
        self.global_of(name)
            .is_some_and(|global| COMMAND_TABLES.contains(&global))
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::LocalAssignment(local) => {
                let bindings: Vec<Binding> = local
                    .expressions()
                    .iter()
                    .map(|e| self.binding_of(e))
                    .collect();
                for (expression, binding) in local.expressions().iter().zip(&bindings) {
                    // An alias of an array is a name for it, not a use of it.
                    if !matches!(binding, Binding::Array(_)) {
                        self.expression(expression);
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
                self.declare(name, binding, site_of_token(function.name()));
                self.function_body(function.body(), false);
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
                self.scoped_block(statement.block(), declare);
            }
            Stmt::GenericFor(statement) => {
                for expression in statement.expressions() {
                    self.expression(expression);
                }
                let mut declare = hidden_loop_locals(site_of_node(statement.block()));
                declare.extend(
                    statement
                        .names()
                        .iter()
                        .map(|n| (token_text(n), Binding::Plain, site_of_token(n))),
                );
                self.scoped_block(statement.block(), declare);
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
                });
            }
            Var::Expression(expression) => {
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
                        });
                    } else if let Some(global) = global
                        && only_suffix
                        && self.array_named(&base_name).is_none()
                    {
                        self.facts.member_writes.push(NameUse {
                            name: format!("{global}.{member}"),
                            site: site_of_node(&**expression),
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
        let mut declare = Vec::new();
        if method {
            declare.push(("self".to_owned(), Binding::Plain, site_of_node(body)));
        }
        let mut vararg = false;
        for parameter in body.parameters() {
            match parameter {
                Parameter::Name(name) => {
                    declare.push((token_text(name), Binding::Plain, site_of_token(name)));
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
                });
            }
            return;
        }
        if self.resolve(&text).is_none() {
            self.facts.global_reads.push(NameUse {
                name: text,
                site: site_of_token(name),
            });
        }
    }

    fn function_call(&mut self, call: &FunctionCall) {
        if let Some(command) = self.command_call(call) {
            self.facts.commands.push(command);
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

    /// The arguments of `call` when it calls a command: `redis.call(...)`, `redis.pcall(...)`
    /// (also through `server` or a local alias of either table), or an alias or forwarder
    /// of them. The command name is the first argument.
    fn command_arguments<'a>(&self, call: &'a FunctionCall) -> Option<Vec<&'a Expression>> {
        let Prefix::Name(base) = call.prefix() else {
            return None;
        };
        let suffixes: Vec<&Suffix> = call.suffixes().collect();
        let args = match suffixes.as_slice() {
            [
                Suffix::Index(Index::Dot { name, .. }),
                Suffix::Call(Call::AnonymousCall(args)),
                ..,
            ] if self.is_command_table(&token_text(base))
                && matches!(token_text(name).as_str(), "call" | "pcall") =>
            {
                args
            }
            [Suffix::Call(Call::AnonymousCall(args)), ..]
                if matches!(
                    self.resolve(&token_text(base)),
                    Some(Binding::Command | Binding::Forwarder)
                ) =>
            {
                args
            }
            _ => return None,
        };
        parenthesized(args)
    }

    /// `call` as a command call, with what can be read of its arguments.
    fn command_call(&self, call: &FunctionCall) -> Option<CommandCall> {
        let arguments = self.command_arguments(call)?;
        let open_ended = arguments.last().is_some_and(|last| expands(last));
        let site = arguments
            .first()
            .map_or_else(|| site_of_node(call), |first| site_of_node(*first));
        Some(CommandCall {
            name: arguments.first().and_then(|e| string_literal(e)),
            args: arguments
                .iter()
                .skip(1)
                .map(|e| Argument {
                    word: word(e),
                    site: site_of_node(*e),
                })
                .collect(),
            open_ended,
            site,
        })
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

    /// What a returned expression is, as far as its form tells.
    fn classify(&self, expression: &Expression) -> Returned {
        match expression {
            Expression::Number(token) => {
                let text = token_text(token).to_ascii_lowercase();
                let hex = text.starts_with("0x");
                if !hex && (text.contains('.') || text.contains('e')) {
                    Returned::Float
                } else {
                    Returned::Int
                }
            }
            Expression::String(_) => Returned::String,
            Expression::TableConstructor(_) => Returned::Table,
            Expression::Parentheses { expression, .. } => self.classify(expression),
            Expression::Symbol(token) => match token.token_type() {
                full_moon::tokenizer::TokenType::Symbol { symbol } => match symbol {
                    full_moon::tokenizer::Symbol::True => Returned::True,
                    full_moon::tokenizer::Symbol::False => Returned::False,
                    full_moon::tokenizer::Symbol::Nil => Returned::Nil,
                    _ => Returned::Unknown,
                },
                _ => Returned::Unknown,
            },
            Expression::FunctionCall(call) => {
                let Some((base, member)) = called_name(call) else {
                    return Returned::Unknown;
                };
                if self.resolve(base).is_some() {
                    return Returned::Unknown;
                }
                match (base, member) {
                    ("redis", Some("status_reply")) => Returned::Status,
                    ("redis", Some("error_reply")) => Returned::Error,
                    ("tostring", None) => Returned::String,
                    _ => Returned::Unknown,
                }
            }
            _ => Returned::Unknown,
        }
    }
}

/// The call `expression` is, if it is one.
fn call_of(expression: &Expression) -> Option<&FunctionCall> {
    match expression {
        Expression::FunctionCall(call) => Some(call),
        _ => None,
    }
}

/// The three locals Lua 5.1 keeps for a `for` loop's state; they count toward the limit
/// of 200 and no code can name them.
fn hidden_loop_locals(site: Site) -> Vec<(String, Binding, Site)> {
    ["(for state)", "(for limit)", "(for step)"]
        .map(|name| (name.to_owned(), Binding::Plain, site))
        .into()
}
