//! A script using local functions, closures, aliases, shadowing and varargs binds cleanly,
//! and a target-version option admits what that version adds.

use redis_script::redis_script;

#[redis_script("checks/clean.lua")]
pub struct Clean;

#[redis_script("checks/os_clock.lua", target = "7.4")]
pub struct Timed;

fn main() {
    let _ = Clean::call("k1", &["k2", "k3"], "p:");
    let _ = Timed::call();
    assert_eq!(Clean::PATH, "lua_scripts/checks/clean.lua");
}
