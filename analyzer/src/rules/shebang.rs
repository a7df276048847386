//! `shebang` (RS0108): a script's `#!` line with an unknown engine, flag or word.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "shebang",
    code: "RS0108",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "a script's `#!` line with an unknown engine, flag or word",
    explanation: "A script's first line may be `#!lua`, with `flags=` and flags Redis knows (`no-writes`, `allow-oom`, `allow-stale`, `no-cluster`, `allow-cross-slot-keys`); Redis refuses to load a script with any other engine, flag or word. `name=` belongs to function libraries.",
    wrong: "#!lua flags=read-only\nreturn redis.call('GET', KEYS[1])\n",
    right: "#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])\n",
};
