//! `overlay_entry` (RS0210): a binding's overlay that names no entry of the header, names
//! one twice, or contradicts what the header declares.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "overlay_entry",
    code: "RS0210",
    default: Level::Deny,
    basis: Basis::Contract,
    allowable: true,
    summary: "an overlay that names no entry of the header, names one twice, or contradicts the header",
    explanation: "A binding's overlay (`keys(...)`, `argv(...)`, `returns = \"...\"` in the attribute) refines a header it cannot edit: it gives a type, a name or a description the header leaves open. An overlay of an entry the header does not declare would bind a parameter the script never reads; a type or RETURNS other than the one the header declares would make the binding and the file disagree. The entry is named by its name (as the header gives or infers it), its index or its tail (`4..`).",
    wrong: "// #[redis_script(\"vendor/touch.lua\", argv(ttl_ms: int))]\n-- Touches a key.\n-- KEYS[1] the key\n-- ARGV[1] ttl in ms\nreturn redis.call('PEXPIRE', KEYS[1], ARGV[1])\n",
    right: "// #[redis_script(\"vendor/touch.lua\", argv(ttl_in_ms: int))]\n-- Touches a key.\n-- KEYS[1] the key\n-- ARGV[1] ttl in ms\nreturn redis.call('PEXPIRE', KEYS[1], ARGV[1])\n",
};
