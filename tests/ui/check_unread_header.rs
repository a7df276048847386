use redis_script::redis_script;

#[redis_script("checks/unread_header.lua")]
pub struct Handover;

fn main() {}
