//! `key_not_from_keys` (RS0304): a key written in the script or built from ARGV instead of passed in KEYS.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "key_not_from_keys",
    code: "RS0304",
    default: Level::Allow,
    basis: Basis::Advice,
    allowable: true,
    summary: "a key written in the script or built from ARGV instead of passed in KEYS",
    explanation: "Redis Cluster routes a script by the keys it declares, and ACLs check only those: a key the script writes itself may live on another node. Allowed by default, because many projects build keys from a prefix on purpose; deny it for scripts that must run on a cluster.",
    wrong: "return redis.call('INCR', 'visits:' .. ARGV[1])\n",
    right: "return redis.call('INCR', KEYS[1])\n",
};
