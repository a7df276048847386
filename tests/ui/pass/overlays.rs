//! Overlays type a vendored header's entries and RETURNS; a union reply is an enum.

use redis_script::redis_script;
use serde::Serialize;

#[redis_script(
    "vendor/retry_job.lua",
    keys(1 as wait: key, job_hash as job: key),
    argv(
        job_id as id: string - "the job's id",
        2 as max_attempts: int,
        msgpacked_backoff_opts as backoff: msgpack - "how long to wait before the retry",
    ),
    returns = "int - 0 when the job waits again, -1 when it has no attempts left"
)]
pub struct RetryJob;

#[redis_script("vendor/get_state.lua", returns = "missing: int | state: string")]
pub struct GetState;

#[derive(Serialize)]
struct Backoff {
    delay: u64,
}

fn describe(reply: GetStateReply) -> String {
    match reply {
        GetStateReply::Missing(code) => format!("missing ({code})"),
        GetStateReply::State(state) => state,
    }
}

fn main() {
    let _: redis_script::ScriptCall<i64> =
        RetryJob::call("wait", "job:1", "1", 3, &Backoff { delay: 500 });
    let _: redis_script::ScriptCall<GetStateReply> = GetState::call("job:1", "waiting");
    assert_eq!(describe(GetStateReply::Missing(0)), "missing (0)");
}
