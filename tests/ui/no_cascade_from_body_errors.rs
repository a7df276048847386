//! A script whose header reads fine but whose body has an error fails with that error
//! alone: the typed API is still generated, so the call site below adds no second error.

use redis_script::{ScriptCall, redis_script};

#[redis_script("checks/unknown_command.lua")]
pub struct Checked;

fn main() {
    let call: ScriptCall<i64> = Checked::call("key", "value");
    let _ = call.command();
    let _ = Checked::SHA1;
}
