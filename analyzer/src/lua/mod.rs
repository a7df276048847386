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

use full_moon::LuaVersion;
use full_moon::node::Node;
use full_moon::tokenizer::{Token, TokenType};

use crate::diagnostic::{Diagnostic, Location};
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

/// Parses and walks `source`.
pub fn read(source: &str) -> Body {
    let mut diagnostics = Vec::new();
    let code = without_shebangs(source, &mut diagnostics);
    let parsed = full_moon::parse_fallible(&code, LuaVersion::lua51());
    let has_syntax_errors = !parsed.errors().is_empty();
    for error in parsed.errors() {
        diagnostics.push(syntax_error(error));
    }
    let facts = facts::collect(parsed.ast().nodes());
    diagnostics.extend(lua51_rules(&facts));
    for token in parsed.ast().nodes().tokens().chain([parsed.ast().eof()]) {
        let trivia = token.leading_trivia().chain(token.trailing_trivia());
        for piece in std::iter::once(token.token()).chain(trivia) {
            if let Some(diagnostic) = nested_long_bracket(piece) {
                diagnostics.push(diagnostic);
            }
        }
    }
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
                        Diagnostic::new(
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

fn syntax_error(error: &full_moon::Error) -> Diagnostic {
    let (position, message) = match error {
        full_moon::Error::AstError(error) => (
            error.token().start_position(),
            error.error_message().to_owned(),
        ),
        full_moon::Error::TokenizerError(error) => (error.position(), error.error().to_string()),
    };
    Diagnostic::new(
        format!("Lua syntax error: {message}"),
        Location::new(position.line().max(1), position.character().max(1)),
        1,
    )
    .with_help("Redis compiles scripts as Lua 5.1")
}

/// The Lua 5.1 rules the walker found broken.
fn lua51_rules(facts: &Facts) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for site in &facts.ambiguous_calls {
        out.push(
            Diagnostic::new(
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

/// `[[` inside a `[[ ]]` string or comment (level 0), which Lua 5.1 rejects.
fn nested_long_bracket(token: &Token) -> Option<Diagnostic> {
    let (text, opener) = match token.token_type() {
        TokenType::StringLiteral {
            literal,
            multi_line_depth: 0,
            quote_type: full_moon::tokenizer::StringLiteralQuoteType::Brackets,
        } => (literal.as_str(), 2),
        TokenType::MultiLineComment { blocks: 0, comment } => (comment.as_str(), 4),
        _ => return None,
    };
    let offset = text.find("[[")?;
    let start = token.start_position();
    let before = &text[..offset];
    let line = start.line() + before.matches('\n').count();
    let column = match before.rfind('\n') {
        Some(newline) => before[newline + 1..].chars().count() + 1,
        None => start.character() + opener + before.chars().count(),
    };
    Some(
        Diagnostic::new(
            "`[[` inside a `[[ ... ]]` string or comment: Lua 5.1 rejects nested long brackets",
            Location::new(line, column),
            2,
        )
        .with_help("use a level-1 long bracket outside, `[=[ ... ]=]`, which may contain `[[`"),
    )
}
