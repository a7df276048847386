use redis_script::redis_script;

#[redis_script("vendor/retry_job.lua", argv(2: int, max_attempts as limit: int))]
pub struct RetryJob;

fn main() {}
