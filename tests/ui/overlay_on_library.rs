use redis_script::redis_library;

#[redis_library("library/clean.lua", returns = "int")]
pub struct Counters;

fn main() {}
