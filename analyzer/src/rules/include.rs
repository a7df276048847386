//! `include` (RS0003): an `@include` that cannot be followed.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "include",
    code: "RS0003",
    default: Level::Deny,
    basis: Basis::Contract,
    allowable: false,
    summary: "an `@include` that cannot be followed",
    explanation: "`-- @include path.lua` pastes a file of the scripts folder in place before anything else is read. A file that is missing, outside the folder, not UTF-8 or included in a cycle leaves no script to check or send, so this cannot be allowed.",
    wrong: "-- @include helpers/missing.lua\nreturn clamp(tonumber(ARGV[1]), 0, 10)\n",
    right: "-- @include helpers/clamp.lua\nreturn clamp(tonumber(ARGV[1]), 0, 10)\n",
};
