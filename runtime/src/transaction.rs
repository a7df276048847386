//! `MULTI` ... `EXEC` written out as plain commands, every reply read.
//!
//! redis-rs's atomic pipelines read only `EXEC`'s reply and turn errors met while queueing
//! into one `EXECABORT` error. That loses what matters when something goes wrong: when the
//! server refuses `MULTI` itself (an ACL without `multi`), the "queued" commands ran at
//! once, one by one, and redis-rs still reports the transaction as aborted (and, in a debug
//! build, panics on that reply shape). So a transaction is sent here as a plain pipeline
//! `MULTI, c1 .. cn, EXEC` and its replies are read one by one: what `MULTI` answered, what
//! each command answered as it was queued, and what `EXEC` answered.
//!
//! Sent so, a transaction is also safe to send again whenever a reply of it is a cluster
//! redirection (`MOVED`, `ASK`, `TRYAGAIN`...), which is what redis-rs's cluster clients
//! do: a redirection at queueing time or at `EXEC` means the server discarded the
//! transaction, so nothing of it ran.

use redis::{Cmd, Pipeline, RedisError, ServerError, Value};

/// How a transaction of `n` commands ended, read from its `n + 2` replies.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// `EXEC` ran every command: their replies, in order.
    Ran(Vec<Value>),
    /// A `WATCH`ed key changed: nothing ran.
    WatchAborted,
    /// The server accepted `MULTI` but discarded the transaction: nothing ran.
    Refused(Refusal),
    /// The server refused `MULTI`, so each command ran at once, on its own, as a plain
    /// command (or was refused on its own): their replies, in order.
    NotAtomic {
        /// Why `MULTI` was refused.
        multi: ServerError,
        /// The commands' own replies.
        replies: Vec<Value>,
    },
}

/// Why the server discarded a transaction after accepting `MULTI`.
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    /// What `EXEC` answered: `EXECABORT`, or a redirection or refusal of its own.
    exec: ServerError,
    /// The commands refused as they were queued (their index, the error): the cause of an
    /// `EXECABORT`.
    queued: Vec<(usize, ServerError)>,
}

impl Refusal {
    /// One line that says why nothing ran: the first refusal at queueing time, else
    /// `EXEC`'s own answer.
    pub(crate) fn reason(&self) -> String {
        match self.queued.first() {
            Some((index, error)) => format!(
                "the transaction was discarded because its command #{} was refused: {}",
                index + 1,
                describe(error)
            ),
            None => format!("the transaction was discarded: {}", describe(&self.exec)),
        }
    }

    /// The refusal as one `EXECABORT` error, with [`reason`](Self::reason) as its text:
    /// an answer no script can forward, so that a call given this error is known not to
    /// have run.
    pub(crate) fn as_error(&self) -> RedisError {
        let text = format!(
            "-EXECABORT {}\r\n",
            self.reason().replace(['\r', '\n'], " ")
        );
        redis::parse_redis_value(text.as_bytes())
            .ok()
            .and_then(|value| value.extract_error().err())
            .unwrap_or_else(|| RedisError::from(self.exec.clone()))
    }

    /// Whether a cluster redirection discarded the transaction: its slot moved or is
    /// migrating.
    pub(crate) fn was_redirected(&self) -> bool {
        std::iter::once(&self.exec)
            .chain(self.queued.iter().map(|(_, error)| error))
            .any(|error| matches!(error.code(), "MOVED" | "ASK" | "TRYAGAIN" | "CLUSTERDOWN"))
    }
}

/// A short, readable account of a server error: a redirection says what it means.
fn describe(error: &ServerError) -> String {
    let detail = error.details().unwrap_or_default();
    match error.code() {
        "MOVED" => format!("its slot is now served by {} (MOVED)", target(detail)),
        "ASK" => format!(
            "its slot is migrating to {} and its keys are there now (ASK)",
            target(detail)
        ),
        "TRYAGAIN" => {
            "its slot is migrating and its keys are split between two nodes (TRYAGAIN)".to_owned()
        }
        code if detail.is_empty() => code.to_owned(),
        code => format!("{code} {detail}"),
    }
}

/// The node of a redirection's detail, `<slot> <host:port>`.
fn target(detail: &str) -> &str {
    detail.split_whitespace().nth(1).unwrap_or(detail)
}

/// `MULTI`, then `commands`, then `EXEC`, as a plain pipeline (every reply comes back).
pub(crate) fn pipeline<'a>(commands: impl IntoIterator<Item = &'a Cmd>) -> Pipeline {
    let mut pipeline = redis::pipe();
    pipeline.add_command(redis::cmd("MULTI"));
    for cmd in commands {
        pipeline.add_command(cmd.clone());
    }
    pipeline.add_command(redis::cmd("EXEC"));
    pipeline
}

/// Reads the `n + 2` replies of a transaction of `n` commands.
///
/// # Errors
///
/// When the replies do not have the shape of a transaction's (their number, or an `EXEC`
/// array of another length): the commands may or may not have run.
pub(crate) fn read(mut replies: Vec<Value>, n: usize) -> Result<Outcome, RedisError> {
    if replies.len() != n + 2 {
        return Err(shape_error(format!(
            "expected {} replies to a transaction of {n} commands, got {}",
            n + 2,
            replies.len()
        )));
    }
    let exec = replies.pop().unwrap_or(Value::Nil);
    let mut replies = replies.into_iter();
    let multi = replies.next().unwrap_or(Value::Nil);
    let queued: Vec<Value> = replies.collect();
    if let Value::ServerError(multi) = multi {
        return Ok(Outcome::NotAtomic {
            multi,
            replies: queued,
        });
    }
    let refused: Vec<(usize, ServerError)> = queued
        .into_iter()
        .enumerate()
        .filter_map(|(index, reply)| match reply {
            Value::ServerError(error) => Some((index, error)),
            _ => None,
        })
        .collect();
    match exec {
        Value::Array(values) if values.len() == n && refused.is_empty() => Ok(Outcome::Ran(values)),
        Value::Nil => Ok(Outcome::WatchAborted),
        Value::ServerError(exec) => Ok(Outcome::Refused(Refusal {
            exec,
            queued: refused,
        })),
        other => Err(shape_error(format!(
            "EXEC of a transaction of {n} commands answered {}",
            crate::reply::describe(&other)
        ))),
    }
}

fn shape_error(detail: String) -> RedisError {
    RedisError::from((
        redis::ErrorKind::UnexpectedReturnType,
        "unexpected transaction reply",
        detail,
    ))
}

/// The replies at `positions` among `values` (a batch's replies as sent, with loads and
/// other commands between the calls'), each taken out; a position past the end is nil.
pub(crate) fn replies_at(
    mut values: Vec<Value>,
    positions: &[usize],
) -> Vec<redis::RedisResult<Value>> {
    positions
        .iter()
        .map(|&position| {
            Ok(values
                .get_mut(position)
                .map(std::mem::take)
                .unwrap_or_default())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> Value {
        redis::parse_redis_value(format!("-{text}\r\n").as_bytes()).unwrap()
    }

    fn queued() -> Value {
        Value::SimpleString("QUEUED".to_owned())
    }

    #[test]
    fn a_transaction_that_ran_gives_exec_replies() {
        let replies = vec![
            Value::Okay,
            queued(),
            queued(),
            Value::Array(vec![
                Value::Int(1),
                error("WRONGTYPE Operation against a key"),
            ]),
        ];
        let Outcome::Ran(values) = read(replies, 2).unwrap() else {
            panic!("not ran")
        };
        assert_eq!(values[0], Value::Int(1));
        assert!(matches!(values[1], Value::ServerError(_)));
    }

    #[test]
    fn a_refused_multi_means_each_command_ran_on_its_own() {
        let replies = vec![
            error("NOPERM User alice has no permissions to run the 'multi' command"),
            Value::Int(3),
            Value::Int(4),
            error("ERR EXEC without MULTI"),
        ];
        let Outcome::NotAtomic { multi, replies } = read(replies, 2).unwrap() else {
            panic!("not NotAtomic")
        };
        assert_eq!(multi.code(), "NOPERM");
        assert_eq!(replies, [Value::Int(3), Value::Int(4)]);
    }

    #[test]
    fn a_redirection_while_queueing_discards_it_and_says_so_in_one_line() {
        let replies = vec![
            Value::Okay,
            queued(),
            error("ASK 3999 127.0.0.1:7002"),
            error("EXECABORT Transaction discarded because of previous errors."),
        ];
        let Outcome::Refused(refusal) = read(replies, 2).unwrap() else {
            panic!("not refused")
        };
        assert_eq!(
            refusal.reason(),
            "the transaction was discarded because its command #2 was refused: its slot is \
             migrating to 127.0.0.1:7002 and its keys are there now (ASK)"
        );
        assert!(refusal.was_redirected());
        let whole = refusal.as_error();
        assert_eq!(whole.code(), Some("EXECABORT"));
        assert!(whole.to_string().contains("command #2"), "{whole}");
        assert!(!whole.to_string().contains("Index"), "{whole}");
    }

    #[test]
    fn exec_refused_on_its_own_and_watch_aborts() {
        let replies = vec![
            Value::Okay,
            queued(),
            error("EXECABORT Transaction discarded because of: -OOM command not allowed"),
        ];
        let Outcome::Refused(refusal) = read(replies, 1).unwrap() else {
            panic!("not refused")
        };
        assert!(refusal.reason().contains("OOM"), "{}", refusal.reason());
        assert!(!refusal.was_redirected());
        let aborted = read(vec![Value::Okay, queued(), Value::Nil], 1).unwrap();
        assert!(matches!(aborted, Outcome::WatchAborted));
        assert!(read(vec![Value::Okay], 1).is_err());
    }
}
