//! `noscript_command` (RS0102): a command Redis refuses inside scripts.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "noscript_command",
    code: "RS0102",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "a command Redis refuses inside scripts",
    explanation: "Some commands cannot run inside a script or function (Redis marks them `noscript`): blocking and connection commands, `MULTI`, `EVAL` itself, `SUBSCRIBE`... Redis fails the script when it reaches one. Send them from the client.",
    wrong: "redis.call('MULTI')\nredis.call('INCR', KEYS[1])\nreturn redis.call('EXEC')\n",
    right: "return redis.call('INCR', KEYS[1])\n",
};
