//! Helpers shared by the integration tests.
// Each test binary uses some of them.
#![allow(dead_code)]

use redis_script::__private::{
    ScriptKind, ScriptParts, SourceMap, call, script_meta, segment, source_file, source_map,
};
use redis_script::{Batch, ReplyShape, ScriptCall, ScriptMeta};

/// A `MULTI`/`EXEC` transaction, or else a plain pipeline.
pub fn batch(transaction: bool) -> Batch {
    if transaction {
        Batch::transaction()
    } else {
        Batch::new()
    }
}

/// The source map of the broken script: one file.
const BROKEN_MAP: SourceMap = source_map(
    &[source_file("lua_scripts/broken.lua", None)],
    &[segment(1, 0, 1)],
);

/// A call of a script Redis cannot compile (`return +`), with no keys: the macro would
/// refuse such a file, so it is described by hand, through the macro's own contract.
pub fn broken_call() -> ScriptCall<redis::Value> {
    const SOURCE: &str = "return +";
    let sha1: &'static str = Box::leak(
        sha1_smol::Sha1::from(SOURCE)
            .digest()
            .to_string()
            .into_boxed_str(),
    );
    let broken: &'static ScriptMeta = Box::leak(Box::new(script_meta(ScriptParts {
        name: "Broken",
        path: "lua_scripts/broken.lua",
        sha1,
        source: SOURCE,
        returns: &ReplyShape::Any,
        returns_declared: "value",
        read_only: false,
        target: "redis-7.0",
        source_map: BROKEN_MAP,
        kind: ScriptKind::Script,
    })));
    call(broken, 0, 0)
}
