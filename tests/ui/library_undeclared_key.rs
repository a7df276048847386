use redis_script::redis_library;

#[redis_library("library/undeclared_key.lua")]
pub struct Checked;

fn main() {}
