//! The type vocabulary of headers: parameter types (`[1] capacity: int - ...`) and the
//! RETURNS type grammar (`int`, `string?`, `[int]`, `{string: int}`, `(int, [string])`,
//! and unions of them: `int | (string, int)`, `code: int | job: (string, int)`).

use std::fmt;

/// The declared type of one KEYS or ARGV entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// `key`: a Redis key name.
    Key,
    /// `string`: UTF-8 text.
    String,
    /// `bytes`: any binary value.
    Bytes,
    /// `int`: a 64-bit signed integer.
    Int,
    /// `float`: a 64-bit float.
    Float,
    /// `bool`: sent as `1` or `0`.
    Bool,
    /// `json`: any `Serialize` value, sent as JSON (the script decodes it with
    /// `cjson.decode`).
    Json,
    /// `msgpack`: any `Serialize` value, sent as MessagePack (`cmsgpack.unpack`).
    Msgpack,
}

impl ParamType {
    /// Every parameter type, in the order the docs list them.
    pub const ALL: [ParamType; 8] = [
        Self::Key,
        Self::String,
        Self::Bytes,
        Self::Int,
        Self::Float,
        Self::Bool,
        Self::Json,
        Self::Msgpack,
    ];

    /// The type named `word` in a header, if there is one.
    pub fn from_word(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|ty| ty.name() == word)
    }

    /// The word a header uses for this type.
    pub fn name(self) -> &'static str {
        match self {
            Self::Key => "key",
            Self::String => "string",
            Self::Bytes => "bytes",
            Self::Int => "int",
            Self::Float => "float",
            Self::Bool => "bool",
            Self::Json => "json",
            Self::Msgpack => "msgpack",
        }
    }

    /// The encoding of a structured type (`json`, `msgpack`).
    pub fn codec(self) -> Option<Codec> {
        match self {
            Self::Json => Some(Codec::Json),
            Self::Msgpack => Some(Codec::Msgpack),
            _ => None,
        }
    }

    /// The words of all parameter types, for messages.
    pub fn vocabulary() -> String {
        Self::ALL.map(Self::name).join(", ")
    }
}

/// An encoding of structured values that Redis's Lua reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    /// JSON: `cjson.decode` / `cjson.encode` in Lua, `serde_json` in Rust.
    Json,
    /// MessagePack: `cmsgpack.unpack` / `cmsgpack.pack` in Lua, `rmp-serde` in Rust.
    Msgpack,
}

impl Codec {
    /// The header word (`json`, `msgpack`), also the name of the crate feature.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Msgpack => "msgpack",
        }
    }

    /// The Lua call that decodes a value of this encoding.
    pub fn lua_decode(self) -> &'static str {
        match self {
            Self::Json => "cjson.decode",
            Self::Msgpack => "cmsgpack.unpack",
        }
    }

    /// The Lua call that encodes a value.
    pub fn lua_encode(self) -> &'static str {
        match self {
            Self::Json => "cjson.encode",
            Self::Msgpack => "cmsgpack.pack",
        }
    }
}

/// The declared type of a script's reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnType {
    /// `int`: an integer reply (Lua numbers are truncated to integers by Redis).
    Int,
    /// `float`: a number sent as a string (`tostring(x)`), parsed as `f64`.
    Float,
    /// `bool`: Lua `true` (integer 1) or `false` (nil).
    Bool,
    /// `string`: a bulk or status string, as UTF-8 text.
    String,
    /// `bytes`: a bulk string as raw bytes.
    Bytes,
    /// `status`: a status reply such as `redis.status_reply("OK")`.
    Status,
    /// `nil`: no value.
    Nil,
    /// `value`: any reply, as `redis::Value`.
    Value,
    /// `json` / `msgpack`: a bulk string holding an encoded value, decoded into the
    /// `Deserialize` type the caller picks.
    Encoded(Codec),
    /// `T?`: the value or nil.
    Optional(Box<ReturnType>),
    /// `[T]`: an array (Lua table) of values.
    Array(Box<ReturnType>),
    /// `{K: V}`: a map, sent by Lua as a flat array of key/value pairs.
    Map(Box<ReturnType>, Box<ReturnType>),
    /// `(A, B, ...)`: an array of fixed length with a type per position.
    Tuple(Vec<ReturnType>),
    /// `A | B | ...` (only as the whole RETURNS type): one of several replies, told apart
    /// by their shape; the first alternative the reply fits is the one it is read as.
    Union(Vec<Alternative>),
}

/// One alternative of a union reply: `int`, or named, `job: (string, int)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// The name written before it (`job` in `job: (string, int)`), if any.
    pub name: Option<String>,
    /// Its type.
    pub ty: ReturnType,
}

impl Alternative {
    /// The name of its Rust enum variant: the given name in UpperCamelCase, else one
    /// after its type (`Int`, `Array`, `Tuple`...).
    pub fn variant(&self) -> String {
        match &self.name {
            Some(name) => crate::names::upper_camel(name),
            None => self.ty.shape_name().to_owned(),
        }
    }
}

impl ReturnType {
    /// The encodings this type (or a type inside it) decodes.
    pub fn codecs(&self) -> Vec<Codec> {
        match self {
            Self::Encoded(codec) => vec![*codec],
            Self::Optional(inner) | Self::Array(inner) => inner.codecs(),
            Self::Map(key, value) => {
                let mut codecs = key.codecs();
                codecs.extend(value.codecs());
                codecs
            }
            Self::Tuple(items) => items.iter().flat_map(Self::codecs).collect(),
            Self::Union(alternatives) => alternatives.iter().flat_map(|a| a.ty.codecs()).collect(),
            _ => Vec::new(),
        }
    }

    /// A word for the type's shape, as a union names an unnamed alternative's variant.
    pub fn shape_name(&self) -> &'static str {
        match self {
            Self::Int => "Int",
            Self::Float => "Float",
            Self::Bool => "Bool",
            Self::String => "String",
            Self::Bytes => "Bytes",
            Self::Status => "Status",
            Self::Nil => "Nil",
            Self::Value => "Value",
            Self::Encoded(Codec::Json) => "Json",
            Self::Encoded(Codec::Msgpack) => "Msgpack",
            Self::Optional(inner) => inner.shape_name(),
            Self::Array(_) => "Array",
            Self::Map(..) => "Map",
            Self::Tuple(_) => "Tuple",
            Self::Union(_) => "Union",
        }
    }

    /// What is wrong with a union type, if anything: two alternatives a reply could both
    /// fit (the first would always win), two alternatives with the same variant name, or a
    /// `json`/`msgpack` alternative (its Rust type would be the caller's to pick).
    pub fn union_problem(&self) -> Option<(String, &'static str)> {
        let Self::Union(alternatives) = self else {
            return None;
        };
        if let Some(encoded) = alternatives.iter().find(|a| !a.ty.codecs().is_empty()) {
            return Some((
                format!("the alternative `{}` of a union is encoded", encoded.ty),
                "declare it `bytes` and decode it after matching the variant",
            ));
        }
        let bad_name = alternatives.iter().find_map(|a| {
            let name = a.name.as_deref()?;
            let usable = crate::names::is_snake_case_identifier(name)
                && !crate::names::is_keyword(name)
                && a.variant().starts_with(|c: char| c.is_ascii_uppercase());
            (!usable).then_some(name)
        });
        if let Some(name) = bad_name {
            return Some((
                format!(
                    "`{name}` cannot name an alternative (it names a variant of the reply's enum)"
                ),
                "name alternatives in snake_case, starting with a letter, not a Rust keyword: `job: (string, int)`",
            ));
        }
        for (i, first) in alternatives.iter().enumerate() {
            for second in &alternatives[i + 1..] {
                if first.variant() == second.variant() {
                    return Some((
                        format!(
                            "two alternatives of the union would both be the variant `{}`",
                            first.variant()
                        ),
                        "name the alternatives: `code: int | job: (string, int)`",
                    ));
                }
                if let Some(reply) = first.ty.overlap(&second.ty) {
                    return Some((
                        format!(
                            "the alternatives `{}` and `{}` both fit {reply}: the reply could not be told apart",
                            first.ty, second.ty
                        ),
                        "alternatives must differ in shape: an integer, nil, a string, a status, arrays of different lengths",
                    ));
                }
            }
        }
        None
    }

    /// A reply both types fit, described, if there is one.
    fn overlap(&self, other: &ReturnType) -> Option<&'static str> {
        use ReturnType as T;
        match (self, other) {
            (T::Value, _) | (_, T::Value) => Some("any reply"),
            (T::Optional(_), T::Optional(_) | T::Nil | T::Bool)
            | (T::Nil | T::Bool, T::Optional(_)) => Some("nil"),
            (T::Optional(inner), other) | (other, T::Optional(inner)) => inner.overlap(other),
            (T::Tuple(a), T::Tuple(b)) => (a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| x.overlap(y).is_some()))
            .then_some("an array"),
            (T::Array(_) | T::Map(..) | T::Tuple(_), T::Array(_) | T::Map(..) | T::Tuple(_)) => {
                Some("an array")
            }
            (T::Int | T::Bool | T::Float, T::Int | T::Bool | T::Float) => Some("an integer"),
            (T::Nil | T::Bool, T::Nil | T::Bool) => Some("nil"),
            (
                T::String | T::Bytes | T::Status | T::Float | T::Encoded(_),
                T::String | T::Bytes | T::Status | T::Float | T::Encoded(_),
            ) => Some("a string"),
            _ => None,
        }
    }

    /// Parses a RETURNS type expression; `None` when `text` is not one (it is then free text).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parser = TypeParser {
            rest: text.trim(),
            depth: 0,
        };
        let ty = parser.parse_union()?;
        parser.rest.trim().is_empty().then_some(ty)
    }

    /// Whether the type may be used as a map key (hashable and comparable in Rust).
    pub fn is_map_key(&self) -> bool {
        matches!(
            self,
            Self::Int | Self::String | Self::Bytes | Self::Bool | Self::Status
        )
    }

    /// The first map-key type inside this type that cannot be a map key, if any.
    pub fn invalid_map_key(&self) -> Option<&ReturnType> {
        match self {
            Self::Map(key, _) if !key.is_map_key() => Some(key),
            Self::Map(key, value) => key.invalid_map_key().or_else(|| value.invalid_map_key()),
            Self::Optional(inner) | Self::Array(inner) => inner.invalid_map_key(),
            Self::Tuple(items) => items.iter().find_map(Self::invalid_map_key),
            Self::Union(alternatives) => alternatives.iter().find_map(|a| a.ty.invalid_map_key()),
            _ => None,
        }
    }
}

impl fmt::Display for ReturnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int => f.write_str("int"),
            Self::Float => f.write_str("float"),
            Self::Bool => f.write_str("bool"),
            Self::String => f.write_str("string"),
            Self::Bytes => f.write_str("bytes"),
            Self::Status => f.write_str("status"),
            Self::Nil => f.write_str("nil"),
            Self::Value => f.write_str("value"),
            Self::Encoded(codec) => f.write_str(codec.name()),
            Self::Optional(inner) => write!(f, "{inner}?"),
            Self::Array(inner) => write!(f, "[{inner}]"),
            Self::Map(key, value) => write!(f, "{{{key}: {value}}}"),
            Self::Tuple(items) => {
                f.write_str("(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str(")")
            }
            Self::Union(alternatives) => {
                for (i, alternative) in alternatives.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    if let Some(name) = &alternative.name {
                        write!(f, "{name}: ")?;
                    }
                    write!(f, "{}", alternative.ty)?;
                }
                Ok(())
            }
        }
    }
}

/// A recursive-descent parser over the RETURNS grammar:
///
/// ```text
/// union  := alternative ('|' alternative)*      (the whole RETURNS type only)
/// alternative := (name ':')? type              (a name only in a union of two or more)
/// type   := atom '?'*
/// atom   := word | '[' type ']' | '{' type ':' type '}' | '(' type (',' type)+ ')'
/// word   := int | integer | float | double | bool | boolean | string | bytes | status | nil | value
///         | json | msgpack
/// ```
struct TypeParser<'a> {
    rest: &'a str,
    depth: usize,
}

/// How deeply RETURNS types may nest: deeper is not a reply shape anyone writes, and the
/// limit keeps the parser's recursion small on any input.
const MAX_NESTING: usize = 16;

impl TypeParser<'_> {
    fn parse_union(&mut self) -> Option<ReturnType> {
        let first = self.parse_alternative()?;
        if !self.eat('|') {
            return first.name.is_none().then_some(first.ty);
        }
        let mut alternatives = vec![first, self.parse_alternative()?];
        while self.eat('|') {
            alternatives.push(self.parse_alternative()?);
        }
        Some(ReturnType::Union(alternatives))
    }

    fn parse_alternative(&mut self) -> Option<Alternative> {
        let rest = self.rest.trim_start();
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        let name = &rest[..end];
        let named = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && rest[end..].trim_start().starts_with(':');
        if named {
            self.rest = &rest[end..];
            self.eat(':');
        }
        let ty = self.parse_type()?;
        Some(Alternative {
            name: named.then(|| name.to_owned()),
            ty,
        })
    }

    fn parse_type(&mut self) -> Option<ReturnType> {
        if self.depth == MAX_NESTING {
            return None;
        }
        self.depth += 1;
        let ty = self.parse_optional();
        self.depth -= 1;
        ty
    }

    fn parse_optional(&mut self) -> Option<ReturnType> {
        let mut ty = self.parse_atom()?;
        while self.eat('?') {
            if !matches!(ty, ReturnType::Optional(_)) {
                ty = ReturnType::Optional(Box::new(ty));
            }
        }
        Some(ty)
    }

    fn parse_atom(&mut self) -> Option<ReturnType> {
        if self.eat('[') {
            let inner = self.parse_type()?;
            return self.eat(']').then(|| ReturnType::Array(Box::new(inner)));
        }
        if self.eat('{') {
            let key = self.parse_type()?;
            if !self.eat(':') {
                return None;
            }
            let value = self.parse_type()?;
            return self
                .eat('}')
                .then(|| ReturnType::Map(Box::new(key), Box::new(value)));
        }
        if self.eat('(') {
            let mut items = vec![self.parse_type()?];
            while self.eat(',') {
                items.push(self.parse_type()?);
            }
            return (self.eat(')') && items.len() > 1).then_some(ReturnType::Tuple(items));
        }
        self.parse_word()
    }

    fn parse_word(&mut self) -> Option<ReturnType> {
        let rest = self.rest.trim_start();
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        let ty = match &rest[..end] {
            "int" | "integer" => ReturnType::Int,
            "float" | "double" => ReturnType::Float,
            "bool" | "boolean" => ReturnType::Bool,
            "string" => ReturnType::String,
            "bytes" => ReturnType::Bytes,
            "status" => ReturnType::Status,
            "nil" => ReturnType::Nil,
            "value" => ReturnType::Value,
            "json" => ReturnType::Encoded(Codec::Json),
            "msgpack" => ReturnType::Encoded(Codec::Msgpack),
            _ => return None,
        };
        self.rest = &rest[end..];
        Some(ty)
    }

    fn eat(&mut self, token: char) -> bool {
        let rest = self.rest.trim_start();
        match rest.strip_prefix(token) {
            Some(after) => {
                self.rest = after;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> String {
        ReturnType::parse(text).map_or_else(|| "free text".to_owned(), |ty| ty.to_string())
    }

    #[test]
    fn parses_words_and_synonyms() {
        assert_eq!(parsed("int"), "int");
        assert_eq!(parsed(" integer "), "int");
        assert_eq!(parsed("boolean"), "bool");
        assert_eq!(parsed("double"), "float");
        assert_eq!(parsed("status"), "status");
        assert_eq!(parsed("nil"), "nil");
    }

    #[test]
    fn parses_nested_forms() {
        assert_eq!(parsed("string?"), "string?");
        assert_eq!(parsed("string??"), "string?");
        assert_eq!(parsed("[int]"), "[int]");
        assert_eq!(parsed("[ string? ]"), "[string?]");
        assert_eq!(parsed("{string: int}"), "{string: int}");
        assert_eq!(parsed("(int, [string])"), "(int, [string])");
        assert_eq!(parsed("[{bytes: float?}]?"), "[{bytes: float?}]?");
    }

    #[test]
    fn free_text_is_not_a_type() {
        assert_eq!(parsed("1 if allowed, 0 if rate limited"), "free text");
        assert_eq!(parsed("int count of items"), "free text");
        assert_eq!(parsed("[int"), "free text");
        assert_eq!(parsed("(int)"), "free text");
        assert_eq!(parsed("{int}"), "free text");
        assert_eq!(parsed(""), "free text");
        assert_eq!(parsed("integers"), "free text");
        let deep = format!("{}int{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parsed(&deep), "free text");
        let nested_16 = format!("{}int{}", "[".repeat(15), "]".repeat(15));
        assert_ne!(parsed(&nested_16), "free text");
    }

    #[test]
    fn parses_unions() {
        assert_eq!(parsed("int | (string, int)"), "int | (string, int)");
        assert_eq!(
            parsed("code: int | job : (string, int) | nil"),
            "code: int | job: (string, int) | nil"
        );
        assert_eq!(parsed("count: int"), "free text");
        assert_eq!(parsed("int |"), "free text");
        assert_eq!(parsed("[int | string]"), "free text");
        let union = ReturnType::parse("done: int | job: (string, int)").unwrap();
        let ReturnType::Union(alternatives) = &union else {
            panic!("not a union: {union}");
        };
        assert_eq!(alternatives[1].variant(), "Job");
        assert_eq!(union.union_problem(), None);
    }

    #[test]
    fn union_alternatives_must_differ_in_shape() {
        let problem = |text: &str| {
            ReturnType::parse(text)
                .unwrap()
                .union_problem()
                .map(|(message, _)| message)
        };
        assert_eq!(
            problem("int | string | nil | pair: (int, int) | triple: (int, int, int)"),
            None
        );
        assert_eq!(problem("a: (int, string) | b: (string, int)"), None);
        assert!(
            problem("(int, int) | (int, int, int)")
                .unwrap()
                .contains("`Tuple`")
        );
        assert_eq!(
            problem("int | bool").unwrap(),
            "the alternatives `int` and `bool` both fit an integer: the reply could not be told apart"
        );
        assert!(problem("[int] | (int, int)").unwrap().contains("an array"));
        assert!(problem("string? | nil").unwrap().contains("nil"));
        assert!(problem("int | value").unwrap().contains("any reply"));
        assert!(problem("[int] | [string]").unwrap().contains("`Array`"));
        assert!(problem("int | json").unwrap().contains("encoded"));
        assert!(
            problem("self: int | b: nil")
                .unwrap()
                .contains("`self` cannot name")
        );
        assert!(
            problem("_1: int | b: nil")
                .unwrap()
                .contains("`_1` cannot name")
        );
        assert!(
            problem("Job: int | b: nil")
                .unwrap()
                .contains("`Job` cannot name")
        );
    }

    #[test]
    fn map_keys_must_be_hashable() {
        let ty = ReturnType::parse("[{float: int}]").unwrap();
        assert_eq!(ty.invalid_map_key(), Some(&ReturnType::Float));
        assert_eq!(
            ReturnType::parse("{string: {int: [float]}}")
                .unwrap()
                .invalid_map_key(),
            None
        );
    }

    #[test]
    fn param_types_round_trip() {
        for ty in ParamType::ALL {
            assert_eq!(ParamType::from_word(ty.name()), Some(ty));
        }
        assert_eq!(ParamType::from_word("strng"), None);
        assert_eq!(
            ParamType::vocabulary(),
            "key, string, bytes, int, float, bool, json, msgpack"
        );
    }
}
