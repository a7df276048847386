//! `global_write` (RS0106): an assignment to a global, to Redis's library tables, or to the globals' metatable.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "global_write",
    code: "RS0106",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "an assignment to a global, to Redis's library tables, or to the globals' metatable",
    explanation: "Redis runs scripts in a sandbox whose global table is read-only: assigning a global, a member of a library table (`string`, `redis`...), or changing the metatable of `_G` fails at run time with \"Attempt to modify a readonly table\". Keep values in locals or tables of your own.",
    wrong: "count = redis.call('INCR', KEYS[1])\nreturn count\n",
    right: "local count = redis.call('INCR', KEYS[1])\nreturn count\n",
};
