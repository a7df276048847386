//! A job struct goes in as JSON and comes back as MessagePack: `lua_scripts/jobs/
//! schedule_job.lua` declares `ARGV[2] job: json` and `RETURNS: msgpack`, so the typed call
//! takes any `Serialize` value and the reply decodes into the type you pick;
//! `job_status.lua` declares `RETURNS: json`, read into `Json<T>` the same way.
//!
//! `cargo run --example jobs` runs it on a throwaway server (or on yours when `REDIS_URL`
//! is set). It needs the `json` and `msgpack` features of redis-script.

use std::collections::BTreeMap;

use redis_script::testing;
use redis_script::{Json, Msgpack, redis_script};
use serde::{Deserialize, Serialize};

/// Stores a job and returns it as stored.
#[redis_script("jobs/schedule_job.lua")]
pub struct ScheduleJob;

/// Tells a job's state and attempts, as JSON.
#[redis_script("jobs/job_status.lua")]
pub struct JobStatus;

/// Where a job stands, as `job_status.lua` tells it.
#[derive(Debug, Deserialize, PartialEq)]
struct Status {
    state: String,
    attempts: u32,
}

/// A job as the caller builds it.
#[derive(Serialize)]
struct NewJob {
    queue: String,
    payload: BTreeMap<String, String>,
    priority: Option<u8>,
}

/// A job as the script stores it.
#[derive(Debug, Deserialize)]
struct StoredJob {
    queue: String,
    payload: BTreeMap<String, String>,
    priority: Option<u8>,
    attempts: u32,
    state: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = testing::client_from_env()?;
    let mut con = client.get_connection()?;
    let jobs = format!("jobs:demo:{}", std::process::id());
    let job = NewJob {
        queue: "mail".to_owned(),
        payload: BTreeMap::from([("to".to_owned(), "ada@example.com".to_owned())]),
        priority: Some(2),
    };
    let Msgpack(stored): Msgpack<StoredJob> =
        ScheduleJob::call(&jobs, "job-1", &job).invoke(&mut con)?;
    println!("stored: {stored:#?}");
    assert_eq!((stored.attempts, stored.state.as_str()), (1, "scheduled"));
    let Msgpack(again): Msgpack<StoredJob> =
        ScheduleJob::call(&jobs, "job-1", &job).invoke(&mut con)?;
    println!(
        "scheduled again: attempts {} (the caller's job has none, so the script counts from 0 each time)",
        again.attempts
    );
    let Json(status): Json<Option<Status>> = JobStatus::call(&jobs, "job-1").invoke(&mut con)?;
    println!("status: {status:?}");
    assert_eq!(status.map(|s| s.attempts), Some(1));
    let Json(none): Json<Option<Status>> = JobStatus::call(&jobs, "job-2").invoke(&mut con)?;
    assert_eq!(none, None, "null for a job that is not there");
    let () = redis::cmd("DEL").arg(&jobs).query(&mut con)?;
    let _ = (again.queue, again.payload, again.priority);
    Ok(())
}
