#![deny(deprecated)]

use redis_script::redis_script;

#[redis_script("checks/unread_argv.lua")]
pub struct Checked;

fn main() {}
