//! What the main chunk of a script (or a library function) returns against RETURNS; and,
//! when RETURNS is prose, the type its literal returns agree on.

use crate::diagnostic::Diagnostic;
use crate::lua::facts::{Facts, ReturnSite, Returned};
use crate::model::{Returns, Script};
use crate::rules;
use crate::types::{Codec, ReturnType};

/// Checks typed RETURNS against literal returns, or infers a type for prose RETURNS; the
/// returns are those of the script's main chunk (`function` is `None`) or of the library
/// function `function`.
pub fn check(
    script: &mut Script,
    facts: &Facts,
    function: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let returns: Vec<ReturnSite> = facts
        .returns
        .iter()
        .filter(|r| r.function.as_deref() == function)
        .map(|r| r.at)
        .collect();
    match &script.returns {
        Returns::Typed { ty, .. } => {
            for site in &returns {
                if let Some(diagnostic) = mismatch(ty, site, super::wording::unit(function)) {
                    out.push(diagnostic);
                }
            }
        }
        Returns::Text(_) | Returns::Undeclared => {
            if let Some(ty) = inferred(&returns) {
                let description = match &script.returns {
                    Returns::Text(text) => text.clone(),
                    _ => String::new(),
                };
                script.returns = Returns::Typed { ty, description };
            }
        }
    }
}

/// The type all literal returns agree on: int, string or status. Error replies are
/// ignored; anything not a literal prevents inference.
/// The type the literal returns of a script's main chunk agree on, if they do.
pub fn inferred_type(facts: &Facts) -> Option<ReturnType> {
    let returns: Vec<ReturnSite> = facts
        .returns
        .iter()
        .filter(|r| r.function.is_none())
        .map(|r| r.at)
        .collect();
    inferred(&returns)
}

fn inferred(returns: &[ReturnSite]) -> Option<ReturnType> {
    let mut kinds = returns
        .iter()
        .map(|r| r.returned)
        .filter(|r| *r != Returned::Error);
    let first = kinds.next()?;
    if !kinds.all(|k| k == first) {
        return None;
    }
    match first {
        Returned::Int => Some(ReturnType::Int),
        Returned::String => Some(ReturnType::String),
        Returned::Status => Some(ReturnType::Status),
        _ => None,
    }
}

/// The problem with returning `site` where RETURNS declares `ty`, if any; `unit` is what
/// returns it (`script`, `function`).
fn mismatch(ty: &ReturnType, site: &ReturnSite, unit: &str) -> Option<Diagnostic> {
    let what = match site.returned {
        Returned::Error | Returned::Unknown => return None,
        Returned::Int => "an integer",
        Returned::Float => "a number with a fraction",
        Returned::String => "a string",
        Returned::True => "`true` (sent as 1)",
        Returned::False => "`false` (sent as nil)",
        Returned::Nil => "nil",
        Returned::Nothing => &format!("nil: the {unit} can reach its end without a `return`"),
        Returned::Table => "a table (sent as an array)",
        Returned::Status => "a status reply",
        Returned::Encoded(codec) => match codec {
            Codec::Json => "JSON (`cjson.encode`)",
            Codec::Msgpack => "MessagePack (`cmsgpack.pack`)",
        },
    };
    match fits(ty, site.returned) {
        Fit::Yes => None,
        Fit::Truncated => Some(
            Diagnostic::new(&rules::FRACTIONAL_RETURN,
                "Redis truncates this number to an integer: the fraction is lost on the way",
                site.site.at,
                site.site.width,
            )
            .with_help("return `tostring(x)` and declare `RETURNS: float`, or send a RESP3 double with `{double = x}`"),
        ),
        Fit::No => {
            let help = if let ReturnType::Encoded(codec) = ty {
                format!("return the value encoded, `{}(value)`", codec.lua_encode())
            } else if matches!(ty, ReturnType::Status) && site.returned == Returned::String {
                "a Lua string is sent as a bulk string: return `redis.status_reply(\"OK\")` for a status".to_owned()
            } else {
                format!("return a value of type `{ty}`, or change RETURNS to what the {unit} returns")
            };
            Some(
                Diagnostic::new(&rules::RETURNS_MISMATCH,
                    format!("this returns {what}, but RETURNS declares `{ty}`"),
                    site.site.at,
                    site.site.width,
                )
                .with_help(help),
            )
        }
    }
}

enum Fit {
    Yes,
    Truncated,
    No,
}

fn fits(ty: &ReturnType, returned: Returned) -> Fit {
    use ReturnType as T;
    use Returned as R;
    if matches!(ty, T::Value) {
        return Fit::Yes;
    }
    if let T::Union(alternatives) = ty {
        let fits: Vec<Fit> = alternatives.iter().map(|a| fits(&a.ty, returned)).collect();
        return if fits.iter().any(|f| matches!(f, Fit::Yes)) {
            Fit::Yes
        } else if fits.iter().any(|f| matches!(f, Fit::Truncated)) {
            Fit::Truncated
        } else {
            Fit::No
        };
    }
    if let T::Optional(inner) = ty {
        return if matches!(returned, R::Nil | R::False | R::Nothing) {
            Fit::Yes
        } else {
            fits(inner, returned)
        };
    }
    let ok = match returned {
        R::Error | R::Unknown => true,
        R::Nil | R::False | R::Nothing => matches!(ty, T::Nil | T::Bool),
        R::True => matches!(ty, T::Bool | T::Int),
        R::Int => matches!(ty, T::Int | T::Float | T::Bool),
        R::Float => {
            return if matches!(ty, T::Int | T::Float) {
                Fit::Truncated
            } else {
                Fit::No
            };
        }
        R::String => matches!(ty, T::String | T::Bytes | T::Float),
        R::Status => matches!(ty, T::Status | T::String | T::Bytes),
        R::Table => matches!(ty, T::Array(_) | T::Tuple(_) | T::Map(..)),
        R::Encoded(codec) => match ty {
            T::Encoded(declared) => *declared == codec,
            T::String | T::Bytes => true,
            _ => false,
        },
    };
    if ok { Fit::Yes } else { Fit::No }
}
