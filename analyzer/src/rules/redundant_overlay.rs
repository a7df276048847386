//! `redundant_overlay` (RS0307): an overlay that repeats what the header already says.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "redundant_overlay",
    code: "RS0307",
    default: Level::Warn,
    basis: Basis::Advice,
    allowable: true,
    summary: "an overlay that repeats what the header already says",
    explanation: "An overlay that gives an entry the type, name or description its header already declares (or the RETURNS it declares) changes nothing; when the vendored file's header is upgraded to say it, the overlay is left to drop.",
    wrong: "// #[redis_script(\"vendor/touch.lua\", argv(ttl: int))]\n-- Touches a key.\n-- KEYS[1] key - the key\n-- ARGV[1] ttl: int - in ms\nreturn redis.call('PEXPIRE', KEYS[1], ARGV[1])\n",
    right: "// #[redis_script(\"vendor/touch.lua\")]\n-- Touches a key.\n-- KEYS[1] key - the key\n-- ARGV[1] ttl: int - in ms\nreturn redis.call('PEXPIRE', KEYS[1], ARGV[1])\n",
};
