use redis_script::redis_script;

#[redis_script("checks/ambiguous_call.lua")]
pub struct Checked;

fn main() {}
