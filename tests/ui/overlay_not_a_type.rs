use redis_script::redis_script;

#[redis_script("vendor/retry_job.lua", argv(3 as backoff: msgpak))]
pub struct RetryJob;

fn main() {}
