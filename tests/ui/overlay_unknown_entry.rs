use redis_script::redis_script;

#[redis_script("vendor/retry_job.lua", argv(max_attempt: int))]
pub struct RetryJob;

fn main() {}
