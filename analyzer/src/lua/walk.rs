//! The walk over a script's syntax tree that collects its [`Facts`], with scopes: a local
//! shadows a global of the same name (`local redis = ...` is not Redis's `redis`), and
//! locals can stand for something the checks care about (`local k = KEYS`,
//! `local rcall = redis.call`, `local t = table`).

use std::collections::{HashMap, HashSet};

use full_moon::ast::{
    BinOp, Block, Call, Expression, Field, FunctionArgs, FunctionBody, FunctionCall, Index,
    LastStmt, Parameter, Prefix, Stmt, Suffix, TableConstructor, UnOp, Var,
};
use full_moon::node::Node;
use full_moon::tokenizer::TokenReference;

use super::facts::{
    ApiCall, Argument, ArrayUse, CommandCall, Decoded, ErrorLiteral, Facts, MAX_LOCALS, MemberRead,
    NameUse, OpenLoop, Registration, Return, ReturnSite, Returned, Site, Source, Word,
};
use super::syntax::{
    bare_name, call_arguments, called_name, dotted_name, expands, integer_literal, is_ellipsis,
    parenthesized, site_of_node, site_of_token, span_between, string_literal, token_text, word,
};
use crate::diagnostic::Location;
use crate::model::ParamKind;
use crate::redis::functions::REGISTRATION_FIELDS;
use crate::types::Codec;

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

/// How the walk reads the file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A script: `KEYS` and `ARGV` are globals, the main chunk returns the reply.
    #[default]
    Script,
    /// A function library: each callback gets its keys and args as parameters.
    Library,
}

/// The callback a registration names.
enum Callback {
    /// A local function (or other local), by name.
    Local(String),
    /// A function written in the registration.
    Inline,
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
    /// `local key = KEYS[1]`, `local id = ARGV[1]`: a value whose source is known.
    Value(Source),
    /// `local job = ARGV[2]`: an element of KEYS or ARGV at a literal index.
    Element(ParamKind, usize),
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
    /// Script or library.
    mode: Mode,
    /// In a library: the local functions registered, each with the name of the library
    /// function it is.
    callbacks: HashMap<String, String>,
    /// In a library: the function whose callback is being walked, and how many functions
    /// deep its body is.
    current: Option<(String, usize)>,
    /// The blocks being walked, innermost last, each with an id of its own.
    blocks: Vec<usize>,
    /// How many blocks were entered, for their ids.
    blocks_seen: usize,
    /// The loops being walked, innermost last: those the script does not bound itself.
    loops: Vec<Option<OpenLoop>>,
    /// Where the call a `return` returns as it is starts, while that `return` is walked.
    returned_call: Option<(usize, usize)>,
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

    /// Where the value of `expression` comes from, as far as the code shows it.
    fn source_of(&self, expression: &Expression) -> Source {
        match expression {
            Expression::Parentheses { expression, .. } => self.source_of(expression),
            Expression::String(_) => Source::Literal,
            Expression::BinaryOperator {
                binop: BinOp::TwoDots(_),
                ..
            } => Source::Built,
            Expression::UnaryOperator {
                unop: UnOp::Hash(_),
                expression,
            } => match self.source_of(expression) {
                Source::Args => Source::Args,
                _ => Source::Unknown,
            },
            Expression::Var(Var::Name(name)) => match self.resolve(&token_text(name)) {
                Some(Binding::Value(source)) => *source,
                Some(Binding::Element(ParamKind::Key, _)) => Source::Keys,
                Some(Binding::Element(ParamKind::Arg, _)) => Source::Args,
                _ => Source::Unknown,
            },
            Expression::Var(Var::Expression(var)) => {
                let Prefix::Name(base) = var.prefix() else {
                    return Source::Unknown;
                };
                let indexed = var.suffixes().count() == 1
                    && matches!(var.suffixes().next(), Some(Suffix::Index(_)));
                match (self.array_named(&token_text(base)), indexed) {
                    (Some(ParamKind::Key), true) => Source::Keys,
                    (Some(ParamKind::Arg), true) => Source::Args,
                    _ => Source::Unknown,
                }
            }
            Expression::FunctionCall(call) => {
                if self.command_arguments(call).is_some() {
                    return Source::Reply;
                }
                let argument = call_arguments(call).and_then(|args| args.first().copied());
                match called_name(call) {
                    Some(("string", Some("format"))) => Source::Built,
                    Some(("tonumber" | "tostring", None))
                    | Some(("cjson" | "cmsgpack", Some("decode" | "unpack"))) => {
                        argument.map_or(Source::Unknown, |a| self.source_of(a))
                    }
                    _ => Source::Unknown,
                }
            }
            _ => Source::Unknown,
        }
    }

    /// The element of KEYS or ARGV `expression` is, at a literal index: `ARGV[2]`, or a
    /// local holding it.
    fn element_of(&self, expression: &Expression) -> Option<(ParamKind, usize)> {
        match expression {
            Expression::Parentheses { expression, .. } => self.element_of(expression),
            Expression::Var(Var::Name(name)) => match self.resolve(&token_text(name)) {
                Some(Binding::Element(kind, index)) => Some((*kind, *index)),
                _ => None,
            },
            Expression::Var(Var::Expression(var)) => {
                let Prefix::Name(base) = var.prefix() else {
                    return None;
                };
                let kind = self.array_named(&token_text(base))?;
                let mut suffixes = var.suffixes();
                let (Some(Suffix::Index(Index::Brackets { expression, .. })), None) =
                    (suffixes.next(), suffixes.next())
                else {
                    return None;
                };
                Some((kind, integer_literal(expression)?))
            }
            _ => None,
        }
    }

    /// `cjson.decode(ARGV[n])` or `cmsgpack.unpack(ARGV[n])`: which entry it decodes, how.
    fn decoded(&self, call: &FunctionCall) -> Option<Decoded> {
        let codec = match called_name(call)? {
            ("cjson", Some("decode")) => Codec::Json,
            ("cmsgpack", Some("unpack")) => Codec::Msgpack,
            _ => return None,
        };
        if self
            .resolve(if codec == Codec::Json {
                "cjson"
            } else {
                "cmsgpack"
            })
            .is_some()
        {
            return None;
        }
        let argument = call_arguments(call)?.first().copied()?;
        let (kind, index) = self.element_of(argument)?;
        Some(Decoded {
            kind,
            index,
            codec,
            function: self.current_function(),
            site: site_of_node(call),
        })
    }

    /// The open loop a loop over `bound` makes: one bounded by ARGV or by a reply.
    fn open_loop(&self, bound: Option<&Expression>, site: Site) -> Option<OpenLoop> {
        let bound = match bound? {
            // `ipairs(x)`, `pairs(x)`: bounded by x.
            Expression::FunctionCall(call)
                if matches!(called_name(call), Some(("ipairs" | "pairs", None))) =>
            {
                self.source_of(call_arguments(call)?.first().copied()?)
            }
            other => self.source_of(other),
        };
        matches!(bound, Source::Args | Source::Reply).then_some(OpenLoop { site, bound })
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
            None if self.mode == Mode::Library => None,
            None => match name {
                "KEYS" => Some(ParamKind::Key),
                "ARGV" => Some(ParamKind::Arg),
                _ => None,
            },
        }
    }

    /// Whose reply a `return` here is: `Some(None)` for the main chunk of a script,
    /// `Some(Some(name))` for the body of a library function's callback, `None` for
    /// returns of other functions.
    fn returning(&self) -> Option<Option<String>> {
        match (self.mode, &self.current) {
            (Mode::Script, _) if self.functions.len() == 1 => Some(None),
            (Mode::Library, Some((name, depth))) if self.functions.len() == *depth => {
                Some(Some(name.clone()))
            }
            _ => None,
        }
    }

    /// The library function whose callback is being walked.
    fn current_function(&self) -> Option<String> {
        self.current.as_ref().map(|(name, _)| name.clone())
    }

    /// The library function a top-level local named `name` is the callback of.
    fn registered_callback(&self, name: Option<&String>) -> Option<String> {
        if !self.at_load() {
            return None;
        }
        self.callbacks.get(name?).cloned()
    }

    /// Whether the walk is at the top level of the file (in a library: load time).
    fn at_load(&self) -> bool {
        self.functions.len() == 1
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

    /// `getmetatable(_G).x = ...` or `getmetatable('').x = ...`: a write into the
    /// metatable of the global table or of strings, which Redis protects.
    fn protected_metatable(&self, target: &full_moon::ast::VarExpression) -> Option<NameUse> {
        let Prefix::Name(base) = target.prefix() else {
            return None;
        };
        let mut suffixes = target.suffixes();
        let Some(Suffix::Call(Call::AnonymousCall(args))) = suffixes.next() else {
            return None;
        };
        suffixes.next()?;
        let function = token_text(base);
        if function != "getmetatable" || self.global_of(&function).is_none() {
            return None;
        }
        let first = parenthesized(args)?.first().copied()?;
        let protected = string_literal(first).is_some()
            || bare_name(first).is_some_and(|name| self.global_of(name) == Some("_G"));
        protected.then(|| NameUse {
            name: target.to_string().trim().to_owned(),
            site: site_of_node(target),
            at_load: self.at_load(),
        })
    }

    /// The body of the callback of the library function `name`: its first two parameters
    /// are the function's keys and args.
    fn callback_body(&mut self, body: &FunctionBody, name: String) {
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

    /// The arguments of `redis.register_function(...)`: an inline callback is walked as the
    /// registered function's body.
    fn registration(&mut self, call: &FunctionCall) {
        let name = registered_name(call);
        for suffix in call.suffixes() {
            let Suffix::Call(Call::AnonymousCall(args)) = suffix else {
                continue;
            };
            match &**args {
                FunctionArgs::Parentheses { arguments, .. } => {
                    for argument in arguments {
                        match (argument, &name) {
                            (Expression::Function(function), Some(name)) => {
                                self.callback_body(function.body(), name.clone());
                            }
                            _ => self.expression(argument),
                        }
                    }
                }
                FunctionArgs::TableConstructor(table) => {
                    for field in table.fields() {
                        match (field, &name) {
                            (Field::NameKey { key, value, .. }, Some(name))
                                if token_text(key) == "callback" =>
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
                _ => {}
            }
        }
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
            at_load: self.at_load(),
            function: self.current_function(),
            name: arguments.first().and_then(|e| string_literal(e)),
            args: arguments.iter().skip(1).map(|e| self.argument(e)).collect(),
            open_ended,
            empty: arguments.is_empty(),
            protected: called_name(call).is_some_and(|(_, member)| member == Some("pcall")),
            site,
            returned: self.returned_call.is_some()
                && call.start_position().map(|p| (p.line(), p.character())) == self.returned_call,
            block: self.blocks.last().copied().unwrap_or(0),
            open_loop: self.loops.iter().rev().flatten().next().copied(),
        })
    }

    /// What can be read of one argument of a call.
    fn argument(&self, expression: &Expression) -> Argument {
        Argument {
            word: word(expression),
            source: self.source_of(expression),
            text: expression.to_string().trim().to_owned(),
            site: site_of_node(expression),
        }
    }

    /// `call` as a call of one of the `redis` table's other functions:
    /// `redis.sha1hex(x)` (also through `server` or a local alias).
    fn api_call(&self, call: &FunctionCall) -> Option<ApiCall> {
        let Prefix::Name(base) = call.prefix() else {
            return None;
        };
        let suffixes: Vec<&Suffix> = call.suffixes().collect();
        let [
            Suffix::Index(Index::Dot { name, .. }),
            Suffix::Call(Call::AnonymousCall(args)),
        ] = suffixes.as_slice()
        else {
            return None;
        };
        let member = token_text(name);
        if !self.is_command_table(&token_text(base)) || matches!(member.as_str(), "call" | "pcall")
        {
            return None;
        }
        let arguments = parenthesized(args)?;
        Some(ApiCall {
            member,
            open_ended: arguments.last().is_some_and(|last| expands(last)),
            args: arguments.iter().map(|e| self.argument(e)).collect(),
            site: site_of_node(call),
        })
    }

    /// `setmetatable(_G, ...)` or `rawset(_G, ...)`: a change to the global table that
    /// is not an assignment, as written.
    fn protected_table_change(&self, call: &FunctionCall) -> Option<NameUse> {
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
                    ("cjson", Some("encode")) => Returned::Encoded(Codec::Json),
                    ("cmsgpack", Some("pack")) => Returned::Encoded(Codec::Msgpack),
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

/// The name a `redis.register_function` call registers, when it is a string literal:
/// its first argument, or the `function_name` of its table.
fn registered_name(call: &FunctionCall) -> Option<String> {
    call.suffixes().find_map(|suffix| match suffix {
        Suffix::Call(Call::AnonymousCall(args)) => match &**args {
            FunctionArgs::Parentheses { arguments, .. } => {
                arguments.iter().next().and_then(string_literal)
            }
            FunctionArgs::TableConstructor(table) => {
                table_field(table, "function_name").and_then(string_literal)
            }
            _ => None,
        },
        _ => None,
    })
}

/// The value of the field `name = ...` of a table constructor.
fn table_field<'a>(table: &'a TableConstructor, name: &str) -> Option<&'a Expression> {
    table.fields().iter().find_map(|field| match field {
        Field::NameKey { key, value, .. } if token_text(key) == name => Some(&**value),
        _ => None,
    })
}

/// The name a `X.register_function(...)` call goes through (`redis`, Valkey's `server`,
/// or a local alias of either); `None` for other calls.
fn registering_base(call: &FunctionCall) -> Option<&str> {
    match called_name(call) {
        Some((base, Some("register_function"))) => Some(base),
        _ => None,
    }
}

/// The `redis.register_function(...)` calls at the top level of a library, in order:
/// through `redis`, `server`, or a name the top level made an alias of one
/// (`local r = redis`).
fn registration_calls(block: &Block) -> Vec<&FunctionCall> {
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
fn registration(call: &FunctionCall) -> Registration {
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

/// What a registration's arguments say, apart from its name.
struct RegistrationParts {
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

/// Reads the arguments of a `redis.register_function` call.
fn registration_parts(call: &FunctionCall) -> RegistrationParts {
    let mut parts = RegistrationParts {
        name_site: site_of_node(call),
        flags: Vec::new(),
        description: None,
        unknown_fields: Vec::new(),
        refused: Vec::new(),
        inline: None,
    };
    let line_of = |e: &Expression| e.start_position().map(|p| p.line());
    for suffix in call.suffixes() {
        let Suffix::Call(Call::AnonymousCall(args)) = suffix else {
            continue;
        };
        match &**args {
            FunctionArgs::Parentheses { arguments, .. } => {
                let arguments: Vec<&Expression> = arguments.iter().collect();
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
            FunctionArgs::TableConstructor(table) => {
                if let Some(name) = table_field(table, "function_name") {
                    parts.name_site = site_of_node(name);
                }
                if let Some(callback @ Expression::Function(_)) = table_field(table, "callback") {
                    parts.inline = line_of(callback);
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
                        for field in list.fields() {
                            let Field::NoKey(value) = field else {
                                continue;
                            };
                            match word(value) {
                                Word::Text(flag) => parts.flags.push((flag, site_of_node(value))),
                                Word::Number(_) | Word::Refused(_) => parts.refused.push((
                                    "each flag must be a string".to_owned(),
                                    site_of_node(value),
                                )),
                                Word::Dynamic => {}
                            }
                        }
                    }
                    Some(flags) if !matches!(word(flags), Word::Dynamic) => {
                        parts.refused.push((
                            "the `flags` must be a table of strings: `flags = {'no-writes'}`"
                                .to_owned(),
                            site_of_node(flags),
                        ));
                    }
                    _ => {}
                }
                for field in table.fields() {
                    if let Field::NameKey { key, .. } = field
                        && !REGISTRATION_FIELDS.contains(&token_text(key).as_str())
                    {
                        parts
                            .unknown_fields
                            .push((token_text(key), site_of_token(key)));
                    }
                }
            }
            _ => {}
        }
    }
    parts
}

/// The callback a registration names.
fn callback_of(call: &FunctionCall) -> Option<Callback> {
    call.suffixes().find_map(|suffix| {
        let Suffix::Call(Call::AnonymousCall(args)) = suffix else {
            return None;
        };
        let callback = match &**args {
            FunctionArgs::Parentheses { arguments, .. } => arguments.iter().nth(1)?,
            FunctionArgs::TableConstructor(table) => table_field(table, "callback")?,
            _ => return None,
        };
        match callback {
            Expression::Function(_) => Some(Callback::Inline),
            other => bare_name(other).map(|name| Callback::Local(name.to_owned())),
        }
    })
}

/// The line of each function defined at the top level: `local function f` and
/// `local f = function`.
fn local_function_lines(block: &Block) -> HashMap<String, usize> {
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
