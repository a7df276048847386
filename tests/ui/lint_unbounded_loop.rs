#![deny(deprecated)]

use redis_script::redis_script;

#[redis_script("lints/unbounded_loop.lua")]
pub struct Checked;

fn main() {}
