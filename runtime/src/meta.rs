//! What the macro knows about a bound script, kept as constants: plain data, read by the
//! rest of the runtime.

use crate::reply::ReplyShape;

/// Everything the runtime needs to know about a bound script: built at compile time by
/// `#[redis_script]` and available as `YourScript::META`.
#[derive(Debug)]
pub struct ScriptMeta(ScriptParts);

/// The parts of a [`ScriptMeta`], as the generated code spells them out.
#[doc(hidden)]
#[derive(Debug)]
pub struct ScriptParts {
    /// The bound Rust item's name.
    pub name: &'static str,
    /// The script's path from the crate root.
    pub path: &'static str,
    /// SHA1 of `source`.
    pub sha1: &'static str,
    /// The text sent to Redis.
    pub source: &'static str,
    /// The reply shape RETURNS declares.
    pub returns: &'static ReplyShape,
    /// RETURNS as written, for messages.
    pub returns_declared: &'static str,
    /// Whether the shebang declares `no-writes`.
    pub read_only: bool,
}

impl ScriptMeta {
    /// Describes a script from its parts.
    pub(crate) const fn from_parts(parts: ScriptParts) -> Self {
        Self(parts)
    }

    /// The name of the Rust item the script is bound to, e.g. `RateLimiter`.
    pub const fn name(&self) -> &'static str {
        self.0.name
    }

    /// The script's path from the crate root, e.g. `lua_scripts/rate_limiter.lua`.
    pub const fn path(&self) -> &'static str {
        self.0.path
    }

    /// SHA1 of the source: the name Redis knows the script by.
    pub const fn sha1(&self) -> &'static str {
        self.0.sha1
    }

    /// The script's source, exactly the bytes sent to `SCRIPT LOAD`.
    pub const fn source(&self) -> &'static str {
        self.0.source
    }

    /// The reply shape RETURNS declares.
    pub const fn returns(&self) -> &'static ReplyShape {
        self.0.returns
    }

    /// RETURNS as declared in the header, for messages.
    pub const fn returns_declared(&self) -> &'static str {
        self.0.returns_declared
    }

    /// Whether the script's shebang declares `no-writes`: it then goes out as
    /// `EVALSHA_RO`, runs on replicas, and Redis refuses any write it attempts.
    pub const fn read_only(&self) -> bool {
        self.0.read_only
    }

    /// Line `line` (1-based) of the source.
    pub fn source_line(&self, line: usize) -> Option<&'static str> {
        let text = self.0.source.split('\n').nth(line.checked_sub(1)?)?;
        Some(text.strip_suffix('\r').unwrap_or(text))
    }
}

/// Implemented by every type `#[redis_script]` binds, for code generic over scripts.
pub trait Script {
    /// The script's description.
    const META: &'static ScriptMeta;
}

/// A script for unit tests: `name` with `source`, replying `returns`.
#[cfg(test)]
pub(crate) const fn test_meta(
    name: &'static str,
    source: &'static str,
    returns: &'static ReplyShape,
    read_only: bool,
) -> ScriptMeta {
    ScriptMeta(ScriptParts {
        name,
        path: "lua_scripts/test.lua",
        sha1: "0123456789abcdef0123456789abcdef01234567",
        source,
        returns,
        returns_declared: "declared",
        read_only,
    })
}
