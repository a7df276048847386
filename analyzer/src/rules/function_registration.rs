//! `function_registration` (RS0109): a `redis.register_function` call Redis refuses.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "function_registration",
    code: "RS0109",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "a `redis.register_function` call Redis refuses",
    explanation: "A library registers each function with `redis.register_function('name', callback)` or the table form with `function_name`, `callback`, `flags` and `description`. Redis refuses the whole library when a name is not valid or registered twice, the callback is not a function, a flag is unknown or not a string, `flags` is not a table, `description` is not a string, a field is unknown, more arguments are passed than it takes, or no function is registered at all.",
    wrong: "#!lua name=counters\nredis.register_function{function_name = 'add', callback = function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end, flags = 'no-writes'}\n",
    right: "#!lua name=counters\nredis.register_function{function_name = 'add', callback = function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end}\n",
};
