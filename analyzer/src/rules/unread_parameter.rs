//! `unread_parameter` (RS0202): a declared KEYS or ARGV entry the body never reads.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "unread_parameter",
    code: "RS0202",
    default: Level::Warn,
    basis: Basis::Contract,
    allowable: true,
    summary: "a declared KEYS or ARGV entry the body never reads",
    explanation: "Every declared entry is a parameter callers must pass. One the body never reads is usually a leftover or a typo in an index; a name starting with `_` (`[2] _legacy - ...`) says it is unread on purpose. Scripts shipped by other projects often declare entries they keep for compatibility: allow the rule for them.",
    wrong: "--[[\n  Reads a value.\n  KEYS:\n    [1] key - the key\n  ARGV:\n    [1] default - unused\n  RETURNS: bulk - the value\n--]]\nreturn redis.call('GET', KEYS[1])\n",
    right: "--[[\n  Reads a value.\n  KEYS:\n    [1] key - the key\n  RETURNS: bulk - the value\n--]]\nreturn redis.call('GET', KEYS[1])\n",
};
