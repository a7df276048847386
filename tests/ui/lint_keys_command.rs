#![deny(deprecated)]

use redis_script::redis_script;

#[redis_script("lints/keys_command.lua")]
pub struct Checked;

fn main() {}
