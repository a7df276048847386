//! `lua_syntax` (RS0001): code that Lua 5.1, the Lua inside Redis, cannot compile.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "lua_syntax",
    code: "RS0001",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: false,
    summary: "code that Lua 5.1, the Lua inside Redis, cannot compile",
    explanation: "Redis compiles every script and library as Lua 5.1 before it runs anything, and refuses the whole file when that fails. Besides the grammar, Lua 5.1 refuses a call whose `(` starts a new line, `[[` nested inside a long string or comment, more than 200 active locals in one function, `...` outside a vararg function, and nesting deeper than 200 levels. A `#!` line is read only as the first line of a file.",
    wrong: "local total = 0\nfor i = 1, #ARGV do\n  total = total + tonumber(ARGV[i])\nreturn total\n",
    right: "local total = 0\nfor i = 1, #ARGV do\n  total = total + tonumber(ARGV[i])\nend\nreturn total\n",
};
