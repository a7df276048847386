use redis_script::redis_script;

#[redis_script("checks/argument_shape.lua")]
pub struct Profile;

fn main() {}
