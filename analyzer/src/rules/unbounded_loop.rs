//! `unbounded_loop` (RS0305): a command per turn of a loop that ARGV or a reply bounds, with no cap.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "unbounded_loop",
    code: "RS0305",
    default: Level::Warn,
    basis: Basis::Advice,
    allowable: true,
    summary: "a command per turn of a loop that ARGV or a reply bounds, with no cap",
    explanation: "A script holds the server until it ends. A loop whose number of turns comes from the caller or from the data runs as long as they say; cap it (`math.min(tonumber(ARGV[1]), 1000)`) or page through the work, a batch per call.",
    wrong: "for i = 1, tonumber(ARGV[1]) do redis.call('RPUSH', KEYS[1], i) end\nreturn 1\n",
    right: "for i = 1, math.min(tonumber(ARGV[1]), 1000) do redis.call('RPUSH', KEYS[1], i) end\nreturn 1\n",
};
