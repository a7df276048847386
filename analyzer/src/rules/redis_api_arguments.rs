//! `redis_api_arguments` (RS0111): a `redis.*` function called with arguments it refuses.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "redis_api_arguments",
    code: "RS0111",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "a `redis.*` function called with arguments it refuses",
    explanation: "Redis's own functions check their arguments when they run: `redis.call` needs a command name, `redis.sha1hex` a string, `redis.acl_check_cmd` an existing command, `redis.set_repl` one of the `redis.REPL_*` values, and a command takes strings and numbers, never a table. Each fails the script at run time otherwise.",
    wrong: "redis.set_repl('all')\nreturn redis.call('INCR', KEYS[1])\n",
    right: "redis.set_repl(redis.REPL_ALL)\nreturn redis.call('INCR', KEYS[1])\n",
};
