//! `undefined_global` (RS0107): a name the target's Lua environment does not define.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "undefined_global",
    code: "RS0107",
    default: Level::Deny,
    basis: Basis::Server,
    allowable: true,
    summary: "a name the target's Lua environment does not define",
    explanation: "Reading a global the sandbox does not have (`os`, `io`, `require`, a library the target lacks, a misspelt member of `redis` or `string`) gives nil, and calling it fails the script with \"attempt to call a nil value\" or a sandbox error. The target decides what exists: Valkey and later Redis versions add names.",
    wrong: "return os.time()\n",
    right: "return redis.call('TIME')[1]\n",
};
