use redis_script::redis_script;

#[redis_script("vendor/get_state.lua", returns = "int | nil")]
pub struct GetState;

fn main() {}
