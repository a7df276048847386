use redis_script::redis_script;

#[redis_script("checks/global_assignment.lua")]
pub struct Checked;

fn main() {}
