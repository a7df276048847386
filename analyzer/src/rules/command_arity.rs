//! `command_arity` (RS0103): a command called with a number of arguments it never takes.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "command_arity",
    code: "RS0103",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "a command called with a number of arguments it never takes",
    explanation: "Each command has an arity: how many words it takes, its name included, exactly or at least. Redis checks it before the command runs and fails the script with \"Wrong number of args calling Redis command from script\".",
    wrong: "return redis.call('HSET', KEYS[1], ARGV[1])\n",
    right: "return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n",
};
