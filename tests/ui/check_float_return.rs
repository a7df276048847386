// A warning only; denied here so the test can show it.
#![deny(deprecated)]

use redis_script::redis_script;

#[redis_script("checks/float_return.lua")]
pub struct Ratio;

fn main() {}
