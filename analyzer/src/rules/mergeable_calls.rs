//! `mergeable_calls` (RS0301): single-key calls side by side that one multi-key command could do.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "mergeable_calls",
    code: "RS0301",
    default: Level::Warn,
    basis: Basis::Advice,
    allowable: true,
    summary: "single-key calls side by side that one multi-key command could do",
    explanation: "Each `redis.call` is a round of Redis's command dispatch. Reading or setting several keys one call at a time (`GET`, `GET`; `SET`, `SET`; `HGET` of one hash) costs more than one `MGET`, `MSET` or `HMGET`.",
    wrong: "local a = redis.call('GET', KEYS[1])\nlocal b = redis.call('GET', KEYS[2])\nreturn {a, b}\n",
    right: "return redis.call('MGET', KEYS[1], KEYS[2])\n",
};
