#![deny(deprecated)]

use redis_script::redis_script;

#[redis_script("structured/not_decoded.lua")]
pub struct Checked;

fn main() {}
