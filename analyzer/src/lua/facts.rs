//! What a script's body does, read from its syntax tree with scopes resolved: which
//! `KEYS`/`ARGV` entries it reads, which globals it reads and writes, which Redis commands
//! it calls, what it returns, and the Lua 5.1 limits full_moon does not enforce.

use full_moon::ast::{
    Block, Call, Expression, Field, FunctionArgs, FunctionBody, FunctionCall, Index, LastStmt,
    Parameter, Prefix, Stmt, Suffix, TableConstructor, UnOp, Var,
};
use full_moon::node::Node;
use full_moon::tokenizer::{Symbol, Token, TokenReference, TokenType};

use crate::diagnostic::Location;
use crate::model::ParamKind;

/// Lua 5.1's limit on the active local variables of one function (`LUAI_MAXVARS`).
pub const MAX_LOCALS: usize = 200;

/// A place in the source: where it starts and how many characters it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site {
    /// Where it starts.
    pub at: Location,
    /// Its width in characters (at least one).
    pub width: usize,
}

/// A read of `KEYS` or `ARGV`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrayUse {
    /// Which array.
    pub kind: ParamKind,
    /// `Some(n)` for `KEYS[n]` with a literal `n`; `None` for any other use (`#KEYS`,
    /// `KEYS[i]`, `unpack(KEYS)`, passing `KEYS` around).
    pub index: Option<usize>,
    /// Where.
    pub site: Site,
}

/// A `redis.call(...)` or `redis.pcall(...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandCall {
    /// The command name when it is a string literal.
    pub name: Option<String>,
    /// The first argument after the name when it is a string literal (a subcommand).
    pub first_arg: Option<String>,
    /// How many words are sent (name included), when that is known: not when the last
    /// argument is a call or `...`, which may expand to any number of values.
    pub words: Option<usize>,
    /// Where the command name is (or the call, without a literal name).
    pub site: Site,
}

/// An error sent with a literal text: `redis.error_reply("CODE message")`, or a table
/// `{err = "CODE message"}` (raised with `error(...)` or returned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLiteral {
    /// The text, as written.
    pub text: String,
    /// Where the literal is.
    pub site: Site,
}

/// What a `return` of the script's main chunk returns, as far as literals tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    /// An integer literal.
    Int,
    /// A number literal with a fraction or exponent.
    Float,
    /// A string literal or `tostring(...)`.
    String,
    /// `true`.
    True,
    /// `false`, which Redis sends as nil.
    False,
    /// `nil`, or a bare `return`.
    Nil,
    /// A table constructor.
    Table,
    /// `redis.status_reply(...)`.
    Status,
    /// `redis.error_reply(...)`: an error, whatever RETURNS says.
    Error,
    /// The end of the script, reached without a `return`: Redis sends nil.
    Nothing,
    /// Anything else: a variable, a call...
    Unknown,
}

/// A `return` of the main chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReturnSite {
    /// What it returns.
    pub returned: Returned,
    /// Where the returned expression (or the `return`) is.
    pub site: Site,
}

/// A global name read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameUse {
    /// The name; for `lib.member` reads, `lib.member`.
    pub name: String,
    /// Where.
    pub site: Site,
}

/// Everything the checks need to know about the body.
#[derive(Debug, Default)]
pub struct Facts {
    /// Reads of `KEYS` and `ARGV`.
    pub arrays: Vec<ArrayUse>,
    /// Reads of globals other than `KEYS` and `ARGV`.
    pub global_reads: Vec<NameUse>,
    /// Reads of members of library tables (`string.format`, `redis.call`).
    pub member_reads: Vec<NameUse>,
    /// Assignments to globals (`x = 1`, `function f() end`, `_G.x = 1`).
    pub global_writes: Vec<NameUse>,
    /// Calls of Redis commands.
    pub commands: Vec<CommandCall>,
    /// The main chunk's `return`s.
    pub returns: Vec<ReturnSite>,
    /// `...` used in a function that does not take `...`.
    pub bad_varargs: Vec<Site>,
    /// Functions with more than [`MAX_LOCALS`] active locals (where the limit is passed).
    pub too_many_locals: Vec<Site>,
    /// Calls whose `(` starts a new line: Lua 5.1 rejects them as ambiguous.
    pub ambiguous_calls: Vec<Site>,
    /// Errors sent with a literal text.
    pub error_literals: Vec<ErrorLiteral>,
}

/// Walks `block`, the main chunk.
pub fn collect(block: &Block) -> Facts {
    let mut walker = Walker::default();
    walker.functions.push(Function {
        vararg: true,
        first_scope: 0,
        reported: false,
    });
    walker.scoped_block(block, Vec::new());
    if !always_returns(block) {
        // Point at the last statement: the way through it can end without a `return`.
        let site = block.stmts().last().map_or(
            Site {
                at: Location::new(1, 1),
                width: 1,
            },
            |last| {
                let start = last.start_position().map_or(Location::new(1, 1), |p| {
                    Location::new(p.line(), p.character())
                });
                Site {
                    at: start,
                    width: 1,
                }
            },
        );
        walker.facts.returns.push(ReturnSite {
            returned: Returned::Nothing,
            site,
        });
    }
    walker.facts
}

/// Whether every way through `block` ends in a `return` (or in a call of `error`).
fn always_returns(block: &Block) -> bool {
    if let Some(last) = block.last_stmt() {
        return matches!(last, LastStmt::Return(_));
    }
    match block.stmts().last() {
        Some(Stmt::If(statement)) => {
            statement.else_block().is_some_and(always_returns)
                && always_returns(statement.block())
                && statement
                    .else_if()
                    .into_iter()
                    .flatten()
                    .all(|branch| always_returns(branch.block()))
        }
        Some(Stmt::Do(inner)) => always_returns(inner.block()),
        Some(Stmt::FunctionCall(call)) => called_name(call).as_deref() == Some("error"),
        _ => false,
    }
}

/// What a local name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binding {
    /// An ordinary local.
    Plain,
    /// `local k = KEYS`: another name for the array.
    Alias(ParamKind),
}

#[derive(Default)]
struct Walker {
    facts: Facts,
    scopes: Vec<Vec<(String, Binding)>>,
    functions: Vec<Function>,
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
        if let Some(last) = block.last_stmt()
            && let LastStmt::Return(ret) = last
        {
            for expression in ret.returns() {
                self.expression(expression);
            }
            if self.functions.len() == 1 {
                let first = ret.returns().iter().next();
                let returned = first.map_or(Returned::Nil, classify);
                let site = first.map_or_else(|| site_of_token(ret.token()), site_of_node);
                self.facts.returns.push(ReturnSite { returned, site });
            }
        }
    }

    fn declare(&mut self, name: String, binding: Binding, site: Site) {
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

    fn resolve(&self, name: &str) -> Option<Binding> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(local, _)| local == name)
            .map(|(_, binding)| *binding)
    }

    /// The array a bare name stands for: the global `KEYS`/`ARGV` or an alias of one.
    fn array_named(&self, name: &str) -> Option<ParamKind> {
        match self.resolve(name) {
            Some(Binding::Alias(kind)) => Some(kind),
            Some(Binding::Plain) => None,
            None => match name {
                "KEYS" => Some(ParamKind::Key),
                "ARGV" => Some(ParamKind::Arg),
                _ => None,
            },
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::LocalAssignment(local) => {
                // `local k = KEYS` makes an alias: a name for the array, not a use of it.
                let aliased: Vec<Option<ParamKind>> = local
                    .expressions()
                    .iter()
                    .map(|e| bare_name(e).and_then(|n| self.array_named(n)))
                    .collect();
                for (expression, alias) in local.expressions().iter().zip(&aliased) {
                    if alias.is_none() {
                        self.expression(expression);
                    }
                }
                for (i, name) in local.names().iter().enumerate() {
                    let binding = aliased
                        .get(i)
                        .copied()
                        .flatten()
                        .map_or(Binding::Plain, Binding::Alias);
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
                let method = declaration.name().method_name().is_some();
                if let [only] = names.as_slice()
                    && !method
                    && self.resolve(&token_text(only)).is_none()
                {
                    self.facts.global_writes.push(NameUse {
                        name: token_text(only),
                        site: site_of_token(only),
                    });
                }
                if let Some(base) = names.first()
                    && (names.len() > 1 || method)
                {
                    self.name_read(base, false);
                }
                self.function_body(declaration.body(), method);
            }
            Stmt::LocalFunction(function) => {
                self.declare(
                    token_text(function.name()),
                    Binding::Plain,
                    site_of_token(function.name()),
                );
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
                if let (Prefix::Name(base), [Suffix::Index(index), ..]) = (
                    expression.prefix(),
                    expression.suffixes().collect::<Vec<_>>().as_slice(),
                ) {
                    let is_global_table = token_text(base) == "_G" && self.resolve("_G").is_none();
                    if is_global_table && expression.suffixes().count() == 1 {
                        let name = match index {
                            Index::Dot { name, .. } => token_text(name),
                            Index::Brackets { expression, .. } => {
                                string_literal(expression).unwrap_or_else(|| "?".to_owned())
                            }
                            _ => "?".to_owned(),
                        };
                        self.facts.global_writes.push(NameUse {
                            name,
                            site: site_of_node(&**expression),
                        });
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
            Expression::BinaryOperator { lhs, rhs, .. } => {
                self.expression(lhs);
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
                if matches!(
                    token.token_type(),
                    TokenType::Symbol {
                        symbol: Symbol::Ellipsis
                    }
                ) && !self.functions.last().is_some_and(|f| f.vararg) =>
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
        if let Some(command) = redis_command(call) {
            self.facts.commands.push(command);
        }
        if self.resolve("redis").is_none()
            && called_name(call).as_deref() == Some("redis.error_reply")
            && let Some(text) = first_argument(call)
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
                    self.facts.arrays.push(ArrayUse { kind, index, site });
                } else {
                    self.name_read(name, false);
                    if self.resolve(&text).is_none()
                        && let Some(Suffix::Index(Index::Dot { name: member, .. })) = rest.first()
                    {
                        self.facts.member_reads.push(NameUse {
                            name: format!("{text}.{}", token_text(member)),
                            site: span_between(name, Some(rest[0])),
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

/// The three locals Lua 5.1 keeps for a `for` loop's state; they count toward the limit
/// of 200 and no code can name them.
fn hidden_loop_locals(site: Site) -> Vec<(String, Binding, Site)> {
    ["(for state)", "(for limit)", "(for step)"]
        .map(|name| (name.to_owned(), Binding::Plain, site))
        .into()
}

/// `redis.call(...)` / `redis.pcall(...)`, with what can be read of its arguments.
fn redis_command(call: &FunctionCall) -> Option<CommandCall> {
    let Prefix::Name(base) = call.prefix() else {
        return None;
    };
    let suffixes: Vec<&Suffix> = call.suffixes().collect();
    let [
        Suffix::Index(Index::Dot { name, .. }),
        Suffix::Call(Call::AnonymousCall(args)),
        ..,
    ] = suffixes.as_slice()
    else {
        return None;
    };
    if token_text(base) != "redis" || !matches!(token_text(name).as_str(), "call" | "pcall") {
        return None;
    }
    let arguments: Vec<&Expression> = match &**args {
        FunctionArgs::Parentheses { arguments, .. } => arguments.iter().collect(),
        _ => return None,
    };
    let expands = arguments.last().is_some_and(|last| {
        matches!(last, Expression::FunctionCall(_))
            || matches!(last, Expression::Symbol(t) if matches!(t.token_type(), TokenType::Symbol { symbol: Symbol::Ellipsis }))
    });
    let site = arguments
        .first()
        .map_or_else(|| site_of_token(name), |first| site_of_node(*first));
    Some(CommandCall {
        name: arguments.first().and_then(|e| string_literal(e)),
        first_arg: arguments.get(1).and_then(|e| string_literal(e)),
        words: (!expands).then_some(arguments.len()),
        site,
    })
}

/// The first argument of a call with parentheses.
fn first_argument(call: &FunctionCall) -> Option<&Expression> {
    call.suffixes().find_map(|suffix| match suffix {
        Suffix::Call(Call::AnonymousCall(args)) => match &**args {
            FunctionArgs::Parentheses { arguments, .. } => arguments.iter().next(),
            _ => None,
        },
        _ => None,
    })
}

/// What a returned expression is, as far as its form tells.
fn classify(expression: &Expression) -> Returned {
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
        Expression::Parentheses { expression, .. } => classify(expression),
        Expression::Symbol(token) => match token.token_type() {
            TokenType::Symbol {
                symbol: Symbol::True,
            } => Returned::True,
            TokenType::Symbol {
                symbol: Symbol::False,
            } => Returned::False,
            TokenType::Symbol {
                symbol: Symbol::Nil,
            } => Returned::Nil,
            _ => Returned::Unknown,
        },
        Expression::FunctionCall(call) => match called_name(call).as_deref() {
            Some("redis.status_reply") => Returned::Status,
            Some("redis.error_reply") => Returned::Error,
            Some("tostring") => Returned::String,
            _ => Returned::Unknown,
        },
        _ => Returned::Unknown,
    }
}

/// `f` or `lib.f` for a call of a plain or library function.
fn called_name(call: &FunctionCall) -> Option<String> {
    let Prefix::Name(base) = call.prefix() else {
        return None;
    };
    let suffixes: Vec<&Suffix> = call.suffixes().collect();
    match suffixes.as_slice() {
        [Suffix::Call(_)] => Some(token_text(base)),
        [Suffix::Index(Index::Dot { name, .. }), Suffix::Call(_)] => {
            Some(format!("{}.{}", token_text(base), token_text(name)))
        }
        _ => None,
    }
}

/// The name of `expression` when it is just a name.
fn bare_name(expression: &Expression) -> Option<&str> {
    match expression {
        Expression::Var(Var::Name(name)) => match name.token_type() {
            TokenType::Identifier { identifier } => Some(identifier.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// The value of a string literal (escapes are not decoded).
fn string_literal(expression: &Expression) -> Option<String> {
    match expression {
        Expression::String(token) => match token.token_type() {
            TokenType::StringLiteral { literal, .. } => Some(literal.to_string()),
            _ => None,
        },
        Expression::Parentheses { expression, .. } => string_literal(expression),
        _ => None,
    }
}

/// The value of a non-negative integer literal.
fn integer_literal(expression: &Expression) -> Option<usize> {
    match expression {
        Expression::Number(token) => {
            let text = token_text(token);
            match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
                Some(hex) => usize::from_str_radix(hex, 16).ok(),
                None => text.parse().ok(),
            }
        }
        _ => None,
    }
}

fn token_text(token: &Token) -> String {
    token.to_string()
}

fn site_of_token(token: &Token) -> Site {
    let start = token.start_position();
    let end = token.end_position();
    Site {
        at: Location::new(start.line(), start.character()),
        width: width_between(start, end),
    }
}

fn site_of_node(node: &impl Node) -> Site {
    match (node.start_position(), node.end_position()) {
        (Some(start), Some(end)) => Site {
            at: Location::new(start.line(), start.character()),
            width: width_between(start, end),
        },
        _ => Site {
            at: Location::new(1, 1),
            width: 1,
        },
    }
}

/// From the start of `first` to the end of `last` (or of `first`).
fn span_between(first: &Token, last: Option<&Suffix>) -> Site {
    let start = first.start_position();
    let end = last
        .and_then(|s| s.end_position())
        .unwrap_or_else(|| first.end_position());
    Site {
        at: Location::new(start.line(), start.character()),
        width: width_between(start, end),
    }
}

/// Characters from `start` to `end` on the same line (one at least).
fn width_between(
    start: full_moon::tokenizer::Position,
    end: full_moon::tokenizer::Position,
) -> usize {
    if end.line() == start.line() && end.character() > start.character() {
        end.character() - start.character()
    } else {
        1
    }
}
