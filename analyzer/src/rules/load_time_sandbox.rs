//! `load_time_sandbox` (RS0110): a command or global used while a function library loads.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "load_time_sandbox",
    code: "RS0110",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "a command or global used while a function library loads",
    explanation: "While a library loads, Redis offers only `redis.register_function`, `redis.log`, the log levels and the server's version: no command runs and most globals are missing. Do the work inside the functions, which run when called.",
    wrong: "#!lua name=config\nlocal limit = redis.call('GET', 'limit')\nredis.register_function('limit', function() return limit end)\n",
    right: "#!lua name=config\nredis.register_function('limit', function(keys) return redis.call('GET', keys[1]) end)\n",
};
