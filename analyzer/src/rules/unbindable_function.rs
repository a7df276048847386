//! `unbindable_function` (RS0208): a library function redis-script cannot bind as it is registered.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "unbindable_function",
    code: "RS0208",
    default: Level::Deny,
    basis: Basis::Contract,
    allowable: true,
    summary: "a library function redis-script cannot bind as it is registered",
    explanation: "A bound library's functions become methods: each must be registered at the top level of the file (not inside a block or a loop, where the registrations depend on the data) and their names must not turn into the same method name.",
    wrong: "#!lua name=stats\nfor _, name in ipairs({'hits', 'misses'}) do\n  redis.register_function(name, function(keys) return redis.call('INCR', keys[1]) end)\nend\n",
    right: "#!lua name=stats\nlocal function count(keys) return redis.call('INCR', keys[1]) end\nredis.register_function('hits', count)\nredis.register_function('misses', count)\n",
};
