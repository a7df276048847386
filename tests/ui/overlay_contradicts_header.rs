use redis_script::redis_script;

#[redis_script("vendor/get_state.lua", argv(known: int))]
pub struct GetState;

fn main() {}
