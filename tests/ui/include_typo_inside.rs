use redis_script::redis_script;

#[redis_script("includes/typo_inside.lua")]
pub struct Included;

fn main() {}
