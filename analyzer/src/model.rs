//! The model of a script file: what its header declares, in a form code generators use.

use crate::types::{ParamType, ReturnType};

/// A script file, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// The path used in messages, e.g. `lua_scripts/rate_limiter.lua`.
    pub path: String,
    /// SHA1 of the file's bytes, 40 lowercase hex digits: the hash `SCRIPT LOAD` returns.
    pub sha1: String,
    /// The `#!lua flags=...` line, when the file starts with one.
    pub shebang: Option<Shebang>,
    /// The first line of the header comment; `None` when the file has none.
    pub header_line: Option<usize>,
    /// The header's free text: what the script does.
    pub summary: String,
    /// The KEYS entries.
    pub keys: Params,
    /// The ARGV entries.
    pub args: Params,
    /// What the script returns.
    pub returns: Returns,
    /// The EXAMPLE section, dedented, when there is one.
    pub example: Option<String>,
    /// Other sections of the header (`NOTES:` and the like), as (title, text).
    pub other_sections: Vec<(String, String)>,
    /// The error codes of the ERRORS section.
    pub errors: Vec<DeclaredError>,
}

/// An error code the header's ERRORS section declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredError {
    /// The code, e.g. `INSUFFICIENT_BALANCE`.
    pub code: String,
    /// What it means.
    pub description: String,
    /// The header line.
    pub line: usize,
}

/// The `#!lua` line on line 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shebang {
    /// The flags of `flags=a,b`, in order.
    pub flags: Vec<String>,
}

impl Shebang {
    /// The shebang of `source`, when its first line is one: the flags of its
    /// `flags=a,b` list.
    pub fn of(source: &str) -> Option<Self> {
        let rest = source.lines().next()?.strip_prefix("#!")?;
        let flags = rest
            .split_whitespace()
            .filter_map(|word| word.strip_prefix("flags="))
            .flat_map(|list| list.split(','))
            .filter(|flag| !flag.is_empty())
            .map(str::to_owned)
            .collect();
        Some(Self { flags })
    }

    /// Whether the shebang declares `flag`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

/// The KEYS or the ARGV of a script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// Entries `[1]`, `[2]`, ... in order.
    pub fixed: Vec<Param>,
    /// A variadic tail `[n..]`: any number of values after the fixed entries.
    pub tail: Option<Param>,
    /// Whether the header declares this array at all: an entry, or its section
    /// (`KEYS: none` declares that there are none).
    pub declared: bool,
}

impl Params {
    /// Fixed entries, then the tail.
    pub fn iter(&self) -> impl Iterator<Item = &Param> {
        self.fixed.iter().chain(&self.tail)
    }
}

/// Which of the two arrays an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// `KEYS[n]`.
    Key,
    /// `ARGV[n]`.
    Arg,
}

impl ParamKind {
    /// `KEYS` or `ARGV`.
    pub fn array_name(self) -> &'static str {
        match self {
            Self::Key => "KEYS",
            Self::Arg => "ARGV",
        }
    }
}

/// One KEYS or ARGV entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// KEYS or ARGV.
    pub kind: ParamKind,
    /// The 1-based index; for a tail, the first index it covers.
    pub index: usize,
    /// Whether this is a variadic tail (`[n..]`).
    pub variadic: bool,
    /// A Rust identifier: given in the header or inferred from the description.
    pub name: String,
    /// Whether `name` was written in the header (else it was inferred).
    pub name_given: bool,
    /// The declared type; `None` accepts any single Redis argument.
    pub ty: Option<ParamType>,
    /// The description, continuation lines joined with spaces.
    pub description: String,
    /// Lines that describe parts of the entry, written apart from it: for an options
    /// argument `opts`, the lines `opts - token - lock token` under BullMQ's `Input:` give
    /// `token - lock token`.
    pub details: Vec<String>,
    /// The 1-based header line of the entry.
    pub line: usize,
    /// Where the entry's label (`[1]`, `KEYS[1]`) is, for messages.
    pub label: crate::Location,
    /// The label's width in characters.
    pub label_width: usize,
    /// The binding's overlay that typed, named or described it, when one did: its index
    /// among the overlay's entries (see [`Overlay`](crate::Overlay)).
    pub overlay: Option<usize>,
}

impl Param {
    /// `KEYS[1]`, or `KEYS[2..]` for a tail.
    pub fn label(&self) -> String {
        let dots = if self.variadic { ".." } else { "" };
        format!("{}[{}{dots}]", self.kind.array_name(), self.index)
    }
}

/// What RETURNS declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returns {
    /// A type, optionally followed by ` - description`.
    Typed {
        /// The type.
        ty: ReturnType,
        /// The text after the type.
        description: String,
    },
    /// Free text: the caller picks the Rust type.
    Text(String),
    /// No RETURNS section: the caller picks the Rust type.
    Undeclared,
}

impl Returns {
    /// The declared type, when there is one.
    pub fn ty(&self) -> Option<&ReturnType> {
        match self {
            Self::Typed { ty, .. } => Some(ty),
            _ => None,
        }
    }

    /// How the declaration reads in a message: the type, the free text, or "undeclared".
    pub fn declared(&self) -> String {
        match self {
            Self::Typed { ty, .. } => ty.to_string(),
            Self::Text(text) => text.clone(),
            Self::Undeclared => "undeclared".to_owned(),
        }
    }
}

/// A Redis Functions library file (`#!lua name=...`), read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Library {
    /// The path used in messages, e.g. `lua_scripts/ratelimit.lua`.
    pub path: String,
    /// The library's name, from the `#!lua name=...` line.
    pub name: String,
    /// SHA1 of the file's bytes (after `@include`s): what tells two versions apart.
    pub sha1: String,
    /// The free text of the comment at the top of the file, when it is not a function's
    /// doc comment.
    pub summary: String,
    /// The functions it registers, in the order of their registrations.
    pub functions: Vec<Function>,
}

/// A function a library registers with `redis.register_function`.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The name it is registered (and called with `FCALL`) by.
    pub name: String,
    /// The name of its Rust method: `name` in snake_case (`myHset` gives `my_hset`).
    pub rust_name: String,
    /// The line of its registration.
    pub line: usize,
    /// The `flags` of the registration (`no-writes`, `allow-oom`...).
    pub flags: Vec<String>,
    /// The `description` of the registration, when it has one.
    pub description: Option<String>,
    /// What its doc comment declares, as for a script: KEYS (its first parameter), ARGV
    /// (its second), RETURNS and ERRORS (its `shebang` is `None`: the flags are above).
    pub contract: Script,
}

impl Function {
    /// Whether it is registered with the `no-writes` flag: called with `FCALL_RO`, it may
    /// run on replicas and Redis refuses any write it attempts.
    pub fn read_only(&self) -> bool {
        self.flags
            .iter()
            .any(|flag| flag == crate::redis::flags::NO_WRITES)
    }
}
