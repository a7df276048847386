//! Whether the server lets this process's connections send `MULTI`, found out before a
//! plain batch first sends several commands of one slot as a transaction on an async
//! Redis Cluster connection.
//!
//! redis-rs's async cluster client sends a pipeline again, whole, when one of its replies
//! is a redirection (`MOVED`, `ASK`, `TRYAGAIN`...). For a transaction that is safe: the
//! server discarded it, nothing ran. But when an ACL refuses `MULTI`, the commands after
//! it run one by one as they arrive, and a redirection met by one of them would make the
//! client send again the ones before it, which ran. So before the first such transaction,
//! an empty one (`MULTI`, `EXEC`) goes out once; where `MULTI` is refused, a plain batch's
//! commands are sent one at a time instead, each on its own through the client's routing
//! (a plain batch promises order, not atomicity).
//!
//! What is found holds for the process, not for one connection (a cluster connection
//! carries no state of this crate's): once any connection met a refused `MULTI`, the
//! plain batches of every async cluster connection of the process send their commands
//! one at a time (slower, as correct). A transaction the user asked for
//! ([`Batch::transaction`](super::Batch::transaction)) is always sent as one: a refused
//! `MULTI` makes it [`NotAtomic`](super::BatchError::NotAtomic), and a redirection met by
//! one of its commands then, during a resharding, can make the client run the ones
//! before it again.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::SingleNodeRoutingInfo;
use redis::{RedisError, ServerError};

use crate::transaction::{self, Outcome};

/// Not found out yet.
const UNKNOWN: u8 = 0;
/// An empty transaction ran.
const ALLOWED: u8 = 1;
/// `MULTI` was refused; [`REFUSAL`] says why.
const REFUSED: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
static REFUSAL: OnceLock<ServerError> = OnceLock::new();

/// Why the server refuses `MULTI` on `con`'s connections, or `None` when it accepts it;
/// found out with an empty transaction on `node` the first time. When the empty
/// transaction gets no clear answer (the connection failed), `None`: the transaction that
/// follows meets the same fault.
pub(super) async fn refusal(
    con: &mut ClusterConnection,
    node: SingleNodeRoutingInfo,
) -> Option<RedisError> {
    match STATE.load(Ordering::Acquire) {
        ALLOWED => return None,
        REFUSED => return REFUSAL.get().cloned().map(RedisError::from),
        _ => {}
    }
    let empty = transaction::pipeline(std::iter::empty());
    let replies = crate::deadline::bounded(con.route_pipeline(empty, 0, 2, node)).await;
    match replies.and_then(|replies| transaction::read(replies, 0)) {
        Ok(Outcome::NotAtomic { multi, .. }) => {
            note_refused(&multi);
            Some(multi.into())
        }
        Ok(Outcome::Ran(_)) => {
            // Never over a refusal another connection found meanwhile.
            let _ = STATE.compare_exchange(UNKNOWN, ALLOWED, Ordering::AcqRel, Ordering::Acquire);
            None
        }
        Ok(_) | Err(_) => None,
    }
}

/// Keeps that the server refused `MULTI` with `multi`, found by a transaction that went out.
pub(super) fn note_refused(multi: &ServerError) {
    let _ = REFUSAL.set(multi.clone());
    STATE.store(REFUSED, Ordering::Release);
}
