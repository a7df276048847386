//! What the walk recognises in `return`s: the shape of what is returned, and whether a
//! block always returns.

use full_moon::ast::{Block, Expression, FunctionCall, LastStmt, Stmt};

use super::state::{Mode, Walker};
use crate::lua::facts::Returned;
use crate::lua::syntax::{called_name, token_text};
use crate::types::Codec;

impl Walker {
    /// Whose reply a `return` here is: `Some(None)` for the main chunk of a script,
    /// `Some(Some(name))` for the body of a library function's callback, `None` for
    /// returns of other functions.
    pub(super) fn returning(&self) -> Option<Option<String>> {
        match (self.mode, &self.current) {
            (Mode::Script, _) if self.functions.len() == 1 => Some(None),
            (Mode::Library, Some((name, depth))) if self.functions.len() == *depth => {
                Some(Some(name.clone()))
            }
            _ => None,
        }
    }

    /// What a returned expression is, as far as its form tells.
    pub(super) fn classify(&self, expression: &Expression) -> Returned {
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

/// Whether every way through `block` ends in a `return` (or in a call of `error`, when the
/// script has no local of that name).
pub(super) fn always_returns(block: &Block, error_is_builtin: bool) -> bool {
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

/// The call `expression` is, if it is one.
pub(super) fn call_of(expression: &Expression) -> Option<&FunctionCall> {
    match expression {
        Expression::FunctionCall(call) => Some(call),
        _ => None,
    }
}
