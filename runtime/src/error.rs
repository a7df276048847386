//! The error of a script invocation: it names the script and tells what went wrong where.

use std::fmt;

use redis::{RedisError, RedisResult, Value};

use crate::cluster::KeySlot;
use crate::codes::{self, RESERVED_ERROR_CODES};
use crate::meta::{ScriptMeta, SourceLocation};

/// A failed script invocation or load.
///
/// It always names the script ([`Error::script`]); [`Error::kind`] tells what happened.
/// `Display` reads like a compiler message: for errors raised inside the script it shows
/// `lua_scripts/x.lua:LINE` and the source line.
#[derive(Debug, Clone)]
pub struct Error {
    script: &'static ScriptMeta,
    kind: ErrorKind,
    /// The cluster node that answered, when a load on several nodes failed on one.
    node: Option<String>,
}

/// What went wrong.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The script returned an error reply: `return redis.error_reply("...")`, or the
    /// `{err = ...}` table of a failed `redis.pcall`, which carries Redis's own words for the
    /// command that failed. The script ran to its `return`, or, for a code Redis also
    /// refuses calls with (`OOM`, `READONLY`, `MISCONF`, `NOREPLICAS`: see
    /// [`RESERVED_ERROR_CODES`](crate::RESERVED_ERROR_CODES)), Redis refused the call before
    /// it started: the text cannot tell which, so it may have run.
    ErrorReply {
        /// The error code: the first word when it is written in capitals
        /// (`INSUFFICIENT_BALANCE need 30` has code `INSUFFICIENT_BALANCE`).
        code: Option<String>,
        /// The text after the code (all of it when there is no code).
        message: String,
    },
    /// A Lua runtime error, such as arithmetic on nil or `error("...")`.
    /// Writes the script made before the error stay applied.
    Lua {
        /// The Lua message, without Redis's decorations.
        message: String,
        /// The line of the script that raised it.
        line: Option<usize>,
    },
    /// An error raised while the script ran that carries a Redis error code: a
    /// `redis.call` that failed (`WRONGTYPE`, `ERR wrong number of args`...) or
    /// `error({err = "CODE ..."})`. Writes the script made before it stay applied.
    Raised {
        /// The error code, e.g. `WRONGTYPE`.
        code: String,
        /// The message after the code.
        message: String,
        /// The line of the script that raised it.
        line: Option<usize>,
    },
    /// The script was stopped by `SCRIPT KILL` (see [`kill_running_script`](crate::kill_running_script))
    /// before it wrote anything.
    Killed {
        /// The line it was running.
        line: Option<usize>,
    },
    /// Another script has run past `busy-reply-threshold` (`lua-time-limit`) and Redis
    /// answers `BUSY` to everything else until it ends or is killed: this call did not run.
    /// [`kill_running_script`](crate::kill_running_script) sends `SCRIPT KILL`.
    Busy(RedisError),
    /// Redis could not compile the script when it was loaded.
    Compile {
        /// Redis's message.
        message: String,
        /// The line the compiler points at.
        line: Option<usize>,
    },
    /// The connection failed while the invocation was sent or its reply awaited: the
    /// script may or may not have run. This crate never retries it (a cluster client may:
    /// see the crate docs on Redis Cluster).
    Connection(RedisError),
    /// No reply came within the deadline of the call, batch or load (an async one:
    /// [`ScriptCall::deadline`](crate::ScriptCall::deadline), [`Batch::deadline`](crate::Batch::deadline),
    /// [`DEFAULT_DEADLINE`](crate::DEFAULT_DEADLINE) otherwise): the script may or may not
    /// have run. It is not sent again.
    Deadline {
        /// The bound that ran out.
        after: std::time::Duration,
    },
    /// Loading the script (`SCRIPT LOAD`, after the server answered `NOSCRIPT` or through
    /// [`ScriptMeta::load`]) failed: the connection broke, or the server answered with
    /// something other than the script's SHA1. The script did not run.
    Load(RedisError),
    /// Redis refused the call before the script started, in words no script can forward
    /// (a cluster redirection, `BUSY`, `LOADING`, an ACL refusal naming `EVALSHA` or
    /// `FCALL` or the call's keys...): the script did not run. Also errors of the client,
    /// such as a reply it could not parse: those may come after the script ran
    /// ([`Error::may_have_run`] tells). `OOM`, `READONLY`, `MISCONF` and `NOREPLICAS`
    /// are [`ErrorReply`](Self::ErrorReply)s: a script that returns what `redis.pcall`
    /// gave it forwards them in the same words, so the call may have run.
    Redis(RedisError),
    /// The reply does not have the shape RETURNS declares, or does not convert to the
    /// Rust type the caller asked for (a `json` or `msgpack` reply that does not decode
    /// into it among them).
    Reply {
        /// What the header declares (the RETURNS type or text).
        expected: &'static str,
        /// The reply, shown compactly (empty when `detail` says what it was).
        reply: String,
        /// Why the conversion failed, when it got that far.
        detail: Option<String>,
    },
    /// The script was checked at compile time for a newer server (or another family) than
    /// the one the connection reaches: it may call commands or use Lua the server lacks.
    /// Reported by [`load_all`](crate::load_all) before anything runs.
    Target {
        /// The script's target, e.g. `redis-8.0`.
        target: &'static str,
        /// The server, e.g. `Redis 7.0.15`.
        server: String,
    },
    /// The server has another version of a function's library than the one compiled in:
    /// it lacks the called function, or (found by [`load_all`](crate::load_all), a
    /// transaction's check or [`ScriptMeta::deployed`]) its code differs. Nothing ran, and
    /// nothing was replaced: roll the compiled version out with
    /// `YourLibrary::LIBRARY.load(&mut con)` (`FUNCTION LOAD REPLACE`).
    LibraryMismatch {
        /// What differs.
        detail: String,
    },
    /// An argument declared `json` or `msgpack` could not be encoded (a map with keys that
    /// are not strings, a value the serializer refuses): the call was not sent.
    Argument {
        /// The entry, e.g. ``ARGV[2] (`job`)``.
        entry: &'static str,
        /// Why, in the serializer's words.
        detail: String,
    },
    /// The call's keys are in different hash slots, which a Redis Cluster refuses: the
    /// script did not run. Calls made for a cluster connection
    /// ([`invoke_cluster`](crate::ScriptCall::invoke_cluster)) are checked before they are
    /// sent; elsewhere this is the server's `CROSSSLOT` refusal. The fix is a common hash
    /// tag (see [`cluster`](crate::cluster)).
    CrossSlot {
        /// Every key of the call, with its slot.
        keys: Vec<KeySlot>,
    },
}

impl ErrorKind {
    /// A short name of the kind, for logs and traces: `error_reply`, `lua`, `busy`...
    pub fn label(&self) -> &'static str {
        match self {
            Self::ErrorReply { .. } => "error_reply",
            Self::Lua { .. } => "lua",
            Self::Raised { .. } => "raised",
            Self::Killed { .. } => "killed",
            Self::Busy(_) => "busy",
            Self::Compile { .. } => "compile",
            Self::Connection(_) => "connection",
            Self::Deadline { .. } => "deadline",
            Self::Load(_) => "load",
            Self::Redis(_) => "redis",
            Self::Reply { .. } => "reply",
            Self::CrossSlot { .. } => "cross_slot",
            Self::Target { .. } => "target",
            Self::LibraryMismatch { .. } => "library_mismatch",
            Self::Argument { .. } => "argument",
        }
    }
}

impl Error {
    /// An error of `script`.
    pub fn new(script: &'static ScriptMeta, kind: ErrorKind) -> Self {
        Self {
            script,
            kind,
            node: None,
        }
    }

    /// The same error, as the answer of the cluster node `node`.
    pub(crate) fn on_node(mut self, node: String) -> Self {
        self.node = Some(node);
        self
    }

    /// The script the error belongs to (for a library function, the function; for a load
    /// of a library, the library).
    pub fn script(&self) -> &'static ScriptMeta {
        self.script
    }

    /// The cluster node (`host:port`) whose answer this is, when a library was loaded on
    /// several nodes and one of them failed.
    pub fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Consumes the error, returning what went wrong.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// The error code the script sent: of an error reply (`redis.error_reply("CODE ...")`)
    /// or of an error it raised (`error({err = "CODE ..."})`, a failed `redis.call`).
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::ErrorReply { code, .. } => code.as_deref(),
            ErrorKind::Raised { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The line of the script's text the error points at, for errors raised inside the
    /// script: Redis's own numbering of the text it was sent. That is the line of the
    /// script's file when it has no `@include`s; [`location`](Self::location) gives the
    /// file and line in every case.
    pub fn line(&self) -> Option<usize> {
        match &self.kind {
            ErrorKind::Lua { line, .. }
            | ErrorKind::Raised { line, .. }
            | ErrorKind::Killed { line }
            | ErrorKind::Compile { line, .. } => *line,
            _ => None,
        }
    }

    /// Whether the script may have run (fully or partly) even though this error came back:
    /// true for connection failures, errors raised while the script was running, error
    /// replies, replies of the wrong shape, and client errors after the call was sent.
    pub fn may_have_run(&self) -> bool {
        match &self.kind {
            ErrorKind::Connection(_)
            | ErrorKind::Deadline { .. }
            | ErrorKind::Lua { .. }
            | ErrorKind::Raised { .. }
            | ErrorKind::ErrorReply { .. }
            | ErrorKind::Killed { .. }
            | ErrorKind::Reply { .. } => true,
            ErrorKind::Redis(error) => !is_server_error(error),
            ErrorKind::Compile { .. }
            | ErrorKind::Load(_)
            | ErrorKind::Busy(_)
            | ErrorKind::CrossSlot { .. }
            | ErrorKind::LibraryMismatch { .. }
            | ErrorKind::Argument { .. }
            | ErrorKind::Target { .. } => false,
        }
    }

    /// Classifies an error Redis or the client returned for an invocation or load.
    pub(crate) fn from_redis(script: &'static ScriptMeta, error: RedisError) -> Self {
        Self::new(script, classify(error, script.declares_flags()))
    }

    /// Where in the files the user wrote the error points: the file and line of
    /// [`line`](Self::line), which for a script with `@include`s may be an included file.
    pub fn location(&self) -> Option<SourceLocation> {
        self.script.source_map().locate(self.line()?)
    }

    fn fmt_located(&self, f: &mut fmt::Formatter<'_>, what: fmt::Arguments<'_>) -> fmt::Result {
        let script = self.script;
        match (self.line(), self.location()) {
            (Some(line), Some(at)) => {
                let file_line = at.line();
                write!(f, "{at}: {what}")?;
                let gutter = " ".repeat(file_line.to_string().len());
                if let Some(text) = script.source_line(line) {
                    write!(f, "\n{gutter} |\n{file_line} | {text}\n{gutter} |")?;
                }
                for outer in at.included_from() {
                    write!(f, "\n  = included from {outer}")?;
                }
                write!(f, "\n  = in {} (sha1 {})", script.describe(), script.sha1())
            }
            _ => write!(
                f,
                "{}: {what}\n  = in {} (sha1 {})",
                script.path(),
                script.describe(),
                script.sha1()
            ),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_kind(f)?;
        match &self.node {
            Some(node) => write!(f, "\n  = on node {node}"),
            None => Ok(()),
        }
    }
}

impl Error {
    fn fmt_kind(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.script.describe();
        let path = self.script.path();
        match &self.kind {
            ErrorKind::ErrorReply { code, message } => match code {
                Some(code) if RESERVED_ERROR_CODES.contains(&code.as_str()) || code == "ERR" => {
                    write!(
                        f,
                        "{what} ({path}) failed with {code} {message}: Redis refused the call, or \
                         the script returned this error from a command it ran (redis.pcall), \
                         so it may have run"
                    )
                }
                Some(code) => write!(f, "{what} ({path}) returned error {code}: {message}"),
                None => write!(f, "{what} ({path}) returned error: {message}"),
            },
            ErrorKind::Lua { message, .. } => {
                self.fmt_located(f, format_args!("Lua error: {message}"))
            }
            ErrorKind::Raised { code, message, .. } => {
                self.fmt_located(f, format_args!("{code} {message}"))
            }
            ErrorKind::Compile { message, .. } => self.fmt_located(
                f,
                format_args!("Redis cannot compile the script: {message}"),
            ),
            ErrorKind::Killed { .. } if self.script.is_function() => {
                self.fmt_located(f, format_args!("the function was stopped by FUNCTION KILL"))
            }
            ErrorKind::Killed { .. } => {
                self.fmt_located(f, format_args!("the script was stopped by SCRIPT KILL"))
            }
            ErrorKind::Busy(error) => write!(
                f,
                "{what} ({path}) did not run: Redis is busy running another script past \
                 busy-reply-threshold (wait, or stop it with redis_script::kill_running_script): {error}"
            ),
            ErrorKind::Connection(error) => write!(
                f,
                "{what} ({path}): the connection failed, so it may or may not have run: {error}"
            ),
            ErrorKind::Deadline { after } => write!(
                f,
                "{what} ({path}): no reply within the deadline of {after:?}, so it may or may \
                 not have run (it is not sent again)"
            ),
            ErrorKind::Load(error) => write!(
                f,
                "{what} ({path}) could not be loaded, so it did not run: {error}"
            ),
            ErrorKind::Redis(error) => write!(f, "{what} ({path}): {error}"),
            ErrorKind::Reply {
                expected,
                reply,
                detail,
            } => match detail {
                // The reply had the declared shape but did not convert: the detail says how.
                Some(detail) if reply.is_empty() => write!(f, "{what} ({path}) returned {detail}"),
                Some(detail) => write!(
                    f,
                    "{what} ({path}) returned {reply}, which does not convert to the type asked \
                     for: {detail}"
                ),
                None => write!(
                    f,
                    "{what} ({path}) returned {reply}, which does not match RETURNS: {expected}"
                ),
            },
            ErrorKind::Target { target, server } => write!(
                f,
                "{what} ({path}) was checked for {target}, but the server is {server}: it may \
                 use commands or Lua the server lacks; check it for an older target \
                 (`target = \"...\"` in its #[redis_script] attribute or in Cargo.toml) or run a newer server"
            ),
            ErrorKind::LibraryMismatch { detail } => write!(
                f,
                "{what} ({path}) did not run: the server has another version of library {} \
                 ({detail}); roll this one out with {}::LIBRARY.load (FUNCTION LOAD REPLACE), \
                 or compare with ScriptMeta::deployed",
                self.script.library_name().unwrap_or_default(),
                self.script
                    .library()
                    .map_or(self.script.name(), |library| library.name()),
            ),
            ErrorKind::Argument { entry, detail } => write!(
                f,
                "{what} ({path}) was not sent: its argument {entry} could not be encoded: {detail}"
            ),
            ErrorKind::CrossSlot { keys } => {
                write!(
                    f,
                    "{what} ({path}) did not run: a Redis Cluster runs a script only when \
                     all its keys are in one hash slot, and these are not:"
                )?;
                for key in keys {
                    write!(f, "\n  {key}")?;
                }
                f.write_str(
                    "\n  = help: give the keys a common hash tag, the part in braces that alone \
                     decides the slot: `{user1}:a` and `{user1}:b` are in the same slot",
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Connection(error)
            | ErrorKind::Load(error)
            | ErrorKind::Busy(error)
            | ErrorKind::Redis(error) => Some(error),
            _ => None,
        }
    }
}

/// Sorts an error into the kinds callers act on, from Redis's message formats (7.0 to
/// 7.4 and Valkey; older formats fall back to [`ErrorKind::Redis`] or
/// [`ErrorKind::ErrorReply`] with the message kept whole).
fn classify(error: RedisError, declares_flags: bool) -> ErrorKind {
    if let Some(after) = crate::deadline::elapsed_of(&error) {
        return ErrorKind::Deadline { after };
    }
    if error.is_io_error() || error.is_connection_dropped() || error.is_timeout() {
        return ErrorKind::Connection(error);
    }
    let (Some(code), detail) = (error.code(), error.detail()) else {
        return ErrorKind::Redis(error);
    };
    if code == "BUSY" {
        return ErrorKind::Busy(error);
    }
    let detail = detail.unwrap_or_default();
    let (body, suffix_line, raised) = split_script_suffix(detail);
    if body.starts_with("Script killed by user") {
        return ErrorKind::Killed { line: suffix_line };
    }
    if code == "ERR" {
        if let Some((line, message)) = split_user_script_line(body) {
            return ErrorKind::Lua {
                message: message.to_owned(),
                line: Some(line).or(suffix_line),
            };
        }
        if body.starts_with("Error running script") {
            return error_of_redis_6(body);
        }
        if let Some(rest) = body
            .strip_prefix("Error compiling script")
            .or_else(|| body.strip_prefix("Error compiling function"))
            .or_else(|| body.strip_prefix("Error registering functions: ERR"))
        {
            let rest = rest.trim_start_matches([':', ' ']);
            let rest = if rest.starts_with("user_") {
                rest
            } else {
                rest.split_once(": ").map_or(rest, |(_, r)| r)
            };
            let (line, message) = split_user_script_line(rest).unwrap_or((0, rest));
            return ErrorKind::Compile {
                message: message.to_owned(),
                line: (line > 0).then_some(line),
            };
        }
    }
    if raised {
        return ErrorKind::Raised {
            code: code.to_owned(),
            message: body.to_owned(),
            line: suffix_line,
        };
    }
    if codes::refused_before_running(code, body, declares_flags)
        || !matches!(
            error.kind(),
            redis::ErrorKind::Server(_) | redis::ErrorKind::Extension
        )
    {
        return ErrorKind::Redis(error);
    }
    if is_error_code(code) {
        ErrorKind::ErrorReply {
            code: Some(code.to_owned()),
            message: body.to_owned(),
        }
    } else {
        let message = if body.is_empty() {
            code.to_owned()
        } else {
            format!("{code} {body}")
        };
        ErrorKind::ErrorReply {
            code: None,
            message,
        }
    }
}

/// Whether a reply is Redis's refusal `code`: an error with that code whose message starts
/// with `message`.
pub(crate) fn is_refusal(reply: &RedisResult<Value>, code: &str, message: &str) -> bool {
    match reply {
        Ok(Value::ServerError(error)) => {
            error.code() == code && error.details().is_some_and(|d| d.starts_with(message))
        }
        Ok(_) => false,
        Err(error) => {
            error.code() == Some(code) && error.detail().is_some_and(|d| d.starts_with(message))
        }
    }
}

/// Whether a reply is Redis's own `CROSSSLOT` refusal: the keys are in different slots.
pub(crate) fn is_cross_slot(reply: &RedisResult<Value>) -> bool {
    is_refusal(
        reply,
        "CROSSSLOT",
        "Keys in request don't hash to the same slot",
    )
}

/// Whether Redis sent the error (rather than the client making it up).
pub(crate) fn is_server_error(error: &RedisError) -> bool {
    matches!(
        error.kind(),
        redis::ErrorKind::Server(_) | redis::ErrorKind::Extension
    )
}

/// Redis 6 reports errors raised while a script runs as `Error running script (call to
/// f_<sha>): @user_script:<line>: <message>`, where the message is a Lua error
/// (`user_script:<line>: ...`) or a Redis error with its code.
fn error_of_redis_6(body: &str) -> ErrorKind {
    let after_call = body.split_once("): ").map_or(body, |(_, rest)| rest);
    let (line, message) = after_call
        .strip_prefix('@')
        .and_then(split_user_script_line)
        .map_or((None, after_call), |(line, message)| (Some(line), message));
    let message = split_user_script_line(message).map_or(message, |(_, m)| m);
    match message.split_once(' ') {
        Some((code, rest)) if is_error_code(code) => ErrorKind::Raised {
            code: code.to_owned(),
            message: rest.to_owned(),
            line,
        },
        _ => ErrorKind::Lua {
            message: message.to_owned(),
            line,
        },
    }
}

/// Splits Redis's ` script: <sha>, on @user_script:<line>.` suffix off an error raised
/// while a script ran. Returns the message, the line, and whether the suffix was there.
fn split_script_suffix(detail: &str) -> (&str, Option<usize>, bool) {
    let Some(at) = detail.rfind(" script: ") else {
        return (detail, None, false);
    };
    let suffix = &detail[at..];
    let line = ["@user_script:", "@user_function:"]
        .iter()
        .find_map(|marker| {
            let at = suffix.find(marker)?;
            leading_number(&suffix[at + marker.len()..])
        });
    (&detail[..at], line, true)
}

/// Splits `user_script:12: message` (`user_function:12: ...` in a library) into
/// (12, "message").
fn split_user_script_line(text: &str) -> Option<(usize, &str)> {
    let rest = text
        .strip_prefix("user_script:")
        .or_else(|| text.strip_prefix("user_function:"))?;
    let line = leading_number(rest)?;
    let message = rest.split_once(':').map_or("", |(_, m)| m.trim_start());
    Some((line, message))
}

fn leading_number(text: &str) -> Option<usize> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text[..end].parse().ok()
}

/// An error code is a word in capitals, digits and `_`, like `WRONGTYPE` or `E42`.
fn is_error_code(word: &str) -> bool {
    word.len() > 1
        && word.starts_with(|c: char| c.is_ascii_uppercase())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::test_meta;
    use crate::reply::ReplyShape;

    static META: ScriptMeta = test_meta(
        "Transfer",
        "-- Transfer\nlocal a = 1\nlocal b = a + nil\nreturn b\n",
        &ReplyShape::Int,
        false,
    );

    fn server_error(text: &str) -> RedisError {
        let value = redis::parse_redis_value(format!("-{text}\r\n").as_bytes()).unwrap();
        value.extract_error().unwrap_err()
    }

    fn kind(text: &str) -> ErrorKind {
        classify(server_error(text), false)
    }

    #[test]
    fn lua_runtime_errors_keep_message_and_line() {
        let ErrorKind::Lua { message, line } = kind(
            "ERR user_script:3: attempt to perform arithmetic on a nil value script: e8e94afbf26c36c5bfa5cccc7688fb5e4c6c9600, on @user_script:3.",
        ) else {
            panic!("not a Lua error")
        };
        assert_eq!(message, "attempt to perform arithmetic on a nil value");
        assert_eq!(line, Some(3));
    }

    #[test]
    fn raised_errors_keep_their_code() {
        let ErrorKind::Raised {
            code,
            message,
            line,
        } = kind(
            "WRONGTYPE Operation against a key holding the wrong kind of value script: 0831e2c9533e8cbed57da1d2a40c4d744e66cf6c, on @user_script:1.",
        )
        else {
            panic!("not raised")
        };
        assert_eq!(code, "WRONGTYPE");
        assert_eq!(
            message,
            "Operation against a key holding the wrong kind of value"
        );
        assert_eq!(line, Some(1));
    }

    #[test]
    fn error_replies_with_and_without_code() {
        let ErrorKind::ErrorReply { code, message } = kind("Insufficient balance") else {
            panic!("not an error reply")
        };
        assert_eq!((code, message.as_str()), (None, "Insufficient balance"));
        let ErrorKind::ErrorReply { code, message } = kind("INSUFFICIENT_BALANCE need 30") else {
            panic!("not an error reply")
        };
        assert_eq!(code.as_deref(), Some("INSUFFICIENT_BALANCE"));
        assert_eq!(message, "need 30");
    }

    #[test]
    fn redis_6_formats_are_understood() {
        let ErrorKind::Lua { message, line } = kind(
            "ERR Error running script (call to f_e8e9): @user_script:15: user_script:15: attempt to perform arithmetic on a nil value",
        ) else {
            panic!("not a Lua error")
        };
        assert_eq!(
            (message.as_str(), line),
            ("attempt to perform arithmetic on a nil value", Some(15))
        );
        let ErrorKind::Raised { code, line, .. } = kind(
            "ERR Error running script (call to f_0831): @user_script:1: WRONGTYPE Operation against a key holding the wrong kind of value",
        ) else {
            panic!("not raised")
        };
        assert_eq!((code.as_str(), line), ("WRONGTYPE", Some(1)));
    }

    #[test]
    fn refusals_are_redis_errors() {
        let noperm = "NOPERM User alice has no permissions to run the 'evalsha' command";
        assert!(matches!(kind(noperm), ErrorKind::Redis(_)));
        assert!(!Error::new(&META, kind(noperm)).may_have_run());
        assert!(matches!(
            kind("BUSY Redis is busy running a script"),
            ErrorKind::Busy(_)
        ));
        assert!(matches!(
            kind("ERR Script killed by user with SCRIPT KILL... script: 433e, on @user_script:7."),
            ErrorKind::Killed { line: Some(7) }
        ));
        assert!(matches!(
            kind("ERR Number of keys can't be greater than number of args"),
            ErrorKind::Redis(_)
        ));
    }

    #[test]
    fn errors_a_script_may_have_forwarded_may_have_run() {
        for text in [
            "ERR value is not an integer or out of range",
            "OOM command not allowed when used memory > 'maxmemory'.",
            "READONLY You can't write against a read only replica.",
            "NOPERM User alice has no permissions to run the 'set' command",
        ] {
            let error = Error::new(&META, kind(text));
            assert!(
                matches!(error.kind(), ErrorKind::ErrorReply { .. }),
                "{text}: {error:?}"
            );
            assert!(error.may_have_run(), "{text}");
            assert!(error.to_string().contains("may have run"), "{error}");
        }
    }

    #[test]
    fn compile_errors_point_at_the_line() {
        let ErrorKind::Compile { message, line } = kind(
            "ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'",
        ) else {
            panic!("not a compile error")
        };
        assert_eq!(message, "unexpected symbol near '+'");
        assert_eq!(line, Some(1));
    }

    #[test]
    fn display_shows_file_line_and_source() {
        let error = Error::new(
            &META,
            ErrorKind::Lua {
                message: "attempt to perform arithmetic on a nil value".to_owned(),
                line: Some(3),
            },
        );
        assert_eq!(
            error.to_string(),
            "lua_scripts/test.lua:3: Lua error: attempt to perform arithmetic on a nil value\n  |\n3 | local b = a + nil\n  |\n  = in script Transfer (sha1 0123456789abcdef0123456789abcdef01234567)"
        );
        assert!(error.may_have_run());
    }

    #[test]
    fn unrecognised_formats_are_kept_whole() {
        let ErrorKind::ErrorReply { message, .. } = kind("Something odd happened") else {
            panic!("not an error reply")
        };
        assert_eq!(message, "Something odd happened");
    }
}
