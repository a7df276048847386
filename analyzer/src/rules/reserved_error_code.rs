//! `reserved_error_code` (RS0207): an error a script declares or returns that reads like Redis's own refusal.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "reserved_error_code",
    code: "RS0207",
    default: Level::Deny,
    basis: Basis::Contract,
    allowable: true,
    summary: "an error a script declares or returns that reads like Redis's own refusal",
    explanation: "Callers tell \"the script did not run\" from \"the script failed\" by the error's code: `NOSCRIPT`, `BUSY`, `MOVED`, `OOM`, `READONLY`... mean Redis refused the call before it ran, so a caller may send it again. A script that declares or returns such a code would be run twice. Use a code of your own.",
    wrong: "--[[\n  Takes a slot.\n  KEYS:\n    [1] slots - the free slots\n  RETURNS: int - slots left\n  ERRORS:\n    BUSY - no slot is free\n--]]\nif redis.call('DECR', KEYS[1]) < 0 then return redis.error_reply('BUSY no slot is free') end\nreturn 1\n",
    right: "--[[\n  Takes a slot.\n  KEYS:\n    [1] slots - the free slots\n  RETURNS: int - slots left\n  ERRORS:\n    NO_SLOT - no slot is free\n--]]\nif redis.call('DECR', KEYS[1]) < 0 then return redis.error_reply('NO_SLOT no slot is free') end\nreturn 1\n",
};
