use redis_script::redis_script;

#[redis_script("vendor/retry_job.lua", argv(msgpacked_backoff_opts as backoff: json))]
pub struct RetryJob;

fn main() {}
