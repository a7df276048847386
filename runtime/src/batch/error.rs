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
    /// Redis or the client rejected the batch as a whole (for example `EXECABORT`, when
    /// a transaction's command was refused as it was queued: then nothing ran).
    Redis(RedisError),
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
    /// A batch on a sync cluster connection ran, every command of it, but one of its
    /// replies was an error, and redis-rs's sync cluster client returns only that error:
    /// the other replies are lost (see [`Batch::run_cluster`](super::Batch::run_cluster)).
    RepliesLost(RedisError),
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
            Self::Redis(error) if matches!(error.code(), Some("EXECABORT" | "CROSSSLOT")) => {
                write!(
                    f,
                    "the batch was refused as a whole, so nothing of it ran: {error}"
                )?;
                if was_redirected(error) {
                    f.write_str(
                        " (its slot is served by another node now, after a failover or a \
                         resharding: the batch can be sent again)",
                    )?;
                }
                Ok(())
            }
            Self::Redis(error) => write!(f, "the batch failed: {error}"),
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
            Self::RepliesLost(error) => write!(
                f,
                "every command of the batch ran, but the sync cluster client returned only this \
                 error reply, losing the other replies: {error}"
            ),
        }
    }
}

impl std::error::Error for BatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Connection(error)
            | Self::Redis(error)
            | Self::NotSent(error)
            | Self::RepliesLost(error) => Some(error),
            Self::Load(error) | Self::Argument(error) => Some(error),
            Self::WatchAborted | Self::CrossSlot(_) | Self::Unsupported(_) => None,
        }
    }
}

/// Whether a refused transaction was refused because a key's slot moved (`MOVED`, `ASK`).
pub(super) fn was_redirected(error: &RedisError) -> bool {
    error.clone().into_server_errors().is_some_and(|errors| {
        errors.iter().any(|(_, error)| {
            matches!(
                error.kind(),
                Some(redis::ServerErrorKind::Moved | redis::ServerErrorKind::Ask)
            )
        })
    })
}
