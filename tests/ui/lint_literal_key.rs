#![deny(deprecated)]

use redis_script::redis_script;

// `key_not_from_keys` is allowed unless asked for.
#[redis_script("lints/literal_key.lua", warn = ["key_not_from_keys"])]
pub struct Checked;

fn main() {}
