//! `unknown_command` (RS0101): a command, or subcommand, the target server does not have.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "unknown_command",
    code: "RS0101",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "a command, or subcommand, the target server does not have",
    explanation: "`redis.call` and `redis.pcall` take a command name as their first argument; one the server does not know fails the script when it gets there, on a path your tests may never take. The target (`target = \"redis-8.0\"`) decides which commands exist: a command a later version adds is named with the version that has it. Commands of modules (a dot in the name, `JSON.SET`) are not checked.",
    wrong: "return redis.call('INCRBYY', KEYS[1], ARGV[1])\n",
    right: "return redis.call('INCRBY', KEYS[1], ARGV[1])\n",
};
