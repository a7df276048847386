//! What only generated code may do is out of reach: a call cannot be given one more
//! argument, nor built or described by hand.

use redis_script::{ScriptCall, ScriptMeta, redis_script};

#[redis_script("counter.lua")]
pub struct Counter;

fn main() {
    let mut call = Counter::call("visits", 1);
    call.arg("one more");
    let _: ScriptCall<i64> = ScriptCall::new(Counter::META, 1, 1);
    let _ = ScriptMeta::new("Forged", "x.lua", Counter::SHA1, "return 1");
}
