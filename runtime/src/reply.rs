//! The shape a script's RETURNS declares, checked against the reply before it is converted.

use std::fmt::{self, Write as _};

use redis::Value;

/// The shape of reply a script declares in RETURNS; the generated code passes it to the
/// runtime so a reply of another shape becomes [`ErrorKind::Reply`](crate::ErrorKind::Reply)
/// instead of a confusing conversion error or a silently wrong value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyShape {
    /// Undeclared or free-text RETURNS: the caller's type decides.
    Any,
    /// `int`.
    Int,
    /// `float`: a number, as Lua sends it with `tostring` (or a RESP3 double).
    Float,
    /// `bool`: Lua `true` arrives as 1 and `false` as nil.
    Bool,
    /// `string`.
    String,
    /// `bytes`.
    Bytes,
    /// `status`: a status reply (`redis.status_reply`).
    Status,
    /// `nil`.
    Nil,
    /// `T?`.
    Optional(&'static ReplyShape),
    /// `[T]`.
    Array(&'static ReplyShape),
    /// `{K: V}`: a flat array of key/value pairs (or a RESP3 map).
    Map(&'static ReplyShape, &'static ReplyShape),
    /// `(A, B, ...)`.
    Tuple(&'static [ReplyShape]),
    /// `A | B | ...`: a reply of any of the alternatives' shapes.
    Union(&'static [ReplyShape]),
}

impl ReplyShape {
    /// Whether `value` has this shape.
    pub fn accepts(&self, value: &Value) -> bool {
        match (self, value) {
            (Self::Any, _) => true,
            (_, Value::ServerError(_)) => false,
            (Self::Optional(_), Value::Nil) => true,
            (Self::Optional(inner), other) => inner.accepts(other),
            (Self::Int, Value::Int(_)) => true,
            (Self::Float, Value::Int(_) | Value::Double(_)) => true,
            (Self::Float, Value::BulkString(bytes)) => parses_as_float(bytes),
            (Self::Float, Value::SimpleString(text)) => parses_as_float(text.as_bytes()),
            (Self::Bool, Value::Int(0 | 1) | Value::Nil | Value::Boolean(_)) => true,
            (Self::String, Value::BulkString(bytes)) => std::str::from_utf8(bytes).is_ok(),
            (Self::Bytes, Value::BulkString(_)) => true,
            (Self::String | Self::Bytes, Value::VerbatimString { .. }) => true,
            (Self::String | Self::Bytes | Self::Status, Value::SimpleString(_) | Value::Okay) => {
                true
            }
            (Self::Nil, Value::Nil) => true,
            (Self::Array(item), Value::Array(items) | Value::Set(items)) => {
                items.iter().all(|v| item.accepts(v))
            }
            (Self::Map(key, value), Value::Array(items)) => {
                items.len() % 2 == 0
                    && items
                        .chunks_exact(2)
                        .all(|pair| key.accepts(&pair[0]) && value.accepts(&pair[1]))
            }
            (Self::Map(key, value), Value::Map(pairs)) => pairs
                .iter()
                .all(|(k, v)| key.accepts(k) && value.accepts(v)),
            (Self::Tuple(shapes), Value::Array(items)) => {
                shapes.len() == items.len() && shapes.iter().zip(items).all(|(s, v)| s.accepts(v))
            }
            (Self::Union(alternatives), value) => alternatives.iter().any(|a| a.accepts(value)),
            _ => false,
        }
    }
}

/// The error of a union reply's conversion when the reply fits none of its alternatives
/// (`declared`, as RETURNS writes them): the typed calls check the shape first, so this is
/// seen only when a `Value` is converted by hand.
pub fn no_alternative(declared: &str, value: &Value) -> redis::ParsingError {
    format!(
        "{} fits none of the alternatives `{declared}`",
        describe(value)
    )
    .into()
}

fn parses_as_float(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| text.trim().parse::<f64>().is_ok())
}

/// Shows a reply compactly for error messages: `1`, `"text"`, `nil`, `[1, "a"]`, cut after
/// about 200 characters.
pub(crate) fn describe(value: &Value) -> String {
    const LIMIT: usize = 200;
    let mut out = String::new();
    let _ = write_value(&mut out, value, LIMIT);
    if out.len() > LIMIT {
        let mut end = LIMIT;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push_str("...");
    }
    out
}

fn write_value(out: &mut String, value: &Value, limit: usize) -> fmt::Result {
    if out.len() > limit {
        return Ok(());
    }
    match value {
        Value::Nil => out.write_str("nil"),
        Value::Int(i) => write!(out, "{i}"),
        Value::Double(d) => write!(out, "{d}"),
        Value::Boolean(b) => write!(out, "{b}"),
        Value::Okay => out.write_str("status OK"),
        Value::SimpleString(s) => write!(out, "status {s:?}"),
        Value::BulkString(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => write!(out, "{text:?}"),
            Err(_) => write!(out, "{} bytes (not UTF-8)", bytes.len()),
        },
        Value::VerbatimString { text, .. } => write!(out, "{text:?}"),
        Value::Array(items) | Value::Set(items) => write_list(out, items.iter(), limit),
        Value::Map(pairs) => {
            out.write_str("{")?;
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.write_str(", ")?;
                }
                write_value(out, k, limit)?;
                out.write_str(": ")?;
                write_value(out, v, limit)?;
            }
            out.write_str("}")
        }
        Value::ServerError(error) => write!(out, "error {error}"),
        other => write!(out, "{other:?}"),
    }
}

fn write_list<'a>(
    out: &mut String,
    items: impl Iterator<Item = &'a Value>,
    limit: usize,
) -> fmt::Result {
    out.write_str("[")?;
    for (i, item) in items.enumerate() {
        if out.len() > limit {
            return Ok(());
        }
        if i > 0 {
            out.write_str(", ")?;
        }
        write_value(out, item, limit)?;
    }
    out.write_str("]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(text: &str) -> Value {
        Value::BulkString(text.as_bytes().to_vec())
    }

    #[test]
    fn scalars() {
        assert!(ReplyShape::Int.accepts(&Value::Int(3)));
        let union = ReplyShape::Union(&[
            ReplyShape::Int,
            ReplyShape::Tuple(&[ReplyShape::String, ReplyShape::Int]),
        ]);
        assert!(union.accepts(&Value::Int(0)));
        assert!(union.accepts(&Value::Array(vec![bulk("id"), Value::Int(1)])));
        assert!(!union.accepts(&bulk("id")));
        assert!(!union.accepts(&Value::Array(vec![bulk("id")])));
        assert_eq!(
            no_alternative("int | (string, int)", &bulk("id")).to_string(),
            "Incompatible type - \"id\" fits none of the alternatives `int | (string, int)`"
        );
        assert!(!ReplyShape::Int.accepts(&bulk("3")));
        assert!(ReplyShape::Float.accepts(&bulk("3.5")));
        assert!(!ReplyShape::Float.accepts(&bulk("three")));
        assert!(ReplyShape::Bool.accepts(&Value::Nil));
        assert!(!ReplyShape::Bool.accepts(&Value::Int(2)));
        assert!(ReplyShape::Status.accepts(&Value::Okay));
        assert!(!ReplyShape::Status.accepts(&bulk("OK")));
        assert!(ReplyShape::String.accepts(&Value::SimpleString("PONG".into())));
        assert!(ReplyShape::Nil.accepts(&Value::Nil));
        assert!(!ReplyShape::String.accepts(&Value::BulkString(vec![0xff])));
        assert!(ReplyShape::Bytes.accepts(&Value::BulkString(vec![0xff])));
        assert!(!ReplyShape::Nil.accepts(&Value::Int(0)));
        assert!(ReplyShape::Any.accepts(&Value::Nil));
    }

    #[test]
    fn containers() {
        static INT: ReplyShape = ReplyShape::Int;
        static STRING: ReplyShape = ReplyShape::String;
        let array = ReplyShape::Array(&INT);
        assert!(array.accepts(&Value::Array(vec![Value::Int(1), Value::Int(2)])));
        assert!(!array.accepts(&Value::Array(vec![Value::Int(1), bulk("x")])));
        let optional = ReplyShape::Optional(&STRING);
        assert!(optional.accepts(&Value::Nil));
        assert!(optional.accepts(&bulk("x")));
        let map = ReplyShape::Map(&STRING, &INT);
        assert!(map.accepts(&Value::Array(vec![bulk("a"), Value::Int(1)])));
        assert!(!map.accepts(&Value::Array(vec![bulk("a")])));
        static PAIR: [ReplyShape; 2] = [ReplyShape::Int, ReplyShape::String];
        let tuple = ReplyShape::Tuple(&PAIR);
        assert!(tuple.accepts(&Value::Array(vec![Value::Int(1), bulk("a")])));
        assert!(!tuple.accepts(&Value::Array(vec![Value::Int(1)])));
    }

    #[test]
    fn describes_replies_compactly() {
        let value = Value::Array(vec![Value::Int(1), bulk("a"), Value::Nil, Value::Okay]);
        assert_eq!(describe(&value), r#"[1, "a", nil, status OK]"#);
        let long = Value::Array((0..500).map(Value::Int).collect());
        let text = describe(&long);
        assert!(text.len() <= 203 && text.ends_with("..."), "{text}");
    }
}
