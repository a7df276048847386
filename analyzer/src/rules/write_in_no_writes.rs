//! `write_in_no_writes` (RS0105): a write in a script or function flagged `no-writes`.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "write_in_no_writes",
    code: "RS0105",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "a write in a script or function flagged `no-writes`",
    explanation: "A script whose `#!lua` line has `flags=no-writes`, or a function registered with the `no-writes` flag, may run on replicas and with `EVAL_RO`/`FCALL_RO`; Redis refuses every write it attempts at run time. Remove the flag or the write.",
    wrong: "#!lua flags=no-writes\nreturn redis.call('INCR', KEYS[1])\n",
    right: "#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])\n",
};
