use redis_script::redis_script;

#[redis_script("checks/script_forbidden_command.lua")]
pub struct Checked;

fn main() {}
