//! Checks of a script's body against its header and against what Redis accepts: every
//! mistake that can be seen in the file fails the build instead of production Redis.
//!
//! - [`contract`]: the `KEYS`/`ARGV` the body reads against those the header declares;
//! - [`sandbox`]: globals Redis forbids assigning, and names its Lua environment lacks;
//! - [`calls`]: `redis.call`/`redis.pcall` with unknown or forbidden commands or a wrong
//!   number of arguments;
//! - [`shebang`]: the `#!lua` line's engine and flags;
//! - [`returns`]: literal returns against RETURNS, and RETURNS inferred from them.

pub mod calls;
pub mod contract;
pub mod returns;
pub mod sandbox;
pub mod shebang;

use crate::diagnostic::Diagnostic;
use crate::lua::Facts;
use crate::model::Script;

/// A Redis version, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RedisVersion {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
}

impl RedisVersion {
    /// The version the tables were read from, and the default target: 7.0.
    pub const BASELINE: Self = Self { major: 7, minor: 0 };

    /// Parses `"7.4"` (a patch number is accepted and ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
        Some(Self { major, minor })
    }
}

/// How scripts are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The oldest Redis the script must run on: features of later versions are errors.
    pub target: RedisVersion,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            target: RedisVersion::BASELINE,
        }
    }
}

/// Runs every check; problems go to `out`, and RETURNS may be inferred into `script`.
pub fn run(
    script: &mut Script,
    facts: &Facts,
    source: &str,
    options: &Options,
    out: &mut Vec<Diagnostic>,
) {
    shebang::check(source, out);
    contract::check(script, facts, out);
    sandbox::check(facts, options, out);
    calls::check(script, facts, out);
    returns::check(script, facts, out);
}
