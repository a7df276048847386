//! What the macro knows about a bound script, kept as constants, and loading it.

use redis::{Cmd, ConnectionLike, RedisError, RedisResult, Value};

use crate::error::{Error, ErrorKind};
use crate::reply::ReplyShape;

/// Everything the runtime needs to know about a bound script: built at compile time by
/// `#[redis_script]` and available as `YourScript::META`.
#[derive(Debug)]
pub struct ScriptMeta {
    name: &'static str,
    path: &'static str,
    sha1: &'static str,
    source: &'static str,
    returns: &'static ReplyShape,
    returns_declared: &'static str,
    read_only: bool,
}

impl ScriptMeta {
    /// Describes a script; called by the code `#[redis_script]` generates.
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        path: &'static str,
        sha1: &'static str,
        source: &'static str,
        returns: &'static ReplyShape,
        returns_declared: &'static str,
        read_only: bool,
    ) -> Self {
        Self {
            name,
            path,
            sha1,
            source,
            returns,
            returns_declared,
            read_only,
        }
    }

    /// The name of the Rust item the script is bound to, e.g. `RateLimiter`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The script's path from the crate root, e.g. `lua_scripts/rate_limiter.lua`.
    pub const fn path(&self) -> &'static str {
        self.path
    }

    /// SHA1 of the source: the name Redis knows the script by.
    pub const fn sha1(&self) -> &'static str {
        self.sha1
    }

    /// The script's source, exactly the file's bytes.
    pub const fn source(&self) -> &'static str {
        self.source
    }

    /// The reply shape RETURNS declares.
    pub const fn returns(&self) -> &'static ReplyShape {
        self.returns
    }

    /// RETURNS as declared in the header, for messages.
    pub const fn returns_declared(&self) -> &'static str {
        self.returns_declared
    }

    /// Whether the script's shebang declares `no-writes`: it then goes out as
    /// `EVALSHA_RO`, runs on replicas, and Redis refuses any write it attempts.
    pub const fn read_only(&self) -> bool {
        self.read_only
    }

    /// Line `line` (1-based) of the source.
    pub fn source_line(&self, line: usize) -> Option<&'static str> {
        let text = self.source.split('\n').nth(line.checked_sub(1)?)?;
        Some(text.strip_suffix('\r').unwrap_or(text))
    }

    /// `SCRIPT LOAD`s the script on the server behind `con`.
    ///
    /// Invocations load the script on their own when the server lacks it, so this is only
    /// needed to fail early (a script Redis cannot compile) or to warm a fresh server.
    pub fn load<C: ConnectionLike + ?Sized>(&'static self, con: &mut C) -> Result<(), Error> {
        let reply = con.req_command(&self.load_command());
        self.check_loaded(reply)
    }

    /// Async [`load`](Self::load).
    #[cfg(feature = "aio")]
    pub async fn load_async<C: redis::aio::ConnectionLike>(
        &'static self,
        con: &mut C,
    ) -> Result<(), Error> {
        let reply = con.req_packed_command(&self.load_command()).await;
        self.check_loaded(reply)
    }

    /// `SCRIPT LOAD <source>`.
    pub(crate) fn load_command(&self) -> Cmd {
        let mut cmd = redis::cmd("SCRIPT");
        cmd.arg("LOAD").arg(self.source);
        cmd
    }

    /// Checks the reply of `SCRIPT LOAD`: an error, or a SHA1 other than ours (which would
    /// mean the bytes were changed on the way).
    pub(crate) fn check_loaded(&'static self, reply: RedisResult<Value>) -> Result<(), Error> {
        match reply.and_then(Value::extract_error) {
            Ok(Value::BulkString(sha)) if sha == self.sha1.as_bytes() => Ok(()),
            Ok(other) => {
                let detail = format!(
                    "SCRIPT LOAD answered {} instead of {}",
                    crate::reply::describe(&other),
                    self.sha1
                );
                let error = RedisError::from((
                    redis::ErrorKind::UnexpectedReturnType,
                    "unexpected SCRIPT LOAD reply",
                    detail,
                ));
                Err(Error::new(self, ErrorKind::Load(error)))
            }
            Err(error) => match Error::from_redis(self, error).into_kind() {
                ErrorKind::Connection(error) => Err(Error::new(self, ErrorKind::Load(error))),
                kind => Err(Error::new(self, kind)),
            },
        }
    }
}

/// Implemented by every type `#[redis_script]` binds, for code generic over scripts.
pub trait Script {
    /// The script's description.
    const META: &'static ScriptMeta;
}
