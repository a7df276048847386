//! Batches on Redis Cluster connections: one node per batch, inside `MULTI`/`EXEC`, with
//! the workarounds redis-rs's sync cluster client needs. A module of its own so it can go
//! when that client routes and reports pipelines per command.

use redis::{Cmd, ConnectionLike, Pipeline, RedisResult, Value};

use super::error::was_redirected;
use super::run::{Form, Run};
use super::{Batch, BatchError, Replies};
use crate::cluster::slot_probe;
use crate::error::ErrorKind;
use crate::invocation;
use crate::load::verify_with;

impl Batch {
    /// Sends the batch on a sync Redis Cluster connection.
    ///
    /// A batch on a cluster goes to one node, so every key in it must be in one hash
    /// slot. The keys of its script calls are checked before anything is sent
    /// ([`BatchError::CrossSlot`]); the keys of commands added with [`cmd`](Self::cmd)
    /// are not, and one in another slot makes Redis refuse the whole batch
    /// ([`BatchError::Redis`], `EXECABORT` or `CROSSSLOT`): nothing of it runs.
    ///
    /// The batch is sent inside `MULTI`/`EXEC` even when it is not a transaction, for
    /// two reasons. The cluster client re-sends a whole pipeline when one of its replies
    /// is a redirection (a failover, a resharding), which would run the commands before
    /// it twice, while Redis refuses a transaction whole when a command is redirected as
    /// it is queued. And no call can meet `NOSCRIPT` inside `EXEC`. The batch then also
    /// runs atomically, and a command Redis refuses while queueing it (an unknown command,
    /// a wrong number of arguments) fails the whole batch with `EXECABORT`.
    ///
    /// When Redis refuses the batch because its slot moved to another node, the batch
    /// (of which nothing ran) is sent once more, after a no-op call on its first script
    /// key has made the cluster client follow the redirection and learn the new owner.
    ///
    /// Two more things differ from a batch on one server, forced by redis-rs's sync
    /// cluster client:
    ///
    /// - It routes a batch by its first command, which therefore cannot be a
    ///   `SCRIPT LOAD` (that goes to every node). So the first call of each script is sent
    ///   as `EVAL <source>`, which loads the script on the node as it runs it (later calls
    ///   of the script use `EVALSHA`), and when the batch does not start with a keyed
    ///   call of a writing script, a no-op `EVAL` on the first script key goes first, so
    ///   the batch reaches that key's primary. A batch without keyed script calls is
    ///   routed by its first command: make it a keyed one.
    /// - Functions have no `EVAL` form: the libraries a batch calls functions of are
    ///   loaded on its node first (`FUNCTION LOAD` without `REPLACE`, then the code
    ///   compared), one more round trip per library and batch. A `FUNCTION FLUSH` between
    ///   that and the batch makes its function calls fail with "Function not found".
    /// - When any reply of the batch is an error (a script's error reply, a failed
    ///   command), it returns that error alone. The batch then fails with
    ///   [`BatchError::RepliesLost`]: every command ran, but the other replies are gone.
    ///   [`run_cluster_async`](Self::run_cluster_async) has no such limit.
    ///
    /// # Errors
    ///
    /// [`BatchError::CrossSlot`] and [`BatchError::RepliesLost`] as above, and the errors
    /// of [`run`](Self::run).
    ///
    /// Batches across slots need [`run_cluster_async`](Self::run_cluster_async): redis-rs's
    /// sync cluster client sends a pipeline to the node of its first command and, when a
    /// reply of it is a redirection, sends the whole pipeline again, which would run its
    /// other commands twice. (A [`transaction_per_slot`](Self::transaction_per_slot) batch
    /// works here: its transactions are sent one after another.)
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster")))]
    pub fn run_cluster(
        &self,
        con: &mut redis::cluster::ClusterConnection,
    ) -> Result<Replies, BatchError> {
        use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
        self.sendable()?;
        if self.per_slot {
            return self.run_per_slot(|batch| batch.run_cluster(con));
        }

        let node = match self.check_one_slot()? {
            Some(slot) => SingleNodeRoutingInfo::SpecificNode(Route::new(slot, SlotAddr::Master)),
            None => SingleNodeRoutingInfo::RandomPrimary,
        };
        // A transaction's scripts and libraries, and a plain batch's libraries, are
        // loaded on the batch's node first: a function has no EVAL form to load itself
        // with, and a `FUNCTION LOAD` in the batch would fail (and, with this client, hide
        // every other reply) whenever the library is already there.
        let checked = self
            .scripts
            .iter()
            .filter(|meta| self.is_transaction() || meta.is_function());
        for &meta in checked {
            // One at a time, on the batch's node: the sync cluster client reports a single
            // error for a whole pipeline, and would send a plain SCRIPT LOAD to every node.
            verify_with(meta, |cmd| {
                con.route_command(cmd, RoutingInfo::SingleNode(node.clone()))
            })
            .map_err(|error| match error.kind() {
                ErrorKind::Load(cause) if cause.is_io_error() || cause.is_connection_dropped() => {
                    BatchError::NotSent(cause.clone())
                }
                _ => BatchError::Load(error),
            })?;
        }
        let mut outcome = self.send_cluster_transaction(con);
        if let Some(probe) = self.probe_after(&outcome) {
            let _: RedisResult<Value> = con.req_command(&probe);
            outcome = self.send_cluster_transaction(con);
        }
        outcome
    }

    /// One send of [`as_cluster_transaction`](Self::as_cluster_transaction) on a sync
    /// cluster connection.
    fn send_cluster_transaction(
        &self,
        con: &mut redis::cluster::ClusterConnection,
    ) -> Result<Replies, BatchError> {
        let outcome = Run::new(self, Form::ClusterTransaction).drive(|pipeline| {
            // The replies of MULTI and of each queued command are skipped: EXEC's is kept.
            let packed = pipeline.get_packed_pipeline();
            let mut replies = con.req_packed_commands(&packed, pipeline.len() + 1, 1)?;
            Ok(match replies.pop() {
                // Without the reply of the no-op call in front, if there is one.
                Some(Value::Array(mut values)) => {
                    let routing = pipeline.len().saturating_sub(self.entries.len());
                    values.drain(..routing.min(values.len()));
                    Value::Array(values)
                }
                other => other.unwrap_or(Value::Nil),
            })
        });
        match outcome {
            // EXEC ran, and the error is one command's reply: not a refusal of the whole
            // (EXECABORT, CROSSSLOT) nor an error the client would have retried.
            Err(BatchError::Redis(error))
                if crate::error::is_server_error(&error)
                    && matches!(error.retry_method(), redis::RetryMethod::NoRetry)
                    && !matches!(error.code(), Some("EXECABORT" | "CROSSSLOT")) =>
            {
                Err(BatchError::RepliesLost(error))
            }
            outcome => outcome,
        }
    }

    /// The no-op call to send alone before sending the batch once more, when `outcome`
    /// is a refusal because the batch's slot moved: the cluster client follows the
    /// redirection of that call, and so learns the slot's new owner. `None` when the
    /// batch has no keyed script call to make it with.
    fn probe_after(&self, outcome: &Result<Replies, BatchError>) -> Option<Cmd> {
        match outcome {
            Err(BatchError::Redis(error))
                if error.code() == Some("EXECABORT") && was_redirected(error) =>
            {
                self.first_script_key().map(|key| slot_probe(key, false))
            }
            _ => None,
        }
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
    /// A plain batch (not a transaction) may span slots: it is split by node, each node's
    /// part goes as one pipeline, the parts in parallel, and the replies come back in the
    /// order written. Each call still runs exactly once: calls refused because their slot
    /// moved (`MOVED`), is migrating (`ASK`, `TRYAGAIN`) or their node lacks the script
    /// are sent again to the right node, and only those. Commands run in the order written
    /// on each node, not across nodes, and a call sent again runs after the others of its
    /// part. See the crate docs on Redis Cluster.
    ///
    /// A transaction goes to one node, so all its keys must be in one slot; as with
    /// [`run_cluster`](Self::run_cluster), one refused because its slot moved is sent once
    /// more, and one refused while its slot migrates (`ASK`, `TRYAGAIN`) is reported:
    /// nothing of it ran. [`transaction_per_slot`](Self::transaction_per_slot) makes one
    /// transaction per slot.
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
        use redis::aio::ConnectionLike as _;
        self.sendable()?;
        if self.per_slot {
            return self.run_per_slot_async(con).await;
        }
        if !self.is_transaction() {
            return self.run_spread(con).await;
        }
        self.check_one_slot()?;
        let outcome = self.run_steps_async(con).await;
        match self.probe_after(&outcome) {
            Some(probe) => {
                let _: RedisResult<Value> = con.req_packed_command(&probe).await;
                self.run_steps_async(con).await
            }
            None => outcome,
        }
    }

    /// The slot of the script calls' keys (`None` without keys); an error when they are
    /// not all in one slot.
    fn check_one_slot(&self) -> Result<Option<u16>, BatchError> {
        let calls = self.script_calls();
        crate::cluster::shared_slot(calls.iter().cloned()).map_err(BatchError::CrossSlot)
    }

    /// The batch as a transaction without `SCRIPT LOAD`s, the first call of each script
    /// sent as `EVAL <source>`, and a no-op call on the batch's first key in front when
    /// the batch would not route there by itself (see [`run_cluster`](Self::run_cluster)).
    /// Function calls are sent as they are: their libraries were checked on the node first.
    pub(super) fn as_cluster_transaction(&self) -> Pipeline {
        let mut pipeline = redis::pipe();
        pipeline.ignore_errors().atomic();
        let routes_itself = self.entries.first().is_some_and(|entry| {
            entry.num_keys > 0 && entry.script.is_some_and(|meta| !meta.read_only())
        });
        if let (false, Some(key)) = (routes_itself, self.first_script_key()) {
            pipeline.add_command(slot_probe(key, false)).ignore();
        }
        let mut seen: Vec<&str> = Vec::new();
        for (entry, words) in self.entries_with_words() {
            match entry.script {
                Some(meta) if !seen.contains(&meta.sha1()) => {
                    seen.push(meta.sha1());
                    pipeline.add_command(invocation::eval(meta, words));
                }
                _ => {
                    pipeline.add_command(invocation::command(words));
                }
            }
        }
        pipeline
    }

    /// The script calls of the batch, as their words, with their numbers of keys.
    fn script_calls(&self) -> Vec<(impl Iterator<Item = redis::Arg<&[u8]>> + Clone + '_, usize)> {
        self.entries_with_words()
            .filter(|(entry, _)| entry.script.is_some())
            .map(|(entry, words)| (words, entry.num_keys))
            .collect()
    }
}
