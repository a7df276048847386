//! `header_syntax` (RS0002): a doc header that cannot be read into KEYS, ARGV, RETURNS and ERRORS.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "header_syntax",
    code: "RS0002",
    default: Level::Deny,
    basis: Basis::Contract,
    allowable: false,
    summary: "a doc header that cannot be read into KEYS, ARGV, RETURNS and ERRORS",
    explanation: "The header comment is the contract the generated function is built from: each entry must have an index in order, a name that can be a Rust parameter, a known type, and each section may appear once. A header that cannot be read leaves nothing to generate, so this cannot be allowed. The grammar is in the `redis_script::header` docs.",
    wrong: "--[[\n  Adds to a counter.\n  KEYS:\n    [2] counter - the counter\n  RETURNS: int - the new value\n--]]\nreturn redis.call('INCR', KEYS[1])\n",
    right: "--[[\n  Adds to a counter.\n  KEYS:\n    [1] counter - the counter\n  RETURNS: int - the new value\n--]]\nreturn redis.call('INCR', KEYS[1])\n",
};
