use redis_script::redis_script;

#[redis_script("vendor/retry_job.lua", returns = "int | bool")]
pub struct RetryJob;

fn main() {}
