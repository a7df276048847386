//! `structured_codec` (RS0206): a `json` or `msgpack` entry the body does not decode with that codec.

use super::{Basis, Level, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "structured_codec",
    code: "RS0206",
    default: Level::Deny,
    basis: Basis::Contract,
    allowable: true,
    summary: "a `json` or `msgpack` entry the body does not decode with that codec",
    explanation: "An ARGV entry typed `json` or `msgpack` is encoded by the generated function; the body must decode it with the same codec (`cjson.decode`, `cmsgpack.unpack`). Keys are names, never structured values.",
    wrong: "--[[\n  Stores settings.\n  KEYS:\n    [1] settings - the hash\n  ARGV:\n    [1] values: json - the settings\n  RETURNS: int - fields set\n--]]\nlocal values = cmsgpack.unpack(ARGV[1])\nreturn redis.call('HSET', KEYS[1], 'theme', values.theme)\n",
    right: "--[[\n  Stores settings.\n  KEYS:\n    [1] settings - the hash\n  ARGV:\n    [1] values: json - the settings\n  RETURNS: int - fields set\n--]]\nlocal values = cjson.decode(ARGV[1])\nreturn redis.call('HSET', KEYS[1], 'theme', values.theme)\n",
};
