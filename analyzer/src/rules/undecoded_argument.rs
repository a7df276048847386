//! `undecoded_argument` (RS0209): a `json` or `msgpack` argument the body never decodes.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "undecoded_argument",
    code: "RS0209",
    default: Level::Warn,
    basis: Basis::Contract,
    allowable: true,
    summary: "a `json` or `msgpack` argument the body never decodes",
    explanation: "The generated function encodes an ARGV entry typed `json` or `msgpack`; a body that never decodes it works with the encoded text, which is seldom what was meant. Decode it, or declare it `string` or `bytes` when the text is what the script needs.",
    wrong: "--[[\n  Stores a document.\n  KEYS:\n    [1] doc - the document key\n  ARGV:\n    [1] body: json - the document\n  RETURNS: status - OK\n--]]\nreturn redis.call('SET', KEYS[1], ARGV[1])\n",
    right: "--[[\n  Stores a document.\n  KEYS:\n    [1] doc - the document key\n  ARGV:\n    [1] body: string - the document, as JSON text\n  RETURNS: status - OK\n--]]\nreturn redis.call('SET', KEYS[1], ARGV[1])\n",
};
