//! `undeclared_parameter` (RS0201): a KEYS or ARGV entry the body reads and the header does not declare.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "undeclared_parameter",
    code: "RS0201",
    default: Level::Deny,
    basis: Basis::Contract,
    allowable: true,
    summary: "a KEYS or ARGV entry the body reads and the header does not declare",
    explanation: "The generated function takes exactly the keys and arguments the header declares. A body that reads `KEYS[3]` when the header declares two gets nil there from every caller; one that reads an array as a whole or with a computed index needs a variadic tail (`[2..]`), which the function takes as a slice.",
    wrong: "--[[\n  Moves a member.\n  KEYS:\n    [1] from - the source set\n  ARGV:\n    [1] member - what to move\n  RETURNS: int - 1 if moved\n--]]\nreturn redis.call('SMOVE', KEYS[1], KEYS[2], ARGV[1])\n",
    right: "--[[\n  Moves a member.\n  KEYS:\n    [1] from - the source set\n    [2] to - the target set\n  ARGV:\n    [1] member - what to move\n  RETURNS: int - 1 if moved\n--]]\nreturn redis.call('SMOVE', KEYS[1], KEYS[2], ARGV[1])\n",
};
