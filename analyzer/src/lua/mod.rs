//! The script body: parsed as Lua 5.1, the dialect Redis embeds, with full_moon (its 5.1
//! grammar pinned, so a crate elsewhere in the build that enables Luau cannot change what
//! is accepted), then walked into [`Facts`].
//!
//! full_moon accepts a few things Lua 5.1 rejects; rather than compiling C (the real
//! parser, through mlua), the walker checks them itself: a call whose `(` starts a new
//! line (Lua 5.1: "ambiguous syntax"), `[[` nested in a `[[ ]]` string or comment,
//! more than 200 active locals in one function, and `...` outside a vararg function.
//! That keeps the build pure Rust and the messages ours, pointing at the line.

pub mod facts;
mod syntax;
mod walk;

pub use walk::{body_start, callback_bodies};

use full_moon::LuaVersion;

use crate::diagnostic::{Diagnostic, Location};
use crate::rules;
pub use facts::Facts;

/// The body's facts, and the syntax problems found on the way.
pub struct Body {
    /// What the body does (from the tree full_moon could build, even with errors).
    pub facts: Facts,
    /// Syntax errors, and the Lua 5.1 rules full_moon does not enforce.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether full_moon reported syntax errors (then the facts may be incomplete).
    pub has_syntax_errors: bool,
}

/// Parses and walks `source`, a script.
pub fn read(source: &str) -> Body {
    read_as(source, false)
}

/// Parses and walks `source`, a function library.
pub fn read_library(source: &str) -> Body {
    read_as(source, true)
}

/// Parses and walks `source`, as a function library when `library`.
fn read_as(source: &str, library: bool) -> Body {
    on_roomy_stack(|| read_here(source, library)).unwrap_or_else(internal_error)
}

/// Runs `work` on a thread of its own with a roomy stack (on this one when no thread can
/// be started); `None` when it panicked. The parser and the walker recurse once or more
/// per nesting level: the roomy stack keeps 200 levels (Lua 5.1's limit) far from the
/// caller's, whatever thread the compiler runs the macro on.
pub fn on_roomy_stack<T: Send>(work: impl FnOnce() -> T + Send) -> Option<T> {
    const STACK: usize = 256 * 1024 * 1024;
    let work = std::sync::Mutex::new(Some(work));
    let work = &work;
    let run = move || work.lock().ok().and_then(|mut w| w.take()).map(|w| w());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("redis-script-analyzer".to_owned())
            .stack_size(STACK)
            .spawn_scoped(scope, run);
        match spawned {
            Ok(worker) => worker.join().ok().flatten(),
            Err(_) => run(),
        }
    })
}

/// The body when the analysis itself failed: a diagnostic, and nothing else checked.
fn internal_error() -> Body {
    Body {
        facts: Facts::default(),
        diagnostics: vec![
            Diagnostic::new(
                &rules::LUA_SYNTAX,
                "the Lua parser failed on this file",
                Location::new(1, 1),
                1,
            )
            .with_help("this is a bug of redis-script's parser: please report it with the script"),
        ],
        has_syntax_errors: true,
    }
}

/// The syntax tree of `source` for tools that rewrite it (the byte offsets and lines of
/// its nodes are those of `source`); `None` when it does not parse. Run it on a file the
/// analysis accepted: it has no nesting guard of its own.
pub fn parse_for_tools(source: &str) -> Option<full_moon::ast::Ast> {
    let code = without_shebangs(source, &mut Vec::new()).replace('`', BACKTICK_STAND_IN);
    let parse = || full_moon::parse_fallible(&code, LuaVersion::lua51());
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).ok()?;
    parsed.errors().is_empty().then(|| parsed.into_ast())
}

/// [`read_as`] on the current thread.
fn read_here(source: &str, library: bool) -> Body {
    let mut diagnostics = Vec::new();
    let code = without_shebangs(source, &mut diagnostics).replace('`', BACKTICK_STAND_IN);
    let scan = scan_text(&code);
    if scan.deepest.0 > MAX_NESTING {
        diagnostics.push(
            Diagnostic::new(&rules::LUA_SYNTAX,
                format!("the code nests more than {MAX_NESTING} levels deep here"),
                location_of(&code, scan.deepest.1),
                1,
            )
            .with_help("Lua 5.1 rejects this (\"chunk has too many syntax levels\"): split it into functions"),
        );
        return Body {
            facts: Facts::default(),
            diagnostics,
            has_syntax_errors: true,
        };
    }
    // full_moon has panicked on odd input (a backtick, before the stand-in); a parser bug
    // must not take the build down with it.
    let parse = || full_moon::parse_fallible(&code, LuaVersion::lua51());
    let Ok(parsed) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)) else {
        diagnostics.push(
            Diagnostic::new(
                &rules::LUA_SYNTAX,
                "the Lua parser failed on this file",
                Location::new(1, 1),
                1,
            )
            .with_help("this is a bug of redis-script's parser: please report it with the script"),
        );
        return Body {
            facts: Facts::default(),
            diagnostics,
            has_syntax_errors: true,
        };
    };
    let has_syntax_errors = !parsed.errors().is_empty();
    for error in parsed.errors() {
        diagnostics.push(syntax_error(error, source));
    }
    let facts = if library {
        walk::library_chunk(parsed.ast().nodes())
    } else {
        walk::main_chunk(parsed.ast().nodes())
    };
    diagnostics.extend(lua51_rules(&facts));
    Body {
        facts,
        diagnostics,
        has_syntax_errors,
    }
}

/// The source with every `#!` line turned into a comment of the same length (so
/// positions stay), reporting those not on line 1: Redis only reads a shebang there.
fn without_shebangs(source: &str, diagnostics: &mut Vec<Diagnostic>) -> String {
    let mut code = String::with_capacity(source.len());
    for (i, line) in source.split_inclusive('\n').enumerate() {
        match line.strip_prefix("#!") {
            Some(rest) => {
                if i > 0 {
                    diagnostics.push(
                        Diagnostic::new(&rules::LUA_SYNTAX,
                            "a `#!` line must be the first line of the file",
                            Location::new(i + 1, 1),
                            2,
                        )
                        .with_help(
                            "move the `#!lua flags=...` line to line 1, above the header: elsewhere Redis fails to compile the script with \"unexpected symbol near '#'\"",
                        ),
                    );
                }
                code.push_str("--");
                code.push_str(rest);
            }
            None => code.push_str(line),
        }
    }
    code
}

/// Stands in for `` ` `` in the code given to full_moon: its lexer panics on a backtick
/// without its CfxLua feature, and Lua 5.1 rejects both characters alike.
const BACKTICK_STAND_IN: &str = "@";

fn syntax_error(error: &full_moon::Error, source: &str) -> Diagnostic {
    let (position, message) = match error {
        full_moon::Error::AstError(error) => (
            error.token().start_position(),
            error.error_message().to_owned(),
        ),
        full_moon::Error::TokenizerError(error) => (error.position(), error.error().to_string()),
    };
    let location = Location::new(position.line().max(1), position.character().max(1));
    let at_backtick = source
        .get(position.bytes()..)
        .is_some_and(|rest| rest.starts_with('`'));
    let message = if at_backtick {
        message.replace(BACKTICK_STAND_IN, "`")
    } else {
        message
    };
    Diagnostic::new(
        &rules::LUA_SYNTAX,
        format!("Lua syntax error: {message}"),
        location,
        1,
    )
    .with_help("Redis compiles scripts as Lua 5.1")
}

/// The Lua 5.1 rules the walker found broken.
fn lua51_rules(facts: &Facts) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for site in &facts.ambiguous_calls {
        out.push(
            Diagnostic::new(&rules::LUA_SYNTAX,
                "ambiguous syntax: this `(` starts a new line, so Lua 5.1 cannot tell a call from a new statement",
                site.at,
                site.width,
            )
            .with_help("put the `(` on the line of what it calls, or end the previous statement with `;`"),
        );
    }
    for site in &facts.bad_varargs {
        out.push(
            Diagnostic::new(
                &rules::LUA_SYNTAX,
                "`...` is used outside a vararg function",
                site.at,
                site.width,
            )
            .with_help("add `...` to the function's parameters, or pass the values as parameters"),
        );
    }
    for site in &facts.too_many_locals {
        out.push(
            Diagnostic::new(
                &rules::LUA_SYNTAX,
                format!(
                    "more than {} local variables are active in this function",
                    facts::MAX_LOCALS
                ),
                site.at,
                site.width,
            )
            .with_help("Lua 5.1 allows 200: group values in a table, or split the function"),
        );
    }
    out
}

/// What a quick pass over the text finds before the parser runs.
struct TextScan {
    /// The deepest nesting of brackets and blocks, and where it is reached.
    deepest: (usize, usize),
}

/// How deeply code may nest: Lua 5.1 stops at 200 "syntax levels", and the parser, which
/// recurses, must never get deep enough to overflow the compiler's stack.
const MAX_NESTING: usize = 200;

/// Scans the text like Lua's lexer, skipping quoted strings and comments: measures how
/// deeply brackets and blocks nest. (A `[[` inside a `[[ ... ]]` string is fine: the
/// servers' Lua takes it as text.)
fn scan_text(code: &str) -> TextScan {
    let bytes = code.as_bytes();
    let mut scan = TextScan { deepest: (0, 0) };
    let mut depth: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i += 2;
                if let Some(level) = long_bracket_level(&bytes[i..]) {
                    i = skip_long_bracket(code, i, level);
                } else {
                    i = memchr_newline(bytes, i);
                }
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'[' if long_bracket_level(&bytes[i..]).is_some() => {
                let level = long_bracket_level(&bytes[i..]).unwrap_or(0);
                i = skip_long_bracket(code, i, level);
            }
            b'(' | b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b')' | b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let end = bytes[i..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                    .map_or(bytes.len(), |n| i + n);
                match &code[i..end] {
                    "function" | "do" | "if" | "repeat" => depth += 1,
                    "end" | "until" => depth = depth.saturating_sub(1),
                    _ => {}
                }
                i = end;
            }
            b'0'..=b'9' => {
                // Skip numbers whole, so `0x1e` is not read as letters.
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        if depth > scan.deepest.0 {
            scan.deepest = (depth, i.saturating_sub(1));
        }
    }
    scan
}

/// The level of a long bracket opening at the start of `bytes` (`[[` is 0, `[==[` is 2).
fn long_bracket_level(bytes: &[u8]) -> Option<usize> {
    let rest = bytes.strip_prefix(b"[")?;
    let level = rest.iter().take_while(|&&b| b == b'=').count();
    (rest.get(level) == Some(&b'[')).then_some(level)
}

/// Skips the long bracket opening at `start`; returns the offset after its end.
fn skip_long_bracket(code: &str, start: usize, level: usize) -> usize {
    let body = start + level + 2;
    let closer = format!("]{}]", "=".repeat(level));
    let end = code[body..]
        .find(&closer)
        .map_or(code.len(), |at| body + at);
    (end + closer.len()).min(code.len())
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |at| from + at)
}

/// The line and column of byte `offset` of `code`.
fn location_of(code: &str, offset: usize) -> Location {
    let before = &code[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    Location::new(line, before[line_start..].chars().count() + 1)
}
