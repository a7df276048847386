//! Union replies (`RETURNS: item: (string, int) | code: int | nil`) on real servers: each
//! reply is read as the variant of the first alternative it fits, on sync and async
//! connections, in batches and transactions, and from a Redis Functions library; a reply
//! that fits none is `ErrorKind::Reply` naming the alternatives, and the script ran once.

use redis::ConnectionLike;
use redis_script::testing::RedisServer;
use redis_script::{Batch, ErrorKind};
use redis_script_examples::testing::{TakeNext, TakeNextReply, Unions, UnionsNextItemReply};

/// Pushes `items` onto the right of `list`.
fn push(con: &mut dyn ConnectionLike, list: &str, items: &[&str]) {
    let _: i64 = redis::cmd("RPUSH").arg(list).arg(items).query(con).unwrap();
}

#[test]
fn each_reply_is_the_variant_of_the_alternative_it_fits() {
    let server = RedisServer::start();
    let mut con = server.connection();
    push(&mut con, "jobs", &["a", "b"]);
    let take = TakeNext::call("jobs", "take", 0);
    assert_eq!(
        take.invoke(&mut con).unwrap(),
        TakeNextReply::Item("a".to_owned(), 1)
    );
    assert_eq!(
        take.invoke(&mut con).unwrap(),
        TakeNextReply::Item("b".to_owned(), 0)
    );
    assert_eq!(take.invoke(&mut con).unwrap(), TakeNextReply::Nil);
    assert_eq!(
        TakeNext::call("jobs", "code", -2).invoke(&mut con).unwrap(),
        TakeNextReply::Code(-2)
    );
}

#[test]
fn a_reply_that_fits_no_alternative_names_them_all() {
    let server = RedisServer::start();
    let mut con = server.connection();
    push(&mut con, "jobs", &["a"]);
    let error = TakeNext::call("jobs", "raw", 0)
        .invoke(&mut con)
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Reply { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains(
            "returned \"a\", which does not match RETURNS: item: (string, int) | code: int | nil"
        ),
        "{message}"
    );
    assert!(
        message.contains("lua_scripts/testing/take_next.lua"),
        "{message}"
    );
    // The script read the list and left it as it was: it ran, once.
    let left: Vec<String> = redis::cmd("LRANGE")
        .arg("jobs")
        .arg(0)
        .arg(-1)
        .query(&mut con)
        .unwrap();
    assert_eq!(left, ["a"]);
    assert!(error.may_have_run(), "the reply came back: the script ran");
}

#[tokio::test]
async fn async_calls_read_the_same_variants() {
    let server = RedisServer::start();
    let mut con = server.async_connection().await;
    let _: i64 = redis::cmd("RPUSH")
        .arg("jobs")
        .arg("a")
        .query_async(&mut con)
        .await
        .unwrap();
    let take = TakeNext::call("jobs", "take", 0);
    assert_eq!(
        take.invoke_async(&mut con).await.unwrap(),
        TakeNextReply::Item("a".to_owned(), 0)
    );
    assert_eq!(
        take.invoke_async(&mut con).await.unwrap(),
        TakeNextReply::Nil
    );
    assert_eq!(
        TakeNext::call("jobs", "code", 7)
            .invoke_async(&mut con)
            .await
            .unwrap(),
        TakeNextReply::Code(7)
    );
}

#[test]
fn batches_and_transactions_read_each_reply_as_its_variant() {
    let server = RedisServer::start();
    let mut con = server.connection();
    push(&mut con, "jobs", &["a"]);
    for mut batch in [Batch::new(), Batch::transaction()] {
        let first = batch.add(TakeNext::call("jobs", "take", 0));
        let second = batch.add(TakeNext::call("jobs", "take", 0));
        let code = batch.add(TakeNext::call("jobs", "code", 3));
        let mut replies = batch.run(&mut con).unwrap();
        let first = replies.take(first).unwrap();
        if batch.is_transaction() {
            // The plain batch, run first, took the only item.
            assert_eq!(first, TakeNextReply::Nil);
        } else {
            assert_eq!(first, TakeNextReply::Item("a".to_owned(), 0));
        }
        assert_eq!(replies.take(second).unwrap(), TakeNextReply::Nil);
        assert_eq!(replies.take(code).unwrap(), TakeNextReply::Code(3));
    }
}

#[test]
fn a_bad_reply_in_a_batch_fails_its_own_slot_only() {
    let server = RedisServer::start();
    let mut con = server.connection();
    push(&mut con, "jobs", &["a", "b"]);
    let mut batch = Batch::new();
    let raw = batch.add(TakeNext::call("jobs", "raw", 0));
    let take = batch.add(TakeNext::call("jobs", "take", 0));
    let mut replies = batch.run(&mut con).unwrap();
    let error = replies.take(raw).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Reply { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("item: (string, int) | code: int | nil")
    );
    assert_eq!(
        replies.take(take).unwrap(),
        TakeNextReply::Item("a".to_owned(), 1)
    );
}

#[test]
fn a_library_function_replies_with_a_union() {
    let server = RedisServer::start();
    let mut con = server.connection();
    push(&mut con, "queue", &["x"]);
    let next = Unions::next_item("queue");
    assert_eq!(
        next.invoke(&mut con).unwrap(),
        UnionsNextItemReply::Item("x".to_owned(), 0)
    );
    // The list is gone: PTTL answers -2.
    assert_eq!(next.invoke(&mut con).unwrap(), UnionsNextItemReply::Ttl(-2));

    push(&mut con, "queue", &["y"]);
    let mut batch = Batch::transaction();
    let first = batch.add(Unions::next_item("queue"));
    let second = batch.add(Unions::next_item("queue"));
    let mut replies = batch.run(&mut con).unwrap();
    assert_eq!(
        replies.take(first).unwrap(),
        UnionsNextItemReply::Item("y".to_owned(), 0)
    );
    assert_eq!(replies.take(second).unwrap(), UnionsNextItemReply::Ttl(-2));
}

#[test]
fn a_value_converted_by_hand_names_the_alternatives_it_misses() {
    let value = redis::Value::BulkString(b"stray".to_vec());
    let error = redis::from_redis_value::<TakeNextReply>(value).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Incompatible type - \"stray\" fits none of the alternatives `item: (string, int) | code: int | nil`"
    );
    let nil = redis::from_redis_value::<TakeNextReply>(redis::Value::Nil).unwrap();
    assert_eq!(nil, TakeNextReply::Nil);
}
