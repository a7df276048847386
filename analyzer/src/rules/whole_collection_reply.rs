//! `whole_collection_reply` (RS0303): a whole set, hash, list or sorted set returned, however large it grows.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "whole_collection_reply",
    code: "RS0303",
    default: Level::Warn,
    basis: Basis::Advice,
    allowable: true,
    summary: "a whole set, hash, list or sorted set returned, however large it grows",
    explanation: "A reply is built and sent while the server serves nobody else. `SMEMBERS`, `HGETALL`, `LRANGE 0 -1` returned whole grow with the data; return a count or a page instead.",
    wrong: "return redis.call('LRANGE', KEYS[1], 0, -1)\n",
    right: "return redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)\n",
};
