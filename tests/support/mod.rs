//! Helpers shared by the integration tests.

use redis_script::{ReplyShape, ScriptCall, ScriptMeta};

/// A call of a script Redis cannot compile (`return +`), with no keys: the macro would
/// refuse such a file, so it is described by hand.
pub fn broken_call() -> ScriptCall<redis::Value> {
    const SOURCE: &str = "return +";
    let sha1: &'static str = Box::leak(
        sha1_smol::Sha1::from(SOURCE)
            .digest()
            .to_string()
            .into_boxed_str(),
    );
    let broken: &'static ScriptMeta = Box::leak(Box::new(ScriptMeta::new(
        "Broken",
        "lua_scripts/broken.lua",
        sha1,
        SOURCE,
        &ReplyShape::Any,
        "value",
        false,
    )));
    ScriptCall::new(broken, 0, 0)
}
