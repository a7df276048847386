use redis_script::redis_script;

#[redis_script("checks/undeclared_key.lua")]
pub struct Checked;

fn main() {}
