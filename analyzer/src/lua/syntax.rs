//! Small readers of full_moon's syntax tree: names, literals, call arguments and the sites
//! (line, column, width) messages point at.

use full_moon::ast::{Call, Expression, FunctionArgs, FunctionCall, Index, Prefix, Suffix, Var};
use full_moon::node::Node;
use full_moon::tokenizer::{Symbol, Token, TokenType};

use super::facts::{Site, Word};
use crate::diagnostic::Location;

/// The arguments of the first call of `call` (`f(a, b)`, `f{...}`, `f'x'`), when they are
/// in parentheses.
pub fn call_arguments(call: &FunctionCall) -> Option<Vec<&Expression>> {
    call.suffixes().find_map(|suffix| match suffix {
        Suffix::Call(Call::AnonymousCall(args)) => parenthesized(args),
        _ => None,
    })
}

/// The expressions of `args` when they are in parentheses.
pub fn parenthesized(args: &FunctionArgs) -> Option<Vec<&Expression>> {
    match args {
        FunctionArgs::Parentheses { arguments, .. } => Some(arguments.iter().collect()),
        _ => None,
    }
}

/// `(f, None)` or `(lib, Some(f))` for a call of a plain or library function, as written.
pub fn called_name(call: &FunctionCall) -> Option<(&str, Option<&str>)> {
    let Prefix::Name(base) = call.prefix() else {
        return None;
    };
    let mut suffixes = call.suffixes();
    let called = match (suffixes.next(), suffixes.next(), suffixes.next()) {
        (Some(Suffix::Call(_)), None, _) => (identifier(base)?, None),
        (Some(Suffix::Index(Index::Dot { name, .. })), Some(Suffix::Call(_)), None) => {
            (identifier(base)?, Some(identifier(name)?))
        }
        _ => return None,
    };
    Some(called)
}

/// The text of an identifier token.
fn identifier(token: &Token) -> Option<&str> {
    match token.token_type() {
        TokenType::Identifier { identifier } => Some(identifier.as_str()),
        _ => None,
    }
}

/// The name of `expression` when it is just a name.
pub fn bare_name(expression: &Expression) -> Option<&str> {
    match expression {
        Expression::Var(Var::Name(name)) => match name.token_type() {
            TokenType::Identifier { identifier } => Some(identifier.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// `base.member` when `expression` is exactly that.
pub fn dotted_name(expression: &Expression) -> Option<(String, String)> {
    let Expression::Var(Var::Expression(var)) = expression else {
        return None;
    };
    let Prefix::Name(base) = var.prefix() else {
        return None;
    };
    let suffixes: Vec<&Suffix> = var.suffixes().collect();
    match suffixes.as_slice() {
        [Suffix::Index(Index::Dot { name, .. })] => Some((token_text(base), token_text(name))),
        _ => None,
    }
}

/// Whether `expression` is `...`.
pub fn is_ellipsis(expression: &Expression) -> bool {
    matches!(expression, Expression::Symbol(token) if matches!(
        token.token_type(),
        TokenType::Symbol { symbol: Symbol::Ellipsis }
    ))
}

/// Whether the value of `expression` may be any number of values: a call or `...` (when
/// last in a list).
pub fn expands(expression: &Expression) -> bool {
    matches!(expression, Expression::FunctionCall(_)) || is_ellipsis(expression)
}

/// What a word passed to a command is, as far as its form tells.
pub fn word(expression: &Expression) -> Word {
    if let Some(text) = string_literal(expression) {
        return Word::Text(text);
    }
    match expression {
        Expression::Number(token) => Word::Number(token_text(token)),
        Expression::Parentheses { expression, .. } => word(expression),
        Expression::TableConstructor(_) => Word::Refused("a table"),
        Expression::Symbol(token) => match token_text(token).as_str() {
            "true" | "false" => Word::Refused("a boolean"),
            "nil" => Word::Refused("nil"),
            _ => Word::Dynamic,
        },
        _ => Word::Dynamic,
    }
}

/// The value of a string literal (escapes are not decoded).
pub fn string_literal(expression: &Expression) -> Option<String> {
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
pub fn integer_literal(expression: &Expression) -> Option<usize> {
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

/// The text of a token.
pub fn token_text(token: &Token) -> String {
    token.to_string()
}

/// Where a token is.
pub fn site_of_token(token: &Token) -> Site {
    let start = token.start_position();
    let end = token.end_position();
    Site {
        at: Location::new(start.line(), start.character()),
        width: width_between(start, end),
    }
}

/// Where a node is (its first line only, for the width).
pub fn site_of_node(node: &impl Node) -> Site {
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
pub fn span_between(first: &Token, last: Option<&Suffix>) -> Site {
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
