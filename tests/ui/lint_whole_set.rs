#![deny(deprecated)]

use redis_script::redis_script;

#[redis_script("lints/whole_set.lua")]
pub struct Checked;

fn main() {}
