#![deny(deprecated)]

use redis_script::redis_script;

#[redis_script("lints/object_sets.lua")]
pub struct Checked;

fn main() {}
