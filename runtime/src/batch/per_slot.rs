//! Transactions per slot ([`Batch::transaction_per_slot`]): the batch is split into one
//! `MULTI`/`EXEC` transaction per hash slot, each run as a transaction of its own, and
//! the replies are put back in the order written.

use redis::{RedisError, RedisResult, Value};

use super::{Batch, BatchError, Replies};
use crate::invocation;

/// The entries of one slot (their indices in the whole batch) and their transaction.
pub(super) type SlotBatch = (Vec<usize>, Batch);

impl Batch {
    /// One transaction per slot, in order of each slot's first command; commands without
    /// keys go with the first slot's.
    pub(super) fn slot_batches(&self) -> Result<Vec<SlotBatch>, BatchError> {
        let mut groups: Vec<(Option<u16>, SlotBatch)> = Vec::new();
        let slots = self.slots()?;
        for (index, ((entry, words), slot)) in self.entries_with_words().zip(slots).enumerate() {
            let at = match slot {
                None if !groups.is_empty() => 0,
                _ => match groups
                    .iter()
                    .position(|(known, _)| known.is_some() && *known == slot)
                {
                    Some(at) => at,
                    None => {
                        let mut transaction = Batch::transaction();
                        transaction.deadline = self.deadline;
                        groups.push((slot, (Vec::new(), transaction)));
                        groups.len() - 1
                    }
                },
            };
            let (indices, batch) = &mut groups[at].1;
            indices.push(index);
            let cmd = invocation::command(words);
            match entry.script {
                Some(meta) => {
                    batch.push_call(meta, entry.num_keys, cmd);
                }
                None => {
                    batch.push(None, 0, cmd);
                }
            }
        }
        Ok(groups.into_iter().map(|(_, group)| group).collect())
    }

    /// Runs each slot's transaction with `run`, one after another.
    pub(super) fn run_per_slot(
        &self,
        mut run: impl FnMut(&Batch) -> Result<Replies, BatchError>,
    ) -> Result<Replies, BatchError> {
        let outcomes = self
            .slot_batches()?
            .into_iter()
            .map(|(indices, batch)| {
                let outcome = run(&batch);
                (indices, outcome)
            })
            .collect();
        Ok(self.merge(outcomes))
    }

    /// Runs each slot's transaction on an async cluster connection, all in parallel.
    #[cfg(feature = "cluster-async")]
    pub(super) async fn run_per_slot_async(
        &self,
        con: &mut redis::cluster_async::ClusterConnection,
    ) -> Result<Replies, BatchError> {
        use futures_util::StreamExt as _;
        let groups = self.slot_batches()?;
        let runs: Vec<_> = groups
            .iter()
            .map(|(_, batch)| {
                let mut con = con.clone();
                async move { batch.run_cluster_async(&mut con).await }
            })
            .collect();
        let outcomes: Vec<_> = futures_util::stream::iter(runs)
            .buffered(super::spread::IN_FLIGHT)
            .collect()
            .await;
        Ok(self.merge(
            groups
                .into_iter()
                .map(|(indices, _)| indices)
                .zip(outcomes)
                .collect(),
        ))
    }

    /// The replies of the whole batch from those of its slots' transactions: a transaction
    /// that failed as a whole gives its error to each of its commands, and one whose
    /// commands ran one by one (`MULTI` refused) their own replies.
    pub(super) fn merge(
        &self,
        outcomes: Vec<(Vec<usize>, Result<Replies, BatchError>)>,
    ) -> Replies {
        let mut values: Vec<RedisResult<Value>> = vec![Ok(Value::Nil); self.entries.len()];
        for (indices, outcome) in outcomes {
            match outcome {
                Ok(replies)
                | Err(BatchError::NotAtomic {
                    replies: Some(replies),
                    ..
                }) => {
                    for (index, value) in indices.into_iter().zip(replies.into_values()) {
                        values[index] = value;
                    }
                }
                Err(error) => {
                    let error = as_redis_error(&error);
                    for index in indices {
                        values[index] = Err(error.clone());
                    }
                }
            }
        }
        Replies::new(self.id, values)
    }
}

/// A batch error as the error of each of the batch's commands.
fn as_redis_error(error: &BatchError) -> RedisError {
    match error {
        BatchError::Connection(error)
        | BatchError::Redis(error)
        | BatchError::Discarded(error)
        | BatchError::NotSent(error) => error.clone(),
        BatchError::Deadline(after) => crate::deadline::error(*after),
        other => RedisError::from((
            redis::ErrorKind::Client,
            "the transaction of this command's slot failed",
            other.to_string(),
        )),
    }
}
