//! `returns_mismatch` (RS0204): a literal return that does not match the declared RETURNS.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "returns_mismatch",
    code: "RS0204",
    default: Level::Deny,
    basis: Basis::Contract,
    allowable: true,
    summary: "a literal return that does not match the declared RETURNS",
    explanation: "RETURNS is the type the generated function reads the reply into. A `return` whose value cannot be that type (a string where `int` is declared, a table where one value is) makes every call that takes that path fail with a reply error.",
    wrong: "--[[\n  Checks a flag.\n  KEYS:\n    [1] flag - the flag\n  RETURNS: int - 1 if set\n--]]\nif redis.call('EXISTS', KEYS[1]) == 1 then return 'yes' end\nreturn 0\n",
    right: "--[[\n  Checks a flag.\n  KEYS:\n    [1] flag - the flag\n  RETURNS: int - 1 if set\n--]]\nif redis.call('EXISTS', KEYS[1]) == 1 then return 1 end\nreturn 0\n",
};
