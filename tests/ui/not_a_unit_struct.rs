use redis_script::redis_script;

#[redis_script("counter.lua")]
pub struct Counter {
    field: u32,
}

fn main() {}
