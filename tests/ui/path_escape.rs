use redis_script::redis_script;

#[redis_script("../Cargo.toml")]
pub struct Escape;

#[redis_script("/etc/hostname")]
pub struct Absolute;

fn main() {}
