//! `fractional_return` (RS0205): a number with a fraction returned where the reply is a number.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "fractional_return",
    code: "RS0205",
    default: Level::Warn,
    basis: Basis::Contract,
    allowable: true,
    summary: "a number with a fraction returned where the reply is a number",
    explanation: "Redis turns a Lua number into an integer reply, dropping the fraction: `return 2.5` reaches the caller as 2. Return a string (`tostring(x)`) to keep the digits, and declare RETURNS accordingly.",
    wrong: "--[[\n  Averages two numbers.\n  ARGV:\n    [1] a: float - first\n    [2] b: float - second\n  RETURNS: int - the mean\n--]]\nreturn 2.5\n",
    right: "--[[\n  Averages two numbers.\n  ARGV:\n    [1] a: float - first\n    [2] b: float - second\n  RETURNS: float - the mean\n--]]\nreturn tostring((tonumber(ARGV[1]) + tonumber(ARGV[2])) / 2)\n",
};
