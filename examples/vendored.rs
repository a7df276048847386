//! A job queue whose scripts are vendored: `lua_scripts/vendor/` holds them as their
//! project ships them (prose headers, `--- @include`d helpers, options packed with
//! MessagePack, replies that are a code or a job), and they stay byte-identical: an
//! upgrade replaces the files. The bindings type them anyway, through overlays in the
//! attribute: a name, a type and a description per entry, and RETURNS, including a union
//! bound to an enum (`MoveToActiveReply`).
//!
//! `cargo run --example vendored` runs it on a throwaway server (or on yours when
//! `REDIS_URL` is set). It needs the `msgpack` feature of redis-script.

use redis_script::testing;
use redis_script::{Batch, redis_script};
use serde::Serialize;

/// Adds a job to the queue.
#[redis_script(
    "vendor/addJob-3.lua",
    argv(
        key_prefix: string,
        job_name as name: string,
        data: string - "the job's data, JSON text the workers read",
        opts: msgpack - "the job's options: `priority` and `attempts`",
    ),
    returns = "int - the job's id"
)]
pub struct AddJob;

/// Takes the next job for a worker.
#[redis_script(
    "vendor/moveToActive-4.lua",
    argv(
        key_prefix: string,
        token: string - "the worker's lock token",
        msgpacked_opts as opts: msgpack - "the lock's options: `lockDuration` in milliseconds",
    ),
    returns = "code: int | job: (string, string, string, int) - a code (0: no job waits, -1: the queue is paused), or the job's id, name, data and attempts made"
)]
pub struct MoveToActive;

/// Completes a job its worker holds.
#[redis_script(
    "vendor/moveToFinished-3.lua",
    argv(
        key_prefix: string,
        job_id: string,
        token: string,
        return_value: string,
        timestamp: int - "when the job finished, in milliseconds since the epoch",
    ),
    returns = "int - 0 when done, -1 when the job does not exist, -2 when the lock is not the token's"
)]
pub struct MoveToFinished;

/// The options `addJob` unpacks.
#[derive(Serialize)]
struct JobOptions {
    priority: u32,
    attempts: u32,
}

/// The options `moveToActive` unpacks.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LockOptions {
    lock_duration: u64,
}

/// The keys of one queue, named as the vendored scripts expect them.
struct Queue {
    prefix: String,
}

impl Queue {
    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = testing::client_from_env()?;
    let mut con = client.get_connection()?;
    let queue = Queue {
        prefix: format!("demo-queue:{}:", std::process::id()),
    };
    let (wait, active, events) = (queue.key("wait"), queue.key("active"), queue.key("events"));
    let options = JobOptions {
        priority: 1,
        attempts: 3,
    };

    // Enqueue two jobs in one round trip.
    let mut batch = Batch::new();
    let first = batch.add(AddJob::call(
        &wait,
        queue.key("id"),
        &events,
        &queue.prefix,
        "welcome-mail",
        r#"{"to":"ada@example.com"}"#,
        &options,
    ));
    let second = batch.add(AddJob::call(
        &wait,
        queue.key("id"),
        &events,
        &queue.prefix,
        "invoice",
        r#"{"order":1042}"#,
        &options,
    ));
    let mut replies = batch.run(&mut con)?;
    let ids = [replies.take(first)?, replies.take(second)?];
    println!("enqueued jobs {ids:?}");
    let stored: Vec<u8> = redis::cmd("HGET")
        .arg(queue.key(&ids[0].to_string()))
        .arg("attempts")
        .query(&mut con)?;
    assert_eq!(stored, b"3", "the options arrived as a map, not an array");

    let lock = LockOptions {
        lock_duration: 30_000,
    };
    let take = || {
        MoveToActive::call(
            &wait,
            &active,
            queue.key("meta"),
            &events,
            &queue.prefix,
            "worker-1",
            &lock,
        )
    };
    // A worker completes a job with the token it took it with.
    let finish = |id: &str, token: &str| {
        MoveToFinished::call(
            &active,
            queue.key("completed"),
            &events,
            &queue.prefix,
            id,
            token,
            "sent",
            1_700_000_000_000,
        )
    };
    let mut done = 0;
    loop {
        match take().invoke(&mut con)? {
            MoveToActiveReply::Job(id, name, data, attempts) => {
                println!("took job {id} ({name}, attempt {attempts}): {data}");
                let finished = finish(&id, "worker-1").invoke(&mut con)?;
                assert_eq!(finished, 0, "the worker holds the lock");
                done += 1;
            }
            MoveToActiveReply::Code(0) => {
                println!("no job waits");
                break;
            }
            MoveToActiveReply::Code(code) => return Err(format!("queue code {code}").into()),
        }
    }
    assert_eq!(done, 2);

    // A paused queue answers with its code, read as the `Code` variant.
    redis::cmd("HSET")
        .arg(queue.key("meta"))
        .arg("paused")
        .arg(1)
        .exec(&mut con)?;
    let paused = take().invoke(&mut con)?;
    assert_eq!(paused, MoveToActiveReply::Code(-1));
    println!("paused queue: {paused:?}");

    // Another worker's token cannot complete a job: -2.
    let wrong = finish(&ids[0].to_string(), "worker-2").invoke(&mut con)?;
    println!("completing job {} without its lock: {wrong}", ids[0]);
    assert_eq!(wrong, -2);
    // A job that does not exist: -1.
    let missing = finish("404", "worker-1").invoke(&mut con)?;
    println!("completing job 404, which does not exist: {missing}");
    assert_eq!(missing, -1);
    let mut keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}*", queue.prefix))
        .query(&mut con)?;
    keys.sort();
    redis::cmd("DEL").arg(&keys).exec(&mut con)?;
    Ok(())
}
