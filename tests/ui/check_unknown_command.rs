use redis_script::redis_script;

#[redis_script("checks/unknown_command.lua")]
pub struct Checked;

fn main() {}
