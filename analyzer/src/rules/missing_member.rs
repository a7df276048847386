//! `missing_member` (RS0306): a member the target's library tables lack, read as a value.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "missing_member",
    code: "RS0306",
    default: Level::Warn,
    basis: Basis::Advice,
    allowable: true,
    summary: "a member the target's library tables lack, read as a value: it is nil",
    explanation: "Reading a member a library table does not have gives nil, and the servers run that line; the script fails later, where the value is called or used (`undefined_global` reports a missing member that is called right away). Lua 5.1 lacks what later Lua versions added (`table.unpack`, `table.pack`, `string.pack`); read it as a fallback (`table.unpack or unpack`) when the code runs elsewhere too.",
    wrong: "--[[\n  Stores the values it is given.\n  KEYS:\n    [1] key - the list\n  ARGV:\n    [1..] values - the values\n  RETURNS: int - the length\n--]]\nlocal spread = table.unpack\nreturn redis.call('RPUSH', KEYS[1], spread(ARGV))\n",
    right: "--[[\n  Stores the values it is given.\n  KEYS:\n    [1] key - the list\n  ARGV:\n    [1..] values - the values\n  RETURNS: int - the length\n--]]\nlocal spread = table.unpack or unpack\nreturn redis.call('RPUSH', KEYS[1], spread(ARGV))\n",
};
