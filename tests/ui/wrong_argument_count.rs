use redis_script::redis_script;

#[redis_script("counter.lua")]
pub struct Counter;

fn main() {
    let _ = Counter::call("visits");
}
