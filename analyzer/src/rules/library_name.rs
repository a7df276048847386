//! `library_name` (RS0004): a function library whose first line is not `#!lua name=<library>`.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "library_name",
    code: "RS0004",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: false,
    summary: "a function library whose first line is not `#!lua name=<library>`",
    explanation: "Redis loads a function library only when its first line names the engine and the library: `#!lua name=mylib` (the engine in any case, the name of letters, digits and underscores, quotes around it allowed). Without a name there is no library to load or bind, so this cannot be allowed.",
    wrong: "#!lua\nredis.register_function('hello', function() return 'hi' end)\n",
    right: "#!lua name=greetings\nredis.register_function('hello', function() return 'hi' end)\n",
};
