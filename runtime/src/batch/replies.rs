//! The replies of a batch, and the typed slots that take them.

use std::fmt;
use std::marker::PhantomData;

use redis::{FromRedisValue, RedisError, RedisResult, Value};

use crate::call::typed_reply;
use crate::error::Error;
use crate::meta::ScriptMeta;

/// Where the reply of a script call added to a [`Batch`](super::Batch) will be.
#[must_use = "the slot is needed to take the call's reply"]
pub struct Slot<R> {
    index: usize,
    batch: u64,
    meta: &'static ScriptMeta,
    reply: PhantomData<fn() -> R>,
}

impl<R> Slot<R> {
    pub(super) fn new(batch: u64, index: usize, meta: &'static ScriptMeta) -> Self {
        Self {
            index,
            batch,
            meta,
            reply: PhantomData,
        }
    }
}

/// Where the reply of a command added to a [`Batch`](super::Batch) will be.
#[must_use = "the slot is needed to take the command's reply"]
pub struct CmdSlot<T> {
    index: usize,
    batch: u64,
    reply: PhantomData<fn() -> T>,
}

impl<T> CmdSlot<T> {
    pub(super) fn new(batch: u64, index: usize) -> Self {
        Self {
            index,
            batch,
            reply: PhantomData,
        }
    }
}

impl<R> Clone for Slot<R> {
    /// Another handle on the same reply: whichever is taken first gets it.
    fn clone(&self) -> Self {
        Self::new(self.batch, self.index, self.meta)
    }
}

impl<T> Clone for CmdSlot<T> {
    /// Another handle on the same reply: whichever is taken first gets it.
    fn clone(&self) -> Self {
        Self::new(self.batch, self.index)
    }
}

impl<R> fmt::Debug for Slot<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Slot({} #{})", self.meta.name(), self.index)
    }
}

impl<T> fmt::Debug for CmdSlot<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CmdSlot(#{})", self.index)
    }
}

/// The replies of a [`Batch`](super::Batch), in the order of its commands; each is taken with its slot.
#[derive(Debug, Clone)]
pub struct Replies {
    batch: u64,
    values: Vec<Option<RedisResult<Value>>>,
}

impl Replies {
    /// The replies of batch `batch`, one per command added, in order.
    pub(super) fn new(batch: u64, values: Vec<RedisResult<Value>>) -> Self {
        Self {
            batch,
            values: values.into_iter().map(Some).collect(),
        }
    }

    /// Takes the typed reply of `slot`: `Result<R, Error>` for a script call,
    /// `RedisResult<T>` for a command.
    pub fn take<S: TakeReply>(&mut self, slot: S) -> S::Output {
        slot.take_from(self)
    }

    /// The replies not taken yet, in order.
    pub(super) fn into_values(self) -> impl Iterator<Item = RedisResult<Value>> {
        self.values
            .into_iter()
            .map(|value| value.unwrap_or_else(|| Err(client_error("this reply was already taken"))))
    }

    /// How many replies there are (one per command added).
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the batch was empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn take_raw(&mut self, batch: u64, index: usize) -> RedisResult<Value> {
        if batch != self.batch {
            return Err(client_error("this slot belongs to another batch"));
        }
        self.values
            .get_mut(index)
            .and_then(Option::take)
            .unwrap_or_else(|| Err(client_error("this reply was already taken")))
    }
}

fn client_error(message: &'static str) -> RedisError {
    RedisError::from((redis::ErrorKind::Client, message))
}

/// A slot whose reply can be taken from [`Replies`]: [`Slot`] or [`CmdSlot`].
pub trait TakeReply {
    /// The typed reply.
    type Output;
    /// Takes this slot's reply out of `replies`.
    fn take_from(self, replies: &mut Replies) -> Self::Output;
}

impl<R: FromRedisValue> TakeReply for Slot<R> {
    type Output = Result<R, Error>;

    fn take_from(self, replies: &mut Replies) -> Self::Output {
        typed_reply(self.meta, replies.take_raw(self.batch, self.index))
    }
}

impl<T: FromRedisValue> TakeReply for CmdSlot<T> {
    type Output = RedisResult<T>;

    fn take_from(self, replies: &mut Replies) -> Self::Output {
        let value = replies.take_raw(self.batch, self.index)?.extract_error()?;
        Ok(T::from_redis_value(value)?)
    }
}
