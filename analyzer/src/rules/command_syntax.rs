//! `command_syntax` (RS0104): arguments that do not fit the command's syntax, or that need a later server.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "command_syntax",
    code: "RS0104",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "arguments that do not fit the command's syntax, or that need a later server",
    explanation: "Beyond its arity, a command takes its words in a shape its docs describe: option tokens (`EX`, `NX`, `WITHSCORES`), repeated groups, blocking options a script may not use. Redis answers a word out of place with a syntax error at run time. An option a later version added is named with that version, for the target.",
    wrong: "return redis.call('SET', KEYS[1], ARGV[1], 'EXPIRE', 60)\n",
    right: "return redis.call('SET', KEYS[1], ARGV[1], 'EX', 60)\n",
};
