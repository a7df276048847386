#![deny(deprecated)]

use redis_script::redis_script;

#[redis_script("vendor/get_state.lua", argv(known: string))]
pub struct GetState;

fn main() {}
