//! `blocking_command` (RS0302): `KEYS`, `FLUSHALL` or `FLUSHDB`, which hold the server as long as the database is large.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "blocking_command",
    code: "RS0302",
    default: Level::Warn,
    basis: Basis::Advice,
    allowable: true,
    summary: "`KEYS`, `FLUSHALL` or `FLUSHDB`, which hold the server as long as the database is large",
    explanation: "A script runs alone: while it walks every key of the database, no other client is served. Keep the keys you need in a set and read that, or scan from the client.",
    wrong: "return redis.call('KEYS', ARGV[1])\n",
    right: "return redis.call('SMEMBERS', KEYS[1])\n",
};
