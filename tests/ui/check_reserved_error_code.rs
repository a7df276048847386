use redis_script::redis_script;

#[redis_script("checks/reserved_error_code.lua")]
pub struct Quota;

fn main() {}
