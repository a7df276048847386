//! `json` and `msgpack` entries and replies against a real server: serde types round-trip
//! through Redis's cjson and cmsgpack (nested structs, enums, maps, optional fields,
//! unicode), with the quirks of Lua's encoders shown as they are, and failures to encode or
//! decode reported as errors that name the script and the entry.

mod support;

use std::collections::BTreeMap;

use redis_script::testing::RedisServer;
use redis_script::{Batch, BatchError, ErrorKind, Json, Msgpack};
use redis_script_examples::ScheduleJob;
use redis_script_examples::testing::{JsonEcho, MsgpackEcho};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Priority {
    Low,
    High { boost: u8 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Address {
    city: String,
    lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Job {
    name: String,
    attempts: i64,
    ratio: f64,
    tags: BTreeMap<String, u32>,
    address: Address,
    priority: Priority,
    note: Option<String>,
}

fn job() -> Job {
    Job {
        name: "Envoi 📦 à Zürich".to_owned(),
        attempts: 3,
        ratio: 0.25,
        tags: BTreeMap::from([("eu".to_owned(), 1), ("fragile".to_owned(), 2)]),
        address: Address {
            city: "東京".to_owned(),
            lines: vec!["1-2-3".to_owned(), "Chiyoda".to_owned()],
        },
        priority: Priority::High { boost: 7 },
        note: None,
    }
}

#[test]
fn nested_values_round_trip_through_cjson_and_cmsgpack() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let original = job();
    let Json(back): Json<Job> = JsonEcho::call(&original).invoke(&mut con).unwrap();
    assert_eq!(back, original);
    let Msgpack(back): Msgpack<Job> = MsgpackEcho::call(&original).invoke(&mut con).unwrap();
    assert_eq!(back, original);
    let with_note = Job {
        note: Some("¡hola!".to_owned()),
        priority: Priority::Low,
        ..original
    };
    let back: Json<Job> = JsonEcho::call(&with_note).invoke(&mut con).unwrap();
    assert_eq!(back.into_inner(), with_note);
    let back: Msgpack<Job> = MsgpackEcho::call(&with_note).invoke(&mut con).unwrap();
    assert_eq!(*back, with_note);
}

#[test]
fn a_job_goes_in_as_json_and_comes_back_as_msgpack() {
    let server = RedisServer::start();
    let mut con = server.connection();
    #[derive(Serialize)]
    struct NewJob<'a> {
        queue: &'a str,
        payload: BTreeMap<&'a str, i64>,
    }
    #[derive(Debug, Deserialize)]
    struct Stored {
        queue: String,
        payload: BTreeMap<String, i64>,
        attempts: i64,
        state: String,
    }
    let job = NewJob {
        queue: "mail",
        payload: BTreeMap::from([("user", 42)]),
    };
    let Msgpack(stored): Msgpack<Stored> = ScheduleJob::call("jobs", "j1", &job)
        .invoke(&mut con)
        .unwrap();
    assert_eq!(stored.queue, "mail");
    assert_eq!(stored.payload["user"], 42);
    assert_eq!((stored.attempts, stored.state.as_str()), (1, "scheduled"));
    let raw: Vec<u8> = redis::cmd("HGET")
        .arg("jobs")
        .arg("j1")
        .query(&mut con)
        .unwrap();
    let from_hash: Stored = rmp_serde::from_slice(&raw).unwrap();
    assert_eq!(from_hash.state, "scheduled");
}

/// Lua has one table type: an empty array comes back from cjson as an empty object, which
/// a `Vec` cannot decode from; through cmsgpack an empty map comes back as an empty array.
#[test]
fn lua_turns_empty_arrays_into_objects() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let empty = Address {
        city: "Oslo".to_owned(),
        lines: Vec::new(),
    };
    let error = JsonEcho::call::<Address>(&empty)
        .invoke(&mut con)
        .unwrap_err();
    let ErrorKind::Reply { detail, .. } = error.kind() else {
        panic!("expected a reply error, got {error:?}");
    };
    let detail = detail.as_deref().unwrap_or_default();
    assert!(
        detail.contains("invalid type: map, expected a sequence"),
        "{detail}"
    );
    assert!(detail.contains(r#"it starts with "{\"#), "{detail}");
    let shown = error.to_string();
    assert!(
        shown.starts_with(
            "script JsonEcho (lua_scripts/testing/json_echo.lua) returned a reply that does \
             not decode as JSON into the type asked for: invalid type: map, expected a sequence"
        ),
        "one plain sentence: {shown}"
    );
    assert!(!shown.contains("Incompatible type"), "{shown}");
    // The raw text shows it.
    let raw: Json<serde_json::Value> = JsonEcho::call(&empty).invoke(&mut con).unwrap();
    assert_eq!(raw.0["lines"], serde_json::json!({}));
    // cmsgpack keeps the empty array, and turns an empty map into one.
    let back: Msgpack<Address> = MsgpackEcho::call(&empty).invoke(&mut con).unwrap();
    assert_eq!(back.0, empty);
    let no_tags: BTreeMap<String, u32> = BTreeMap::new();
    let raw: Msgpack<serde_json::Value> = MsgpackEcho::call(&no_tags).invoke(&mut con).unwrap();
    assert_eq!(raw.0, serde_json::json!([]));
    // So it no longer decodes into a map; the bytes are shown in hexadecimal.
    let error = MsgpackEcho::call::<BTreeMap<String, u32>>(&no_tags)
        .invoke(&mut con)
        .unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains(
            "returned a reply that does not decode as MessagePack into the type asked for"
        ),
        "{shown}"
    );
    assert!(shown.ends_with("it starts with 90 (1 byte)"), "{shown}");
}

/// Lua numbers are doubles: cjson writes integers beyond 10^14 in exponent notation with
/// 14 digits, and cmsgpack rounds those beyond 2^53.
#[test]
fn large_integers_lose_precision_in_lua() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let big: i64 = (1 << 53) + 1;
    let through_json = JsonEcho::call::<i64>(&big).invoke(&mut con).unwrap_err();
    assert!(
        matches!(through_json.kind(), ErrorKind::Reply { .. }),
        "{through_json}"
    );
    let as_float: Json<f64> = JsonEcho::call(&big).invoke(&mut con).unwrap();
    assert_eq!(as_float.0, 9.007199254741e15);
    let Msgpack(through_msgpack): Msgpack<i64> = MsgpackEcho::call(&big).invoke(&mut con).unwrap();
    assert_eq!(through_msgpack, 1 << 53, "rounded to the nearest double");
    // Up to 10^14 (JSON) and 2^53 (MessagePack), integers are exact.
    let fine: i64 = 99_999_999_999_999;
    assert_eq!(
        JsonEcho::call::<i64>(&fine).invoke(&mut con).unwrap().0,
        fine
    );
    let exact: i64 = 1 << 53;
    assert_eq!(
        MsgpackEcho::call::<i64>(&exact).invoke(&mut con).unwrap().0,
        exact
    );
}

/// A map with keys JSON cannot have: the call fails before anything is sent.
#[test]
fn a_value_that_does_not_encode_is_never_sent() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let bad: BTreeMap<Vec<u8>, u8> = BTreeMap::from([(vec![1, 2], 3)]);
    let error = JsonEcho::call::<serde_json::Value>(&bad)
        .invoke(&mut con)
        .unwrap_err();
    let ErrorKind::Argument { entry, detail } = error.kind() else {
        panic!("expected an argument error, got {error:?}");
    };
    assert_eq!(*entry, "ARGV[1] (`value`)");
    assert!(detail.contains("key must be a string"), "{detail}");
    assert!(!error.may_have_run());
    assert!(error.to_string().contains("was not sent"), "{error}");
    assert!(
        !server.has_script(JsonEcho::META.sent_sha1()),
        "nothing reached the server"
    );

    let mut batch = Batch::new();
    let _ = batch.add(JsonEcho::call::<i64>(&1));
    let _ = batch.add(JsonEcho::call::<i64>(&bad));
    match batch.run(&mut con) {
        Err(BatchError::Argument(error)) => {
            assert!(matches!(error.kind(), ErrorKind::Argument { .. }))
        }
        other => panic!("expected an argument error, got {other:?}"),
    }
    assert!(
        !server.has_script(JsonEcho::META.sent_sha1()),
        "nothing of the batch was sent"
    );
}

#[tokio::test]
async fn encoded_calls_work_async_and_in_batches() {
    let server = RedisServer::start();
    let mut con = server.async_connection().await;
    let original = job();
    let back: Json<Job> = JsonEcho::call(&original)
        .invoke_async(&mut con)
        .await
        .unwrap();
    assert_eq!(back.0, original);
    let mut batch = Batch::new();
    let json = batch.add(JsonEcho::call::<Job>(&original));
    let msgpack = batch.add(MsgpackEcho::call::<Job>(&original));
    let mut replies = batch.run_async(&mut con).await.unwrap();
    assert_eq!(replies.take(json).unwrap().0, original);
    assert_eq!(replies.take(msgpack).unwrap().0, original);
}
