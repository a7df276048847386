//! Batches on Redis Cluster connections in one slot: on the sync client, inside
//! `MULTI`/`EXEC` behind a call that routes them; on the async client, transactions sent
//! to the primary of their slot. (Plain batches across slots on the async client are in
//! `spread`.)

use redis::ConnectionLike;

use super::run::{Form, Run};
use super::{Batch, BatchError, Replies};
use crate::cluster::{primary_of, slot_probe};
use crate::error::ErrorKind;
use crate::invocation;
use crate::load::verify_with;

impl Batch {
    /// Sends the batch on a sync Redis Cluster connection.
    ///
    /// A batch on a cluster goes to one node, so every key in it must be in one hash
    /// slot. The keys of its script calls are checked before anything is sent
    /// ([`BatchError::CrossSlot`]); the keys of commands added with [`cmd`](Self::cmd)
    /// are not, and one in another slot makes Redis discard the whole batch
    /// ([`BatchError::Discarded`], `CROSSSLOT`): nothing of it runs.
    ///
    /// The batch is sent inside `MULTI`/`EXEC` even when it is not a transaction, with a
    /// no-op call on its first script key in front: redis-rs's sync cluster client routes a
    /// pipeline by its first command, and sends a pipeline again whole when a reply of it
    /// is a redirection (a failover, a resharding). A plain pipeline would then run the
    /// commands before the redirected one twice; a transaction is discarded by the server
    /// when a command of it is redirected, so sending it again is safe, and the client
    /// follows `MOVED` and `ASK` by itself. The batch then also runs atomically, and a
    /// command Redis refuses while queueing it (an unknown command, a wrong number of
    /// arguments) discards the whole batch. Each script's `SCRIPT LOAD` (each library's
    /// `FUNCTION LOAD`) goes inside, before its first call, so no call meets a missing
    /// script. A batch without keyed script calls is routed by its first command: make it
    /// a keyed one.
    ///
    /// A transaction's scripts and libraries, and a plain batch's libraries, are checked on
    /// its node first, one round trip per script or library (the sync cluster client
    /// reports a single error for a whole pipeline): a script Redis cannot compile, or
    /// another version of a library, fails the batch before anything of it is sent. A
    /// `FUNCTION FLUSH` between that check and the batch makes its function calls fail
    /// with "Function not found" (they did not run).
    ///
    /// This client returns the first error reply of a pipeline alone, looking inside
    /// `EXEC`'s reply too: when a call's reply is an error, the batch fails with
    /// [`BatchError::RepliesLost`] and the other replies are gone.
    ///
    /// # Errors
    ///
    /// [`BatchError::CrossSlot`] and [`BatchError::RepliesLost`] as above,
    /// [`BatchError::NotAtomic`] without the replies when an ACL refuses `MULTI`, and the
    /// errors of [`run`](Self::run).
    ///
    /// Batches across slots need [`run_cluster_async`](Self::run_cluster_async).
    /// (A [`transaction_per_slot`](Self::transaction_per_slot) batch works here: its
    /// transactions are sent one after another.)
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster")))]
    pub fn run_cluster(
        &self,
        con: &mut redis::cluster::ClusterConnection,
    ) -> Result<Replies, BatchError> {
        use redis::cluster_routing::RoutingInfo;
        self.sendable()?;
        if self.per_slot {
            return self.run_per_slot(|batch| batch.run_cluster(con));
        }
        let node = RoutingInfo::SingleNode(primary_of(self.check_one_slot()?));
        // A transaction's scripts and libraries, and a plain batch's libraries, are checked
        // on the node first (a library's FUNCTION LOAD cannot go inside: see Form::Routed).
        let checked = self
            .scripts
            .iter()
            .filter(|meta| self.is_transaction() || meta.is_function());
        for &meta in checked {
            // One at a time, on the batch's node: the sync cluster client reports a single
            // error for a whole pipeline, and would send a plain SCRIPT LOAD to every node.
            verify_with(meta, |cmd| con.route_command(cmd, node.clone())).map_err(|error| {
                match error.kind() {
                    ErrorKind::Load(cause)
                        if cause.is_io_error() || cause.is_connection_dropped() =>
                    {
                        BatchError::NotSent(cause.clone())
                    }
                    _ => BatchError::Load(error),
                }
            })?;
        }
        let probe = self.first_script_key().map(slot_probe);
        Run::new(self, Form::Routed { probe }).drive(|pipeline| {
            con.req_packed_commands(&pipeline.get_packed_pipeline(), 0, pipeline.len())
        })
    }

    /// The first key of the batch's script calls.
    fn first_script_key(&self) -> Option<&[u8]> {
        self.entries_with_words().find_map(|(entry, words)| {
            entry.script?;
            invocation::keys(words, entry.num_keys).next()
        })
    }

    /// Sends the batch on an async Redis Cluster connection.
    ///
    /// A plain batch (not a transaction) may span slots: it is split by slot, the parts
    /// are sent in parallel (a bounded number at a time), and the replies come back in
    /// the order written. Each call still runs exactly once: see the crate docs on Redis
    /// Cluster.
    ///
    /// A transaction goes to the primary of its slot, so all its keys must be in one slot.
    /// A transaction refused because its slot moved or is migrating is discarded by the
    /// server, and the cluster client follows the redirection and sends it again;
    /// [`transaction_per_slot`](Self::transaction_per_slot) makes one transaction per
    /// slot.
    ///
    /// Bounded by the batch's [`deadline`](Self::deadline): a part without replies by then
    /// gives each of its commands [`ErrorKind::Deadline`](crate::ErrorKind::Deadline).
    ///
    /// # Errors
    ///
    /// [`BatchError::CrossSlot`] when the keys of one call (or of any call of a
    /// transaction) are in different slots, and the errors of [`run_async`](Self::run_async).
    #[cfg(feature = "cluster-async")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster-async")))]
    pub async fn run_cluster_async(
        &self,
        con: &mut redis::cluster_async::ClusterConnection,
    ) -> Result<Replies, BatchError> {
        self.sendable()?;
        if self.per_slot {
            return self.run_per_slot_async(con).await;
        }
        if !self.is_transaction() {
            return self.run_spread(con).await;
        }
        let node = primary_of(self.check_one_slot()?);
        self.run_transaction_on(con, node).await
    }

    /// Runs the batch, a transaction, on the async cluster connection `con`, every
    /// pipeline of it (the checks too) sent to `node`, bounded by its deadline. A refused
    /// `MULTI` is kept (see [`multi`](super::multi)): plain batches then go one command at a
    /// time. A transaction is still sent as one, the atomicity it asks for being the
    /// server's to refuse.
    #[cfg(feature = "cluster-async")]
    pub(super) async fn run_transaction_on(
        &self,
        con: &redis::cluster_async::ClusterConnection,
        node: redis::cluster_routing::SingleNodeRoutingInfo,
    ) -> Result<Replies, BatchError> {
        let mut routed = OnNode {
            con: con.clone(),
            node,
        };
        let outcome = self.run_steps_async(&mut routed).await;
        if let Err(BatchError::NotAtomic { refusal, .. }) = &outcome
            && let Ok(multi) = redis::ServerError::try_from(refusal.clone())
        {
            super::multi::note_refused(&multi);
        }
        outcome
    }

    /// The slot of the script calls' keys (`None` without keys); an error when they are
    /// not all in one slot.
    fn check_one_slot(&self) -> Result<Option<u16>, BatchError> {
        let calls = self.script_calls();
        crate::cluster::shared_slot(calls.iter().cloned()).map_err(BatchError::CrossSlot)
    }

    /// The script calls of the batch, as their words, with their numbers of keys.
    fn script_calls(&self) -> Vec<(impl Iterator<Item = redis::Arg<&[u8]>> + Clone + '_, usize)> {
        self.entries_with_words()
            .filter(|(entry, _)| entry.script.is_some())
            .map(|(entry, words)| (words, entry.num_keys))
            .collect()
    }
}

/// An async cluster connection that sends everything to one node: the connection a
/// transaction's run sees.
#[cfg(feature = "cluster-async")]
struct OnNode {
    con: redis::cluster_async::ClusterConnection,
    node: redis::cluster_routing::SingleNodeRoutingInfo,
}

#[cfg(feature = "cluster-async")]
impl redis::aio::ConnectionLike for OnNode {
    fn req_packed_command<'a>(
        &'a mut self,
        cmd: &'a redis::Cmd,
    ) -> redis::RedisFuture<'a, redis::Value> {
        use futures_util::FutureExt as _;
        let routing = redis::cluster_routing::RoutingInfo::SingleNode(self.node.clone());
        self.con.route_command(cmd.clone(), routing).boxed()
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
        use futures_util::FutureExt as _;
        let node = self.node.clone();
        self.con
            .route_pipeline(pipeline.clone(), offset, count, node)
            .boxed()
    }

    fn get_db(&self) -> i64 {
        0
    }
}
