use redis_script::redis_script;

#[redis_script("checks/wrong_arity.lua")]
pub struct Checked;

fn main() {}
