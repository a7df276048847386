//! Why a batch as a whole failed.

use std::fmt;

use redis::RedisError;

use crate::cluster::KeySlot;
use crate::error::Error;

/// Why a [`Batch`](super::Batch) as a whole failed (a failure of one command is in its own reply).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum BatchError {
    /// The connection failed while the batch was sent or its replies awaited: any of its
    /// commands may or may not have run. This crate retries nothing (a cluster client may
    /// re-send a request itself: see the crate docs on Redis Cluster).
    Connection(RedisError),
    /// Redis or the client rejected the batch as a whole, or its replies did not have the
    /// expected shape (the commands may have run).
    Redis(RedisError),
    /// The server discarded the transaction: a command of it was refused as it was queued
    /// (a wrong number of arguments, `OOM`, a cluster redirection that could not be
    /// followed...) or `EXEC` itself was refused. Nothing of it ran. The error says why in
    /// one line.
    Discarded(RedisError),
    /// The server refused `MULTI` (an ACL without `multi`), so the commands of the
    /// transaction ran one by one as plain commands, each once or refused on its own: not
    /// as one transaction. `replies` holds each command's own reply, when the connection
    /// returned them (redis-rs's sync cluster client returns only the first error).
    NotAtomic {
        /// Why `MULTI` was refused.
        refusal: RedisError,
        /// The commands' own replies, taken with their slots as usual.
        replies: Option<super::Replies>,
    },
    /// A batch on a sync cluster connection (sent as a transaction) met an error reply, and
    /// redis-rs's sync cluster client returns the first error of a pipeline alone, the
    /// errors inside `EXEC`'s reply too: the other replies are lost. When the error is a
    /// command's own (a script's error reply, `WRONGTYPE`...), everything ran; when it is
    /// one Redis can also answer while queueing a command (`OOM`, `READONLY`...), nothing
    /// may have: the batch may or may not have run. [`Batch::run_cluster_async`](super::Batch::run_cluster_async)
    /// has no such limit.
    RepliesLost(RedisError),
    /// No reply came within the batch's deadline ([`Batch::deadline`](super::Batch::deadline)):
    /// any of its commands may or may not have run, and none is sent again.
    Deadline(std::time::Duration),
    /// A transaction did not run because a `WATCH`ed key changed; nothing was applied.
    WatchAborted,
    /// A script of a transaction could not be loaded (for example Redis cannot compile
    /// it); nothing was sent.
    Load(Error),
    /// The connection failed while a transaction's scripts were being loaded, before the
    /// transaction was sent: nothing of it ran.
    NotSent(RedisError),
    /// The keys of the script calls of a batch for a cluster connection are in different
    /// hash slots where one node must run them (a transaction, a batch on the sync cluster
    /// client, or a single call whose own keys differ in slot): nothing was sent. Every
    /// key is listed with its slot; a common hash tag fixes it.
    CrossSlot(Vec<KeySlot>),
    /// The connection cannot run a batch (it does not pipeline); nothing was sent.
    Unsupported(&'static str),
    /// An argument of a call could not be encoded (`json`, `msgpack`): nothing was sent.
    Argument(Error),
}

impl BatchError {
    pub(super) fn from_redis(error: RedisError) -> Self {
        if error.is_io_error() || error.is_connection_dropped() || error.is_timeout() {
            Self::Connection(error)
        } else {
            Self::Redis(error)
        }
    }
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connection(error) => write!(
                f,
                "the connection failed during the batch, so its commands may or may not have run: {error}"
            ),
            Self::Redis(error) if error.code() == Some("CROSSSLOT") => write!(
                f,
                "the batch was refused as a whole, so nothing of it ran: {error}"
            ),
            Self::Redis(error) => write!(f, "the batch failed: {error}"),
            Self::Discarded(error) => write!(f, "nothing of the batch ran: {}", reason(error)),
            Self::NotAtomic { refusal, replies } => write!(
                f,
                "the server refused MULTI ({}), so the commands ran one by one, not as one \
                 transaction{}",
                reason(refusal),
                match replies {
                    Some(_) => ": each command's own reply is in this error",
                    None =>
                        "; the sync cluster client returned only this error, so their replies are lost",
                }
            ),
            Self::RepliesLost(error) => write!(
                f,
                "the sync cluster client returned only this error of the batch, so the other \
                 replies are lost, and the batch may or may not have run (a command's own error \
                 means everything ran): {}",
                reason(error)
            ),
            Self::Deadline(after) => write!(
                f,
                "no reply to the batch within its deadline of {after:?}: any of its commands may \
                 or may not have run, and none is sent again"
            ),
            Self::WatchAborted => {
                f.write_str("the transaction did not run because a watched key changed")
            }
            Self::Load(error) => write!(f, "the transaction was not sent: {error}"),
            Self::NotSent(error) => write!(
                f,
                "the connection failed before the transaction was sent, so nothing of it ran: {error}"
            ),
            Self::CrossSlot(keys) => {
                f.write_str(
                    "the batch was not sent: on a cluster a batch goes to one node, and these \
                     keys of its script calls are in different hash slots:",
                )?;
                for key in keys {
                    write!(f, "\n  {key}")?;
                }
                f.write_str(
                    "\n  = help: give the keys a common hash tag (`{user1}:a` and `{user1}:b` \
                     are in one slot); a plain batch across slots runs with \
                     Batch::run_cluster_async, which splits it by node, and \
                     Batch::transaction_per_slot makes one transaction per slot",
                )
            }
            Self::Unsupported(what) => write!(f, "the batch was not sent: unsupported: {what}"),
            Self::Argument(error) => write!(f, "the batch was not sent: {error}"),
        }
    }
}

impl std::error::Error for BatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Connection(error)
            | Self::Redis(error)
            | Self::Discarded(error)
            | Self::NotAtomic { refusal: error, .. }
            | Self::NotSent(error)
            | Self::RepliesLost(error) => Some(error),
            Self::Load(error) | Self::Argument(error) => Some(error),
            Self::WatchAborted | Self::CrossSlot(_) | Self::Unsupported(_) | Self::Deadline(_) => {
                None
            }
        }
    }
}

/// The text of a server's error without redis-rs's decorations: `CODE detail`.
fn reason(error: &RedisError) -> String {
    match (error.code(), error.detail()) {
        (Some(code), Some(detail)) => format!("{code} {detail}"),
        _ => error.to_string(),
    }
}
