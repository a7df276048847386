//! The little JSON the command line writes: flat objects of strings, numbers and string
//! lists, one per line.

use std::fmt::Write as _;

/// A JSON value of the kinds written here.
pub enum Value<'a> {
    /// A string.
    Text(&'a str),
    /// A whole number.
    Number(u64),
    /// A list of strings.
    Texts(&'a [String]),
    /// `null`.
    Null,
}

/// `{"key": value, ...}` on one line.
pub fn object(fields: &[(&str, Value<'_>)]) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(&mut out, key);
        out.push(':');
        match value {
            Value::Text(text) => string(&mut out, text),
            Value::Number(number) => {
                let _ = write!(out, "{number}");
            }
            Value::Texts(texts) => {
                out.push('[');
                for (j, text) in texts.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    string(&mut out, text);
                }
                out.push(']');
            }
            Value::Null => out.push_str("null"),
        }
    }
    out.push('}');
    out
}

/// `text` as a JSON string.
fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_json_needs() {
        assert_eq!(
            object(&[
                ("a", Value::Text("say \"hi\"\n\\ \u{1}")),
                ("n", Value::Number(3)),
                ("l", Value::Texts(&["x".to_owned()])),
                ("z", Value::Null),
            ]),
            r#"{"a":"say \"hi\"\n\\ \u0001","n":3,"l":["x"],"z":null}"#
        );
    }
}
