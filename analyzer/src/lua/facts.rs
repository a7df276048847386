//! What a script's body does, read from its syntax tree with scopes resolved (by the
//! walk): which `KEYS`/`ARGV` entries it reads, which globals and library
//! members it reads and writes, which Redis commands it calls (directly, through an alias
//! such as `local rcall = redis.call`, or through a local function that forwards to it),
//! what it returns, and the Lua 5.1 limits full_moon does not enforce.

use crate::diagnostic::Location;
use crate::model::ParamKind;
use crate::types::Codec;

/// Lua 5.1's limit on the active local variables of one function (`LUAI_MAXVARS`).
pub const MAX_LOCALS: usize = 200;

/// A place in the source: where it starts and how many characters it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site {
    /// Where it starts.
    pub at: Location,
    /// Its width in characters (at least one).
    pub width: usize,
}

/// A read of `KEYS` or `ARGV`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrayUse {
    /// Which array.
    pub kind: ParamKind,
    /// `Some(n)` for `KEYS[n]` with a literal `n`; `None` for any other use (`#KEYS`,
    /// `KEYS[i]`, `unpack(KEYS)`, passing `KEYS` around).
    pub index: Option<usize>,
    /// Whether it only reads the array's length (`#KEYS`), as scripts do to check how
    /// many values they were given.
    pub length: bool,
    /// Where.
    pub site: Site,
    /// In a library, the function it belongs to (the `keys`/`args` parameters of that
    /// function's callback); `None` in a script.
    pub function: Option<String>,
}

impl ArrayUse {
    /// Whether it reads values at indices the code computes, or the array as a whole:
    /// `KEYS[i]`, `unpack(KEYS)`, passing `KEYS` around (not `#KEYS`).
    pub fn dynamic(&self) -> bool {
        self.index.is_none() && !self.length
    }
}

/// One word passed to a command, as far as its form tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Word {
    /// A string literal (escapes not decoded).
    Text(String),
    /// A number literal, as written.
    Number(String),
    /// Anything else: one value known only at run time.
    Dynamic,
    /// A value Redis refuses as a command argument, by what it is: `a table`, `a
    /// boolean`, `nil`.
    Refused(&'static str),
}

/// One argument of a command call: what it is, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argument {
    /// What it is, as far as its form tells.
    pub word: Word,
    /// Where its value comes from, when the code shows it.
    pub source: Source,
    /// The expression as written.
    pub text: String,
    /// Where it is.
    pub site: Site,
}

/// Where a value comes from, as far as the code shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An element of KEYS (or of a library function's `keys`), directly or through a local.
    Keys,
    /// An element of ARGV (or `args`).
    Args,
    /// A string literal.
    Literal,
    /// Built with `..` or `string.format`.
    Built,
    /// The reply of a command.
    Reply,
    /// Something else, or not known.
    Unknown,
}

/// `cjson.decode(ARGV[n])` or `cmsgpack.unpack(ARGV[n])`, directly or through a local.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// KEYS or ARGV.
    pub kind: ParamKind,
    /// The entry's index.
    pub index: usize,
    /// How it is decoded.
    pub codec: Codec,
    /// In a library, the function whose callback decodes it.
    pub function: Option<String>,
    /// Where the decoding call is.
    pub site: Site,
}

/// A loop around command calls whose number of turns the script does not bound itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenLoop {
    /// Where the loop starts.
    pub site: Site,
    /// What bounds it: ARGV, or a reply.
    pub bound: Source,
}

/// A call of a Redis command: `redis.call(...)`, `redis.pcall(...)`, or the same through an
/// alias or a forwarding local function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandCall {
    /// The command name when it is a string literal.
    pub name: Option<String>,
    /// The words after the name, as far as they are known.
    pub args: Vec<Argument>,
    /// Whether the last argument may expand to any number of words (a call or `...`):
    /// then `args` ends with it, as one [`Word::Dynamic`], and the count is unknown.
    pub open_ended: bool,
    /// Whether it is made at the top level of the file, outside any function: in a
    /// library, code that runs when the library is loaded.
    pub at_load: bool,
    /// In a library, the function whose callback makes the call; `None` in a script, and
    /// in a library's other functions.
    pub function: Option<String>,
    /// Where the command name is (or the call, without a literal name).
    pub site: Site,
    /// Whether the call is what a `return` returns, as it is.
    pub returned: bool,
    /// The block the call's statement is in (an id of the walk), for calls side by side.
    pub block: usize,
    /// The innermost loop around the call, when the script does not bound it itself.
    pub open_loop: Option<OpenLoop>,
    /// Whether it passes nothing at all, not even a command name: `redis.call()`.
    pub empty: bool,
    /// Whether it is `redis.pcall`: an error in the call's own arguments comes back as a
    /// value (`{err = ...}`) instead of failing the script.
    pub protected: bool,
}

/// A call of another function of the `redis` table (or Valkey's `server`, or an alias):
/// `redis.sha1hex(x)`, `redis.set_repl(redis.REPL_ALL)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCall {
    /// The member called: `sha1hex`.
    pub member: String,
    /// Its arguments.
    pub args: Vec<Argument>,
    /// Whether the last argument may expand to any number of values.
    pub open_ended: bool,
    /// Where the call is.
    pub site: Site,
}

impl CommandCall {
    /// The first argument after the name when it is a string literal (a subcommand).
    pub fn first_arg(&self) -> Option<&str> {
        match self.args.first().map(|arg| &arg.word) {
            Some(Word::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// How many words are sent (name included), when that is known.
    pub fn words(&self) -> Option<usize> {
        (!self.open_ended).then_some(self.args.len() + 1)
    }
}

/// An error sent with a literal text: `redis.error_reply("CODE message")`, or a table
/// `{err = "CODE message"}` (raised with `error(...)` or returned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLiteral {
    /// The text, as written.
    pub text: String,
    /// Where the literal is.
    pub site: Site,
}

/// What a `return` of the script's main chunk returns, as far as literals tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    /// An integer literal.
    Int,
    /// A number literal with a fraction or exponent.
    Float,
    /// A string literal or `tostring(...)`.
    String,
    /// `true`.
    True,
    /// `false`, which Redis sends as nil.
    False,
    /// `nil`, or a bare `return`.
    Nil,
    /// A table constructor.
    Table,
    /// `redis.status_reply(...)`.
    Status,
    /// `redis.error_reply(...)`: an error, whatever RETURNS says.
    Error,
    /// `cjson.encode(...)` or `cmsgpack.pack(...)`: an encoded value.
    Encoded(Codec),
    /// The end of the script, reached without a `return`: Redis sends nil.
    Nothing,
    /// Anything else: a variable, a call...
    Unknown,
}

/// A `return` of the main chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReturnSite {
    /// What it returns.
    pub returned: Returned,
    /// Where the returned expression (or the `return`) is.
    pub site: Site,
}

/// A `return` of the main chunk of a script, or of a function's callback in a library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Return {
    /// What and where.
    pub at: ReturnSite,
    /// The library function it returns from; `None` for a script's main chunk.
    pub function: Option<String>,
}

/// `redis.register_function(...)` at the top level of a library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The function's name, when it is a string literal.
    pub name: Option<String>,
    /// Where the name is (or the call, without one).
    pub name_site: Site,
    /// Where the call is.
    pub call_site: Site,
    /// The flags of the table form's `flags = {...}`, each with where it is.
    pub flags: Vec<(String, Site)>,
    /// The `description` of the table form, when it is a string literal.
    pub description: Option<String>,
    /// Fields of the table form Redis does not take, each with where it is.
    pub unknown_fields: Vec<(String, Site)>,
    /// Arguments Redis refuses, each with why and where: a third positional argument, a
    /// `description` that is not a string, `flags` that are not a table of strings.
    pub refused_arguments: Vec<(String, Site)>,
    /// The line of the call.
    pub line: usize,
    /// The line the callback is defined on: the `local function` it names, or the
    /// inline `function`.
    pub callback_line: Option<usize>,
    /// The local function registered, by name (`None` for an inline callback).
    pub callback: Option<String>,
}

impl Registration {
    /// Whether the callback is a function this file defines (else it could not be
    /// checked: a variable, a call...).
    pub fn callback_known(&self) -> bool {
        self.callback_line.is_some()
    }
}

/// A global name read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameUse {
    /// The name; for members of global tables, `table.member`.
    pub name: String,
    /// Where.
    pub site: Site,
    /// Whether it is at the top level of the file (in a library: when it loads).
    pub at_load: bool,
}

/// A read of a member of a global table (`string.format`, `redis.call`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRead {
    /// `table.member`.
    pub name: String,
    /// Where.
    pub site: Site,
    /// Whether it is read as a fallback, `t.member or other`, which is fine when the
    /// member does not exist.
    pub fallback: bool,
    /// Whether it is read at the top level of the file (in a library: when it loads).
    pub at_load: bool,
    /// Whether it is called right where it is read: `string.trimm(s)`.
    pub called: bool,
}

/// Everything the checks need to know about the body.
#[derive(Debug, Default)]
pub struct Facts {
    /// Reads of `KEYS` and `ARGV`.
    pub arrays: Vec<ArrayUse>,
    /// Reads of globals other than `KEYS` and `ARGV`.
    pub global_reads: Vec<NameUse>,
    /// Reads of members of global tables.
    pub member_reads: Vec<MemberRead>,
    /// Assignments to globals (`x = 1`, `function f() end`, `_G.x = 1`).
    pub global_writes: Vec<NameUse>,
    /// Assignments to members of global tables (`table.x = 1`, `function string.y() end`),
    /// also through a local alias of the table.
    pub member_writes: Vec<NameUse>,
    /// Calls of Redis commands.
    pub commands: Vec<CommandCall>,
    /// The `return`s of a script's main chunk, or of a library's callbacks.
    pub returns: Vec<Return>,
    /// A library's registrations at the top level of the file, in order.
    pub registrations: Vec<Registration>,
    /// Where every `redis.register_function` call made while a library loads is, nested
    /// in a block or not.
    pub registration_calls: Vec<Site>,
    /// `...` used in a function that does not take `...`.
    pub bad_varargs: Vec<Site>,
    /// Functions with more than [`MAX_LOCALS`] active locals (where the limit is passed).
    pub too_many_locals: Vec<Site>,
    /// Calls whose `(` starts a new line: Lua 5.1 rejects them as ambiguous.
    pub ambiguous_calls: Vec<Site>,
    /// Errors sent with a literal text.
    pub error_literals: Vec<ErrorLiteral>,
    /// Entries of KEYS or ARGV the body decodes.
    pub decoded: Vec<Decoded>,
    /// Calls of the `redis` table's functions other than `call` and `pcall`.
    pub api_calls: Vec<ApiCall>,
    /// Changes to tables Redis protects that are not plain assignments of a global:
    /// `setmetatable(_G, ...)`, `rawset(_G, ...)`, `getmetatable(_G).x = ...`; the name is
    /// the code as written.
    pub protected_writes: Vec<NameUse>,
}
