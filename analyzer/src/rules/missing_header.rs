//! `missing_header` (RS0203): a script or function without a doc comment that declares its KEYS and ARGV.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "missing_header",
    code: "RS0203",
    default: Level::Deny,
    basis: Basis::Contract,
    allowable: true,
    summary: "a script or function without a doc comment that declares its KEYS and ARGV",
    explanation: "The generated function is built from the doc comment. Without one, or with one that declares neither KEYS nor ARGV while the body reads them, there is nothing to say which keys and arguments callers pass. The message proposes a header built from what the body reads (`redis-script header` prints it).",
    wrong: "return redis.call('INCR', KEYS[1])\n",
    right: "--[[\n  Counts a visit.\n  KEYS:\n    [1] counter - the visit counter\n  RETURNS: int - the visits so far\n--]]\nreturn redis.call('INCR', KEYS[1])\n",
};
