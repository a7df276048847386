//! The seed's atomic transfer on tokio: concurrent typed calls over one multiplexed
//! connection, and the script's "Insufficient balance" error as a typed error.
//!
//! `cargo run --example transfer_async` uses a throwaway server, or yours when `REDIS_URL`
//! is set.

use redis_script::testing;
use redis_script::{ErrorKind, redis_script};

/// Moves an amount between two balances, or fails with "Insufficient balance".
#[redis_script("transfer.lua")]
pub struct Transfer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = testing::client_from_env()?;
    let mut con = client.get_multiplexed_async_connection().await?;
    let run = std::process::id();
    let alice = format!("balance:{run}:alice");
    let bob = format!("balance:{run}:bob");
    let () = redis::cmd("MSET")
        .arg(&[&alice, "100", &bob, "50"])
        .query_async(&mut con)
        .await?;

    // Ten transfers of 10 in flight at once: the script makes each one atomic.
    let transfers = (0..10).map(|_| {
        let mut con = con.clone();
        let call = Transfer::call(&alice, &bob, 10);
        async move { call.invoke_async(&mut con).await }
    });
    let results = futures_join_all(transfers).await;
    let moved = results.iter().filter(|r| r.is_ok()).count();
    println!("{moved} transfers of 10 from alice to bob succeeded");

    match Transfer::call(&alice, &bob, 30)
        .invoke_async(&mut con)
        .await
    {
        Err(error) if matches!(error.kind(), ErrorKind::ErrorReply { .. }) => {
            println!("transfer of 30 refused: {error}");
        }
        other => println!("unexpected: {other:?}"),
    }

    let (a, b): (i64, i64) = redis::cmd("MGET")
        .arg(&[&alice, &bob])
        .query_async(&mut con)
        .await?;
    println!("alice {a}, bob {b}, total {}", a + b);
    let () = redis::cmd("DEL")
        .arg(&[&alice, &bob])
        .query_async(&mut con)
        .await?;
    Ok(())
}

/// Runs the futures concurrently on the runtime and collects their outputs in order.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.expect("transfer task panicked"));
    }
    outputs
}
