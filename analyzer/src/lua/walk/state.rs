//! What the walk keeps while it goes: the scopes, the function being walked, the blocks
//! and loops around, and what a name can stand for.

use std::collections::{HashMap, HashSet};

use crate::lua::facts::{Facts, OpenLoop, Source};
use crate::model::ParamKind;

/// The globals through which scripts call commands: `redis`, and Valkey's alias `server`.
pub(super) const COMMAND_TABLES: &[&str] = &["redis", "server"];

/// How the walk reads the file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// A script: `KEYS` and `ARGV` are globals, the main chunk returns the reply.
    #[default]
    Script,
    /// A function library: each callback gets its keys and args as parameters.
    Library,
}

/// The callback a registration names.
pub(super) enum Callback {
    /// A local function (or other local), by name.
    Local(String),
    /// A function written in the registration.
    Inline,
}

/// What a local name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Binding {
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
pub(super) struct Walker {
    pub(super) facts: Facts,
    pub(super) scopes: Vec<Vec<(String, Binding)>>,
    pub(super) functions: Vec<Function>,
    /// Every name declared local anywhere, to tell whether a builtin may be shadowed
    /// where scopes are no longer known.
    pub(super) declared: HashSet<String>,
    /// Set while walking the left side of an `or`: a member read there is a fallback.
    pub(super) in_fallback: bool,
    /// Script or library.
    pub(super) mode: Mode,
    /// In a library: the local functions registered, each with the name of the library
    /// function it is.
    pub(super) callbacks: HashMap<String, String>,
    /// In a library: the function whose callback is being walked, and how many functions
    /// deep its body is.
    pub(super) current: Option<(String, usize)>,
    /// The blocks being walked, innermost last, each with an id of its own.
    pub(super) blocks: Vec<usize>,
    /// How many blocks were entered, for their ids.
    pub(super) blocks_seen: usize,
    /// The loops being walked, innermost last: those the script does not bound itself.
    pub(super) loops: Vec<Option<OpenLoop>>,
    /// Where the call a `return` returns as it is starts, while that `return` is walked.
    pub(super) returned_call: Option<(usize, usize)>,
}

pub(super) struct Function {
    pub(super) vararg: bool,
    pub(super) first_scope: usize,
    pub(super) reported: bool,
}
