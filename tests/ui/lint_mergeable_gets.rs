#![deny(deprecated)]

use redis_script::redis_script;

#[redis_script("lints/mergeable_gets.lua")]
pub struct Checked;

fn main() {}
