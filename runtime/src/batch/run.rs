//! One run of a batch as a state machine without I/O: check a transaction's scripts, send
//! the batch, send again the calls that met `NOSCRIPT`. Sync and async runs drive the same
//! steps, and the tests below drive it with scripted replies.
//!
//! Every pipeline is sent plain and every reply of it is read, the `SCRIPT LOAD`s' too; a
//! transaction is written out as `MULTI`, its commands, `EXEC` (see [`transaction`]).

use std::borrow::Cow;

#[cfg(feature = "cluster")]
use redis::Cmd;
use redis::{Pipeline, RedisError, RedisResult, Value};

use super::{Batch, BatchError, Replies};
use crate::invocation;
use crate::load::{check_all_loaded, is_missing, load_command, load_pipeline};
use crate::meta::ScriptMeta;
use crate::transaction::{self, Outcome};

/// What to do next while running a batch.
pub(super) enum Step<'a> {
    /// Send this pipeline and [`resume`](Run::resume) with all its replies, in order.
    Send(Cow<'a, Pipeline>),
    /// The run is over.
    Done(Result<Replies, BatchError>),
}

/// How a run sends the batch.
#[derive(Debug, Clone)]
pub(super) enum Form {
    /// As it is: a plain pipeline, or a transaction (`MULTI` ... `EXEC`, its scripts and
    /// libraries checked first).
    Direct,
    /// Inside `MULTI` ... `EXEC` whatever the batch, `probe` first in it, a no-op call that
    /// routes the pipeline (redis-rs's sync cluster client routes a pipeline by its first
    /// command after `MULTI`, and sends it again whole on a redirection, which is safe for
    /// a transaction only: a redirected transaction is discarded). Without the libraries'
    /// `FUNCTION LOAD`s, which the sender makes first: inside, one that finds its library
    /// there would answer an error, and that client returns the first error of a pipeline
    /// alone.
    #[cfg(feature = "cluster")]
    Routed {
        /// The call in front, when the batch has a key to route by.
        probe: Option<Cmd>,
    },
}

/// The state of one run of a batch.
pub(super) struct Run<'a> {
    batch: &'a Batch,
    form: Form,
    /// The scripts and libraries a transaction checks before it is sent, until their
    /// replies came.
    checking: Vec<&'static ScriptMeta>,
    /// The replies, once the batch was sent.
    replies: Vec<RedisResult<Value>>,
    /// The entries sent again because they met `NOSCRIPT`, in this round, and the
    /// position of each in the pipeline of the round.
    resent: Vec<(usize, usize)>,
    /// Which round this is.
    round: Round,
    /// Where each entry's reply is among the replies of the batch as sent (in `EXEC`'s
    /// for a transaction).
    positions: Vec<usize>,
}

/// The rounds of a plain batch whose calls meet `NOSCRIPT` (another client flushed the
/// script cache while it ran): those calls did not run, and are sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Round {
    /// The batch itself.
    First,
    /// The calls that met `NOSCRIPT`, after a `SCRIPT LOAD` of their scripts in the same
    /// pipeline: loaded so, the scripts stay in the set Redis never evicts (since 7.4 it
    /// evicts scripts cached by `EVAL`).
    LoadAgain,
    /// The calls that met `NOSCRIPT` once more (a flush between the `SCRIPT LOAD` and
    /// them), as `EVAL <source>`, which cannot meet it: the last round.
    Eval,
}

impl<'a> Run<'a> {
    pub(super) fn new(batch: &'a Batch, form: Form) -> Self {
        // A routed batch is checked by its sender, on its node.
        let checking = match form {
            Form::Direct if batch.is_transaction() => batch.scripts.clone(),
            _ => Vec::new(),
        };
        let positions = match &form {
            Form::Direct => batch.entries.iter().map(|entry| entry.position).collect(),
            #[cfg(feature = "cluster")]
            Form::Routed { probe } => {
                let kept = routed_commands(batch, probe.as_ref());
                batch
                    .entries
                    .iter()
                    .map(|entry| {
                        kept.iter()
                            .position(|&(at, _)| at == Some(entry.position))
                            .unwrap_or(usize::MAX)
                    })
                    .collect()
            }
        };
        Self {
            batch,
            form,
            checking,
            replies: Vec::new(),
            resent: Vec::new(),
            round: Round::First,
            positions,
        }
    }

    /// The first step.
    pub(super) fn start(&mut self) -> Step<'a> {
        if self.batch.is_empty() {
            return self.done();
        }
        if self.checking.is_empty() {
            return Step::Send(self.main_pipeline());
        }
        Step::Send(Cow::Owned(load_pipeline(&self.checking)))
    }

    /// Runs every step, sending each pipeline with `send`, which returns every reply.
    pub(super) fn drive(
        mut self,
        mut send: impl FnMut(&Pipeline) -> RedisResult<Vec<Value>>,
    ) -> Result<Replies, BatchError> {
        let mut step = self.start();
        loop {
            match step {
                Step::Send(pipeline) => step = self.resume(send(&pipeline)),
                Step::Done(outcome) => return outcome,
            }
        }
    }

    /// The next step, given every reply to the pipeline of the last one.
    pub(super) fn resume(&mut self, replies: RedisResult<Vec<Value>>) -> Step<'a> {
        if !self.checking.is_empty() {
            return self.after_check(replies);
        }
        if self.round == Round::First && self.sends_transaction() {
            return self.after_transaction(replies);
        }
        let values = match replies {
            Ok(values) => values,
            Err(error) => return self.failed(error.clone(), |_| BatchError::from_redis(error)),
        };
        let expected = self.expected_replies();
        if values.len() != expected {
            let detail = format!("expected {expected} replies, got {}", values.len());
            let error = RedisError::from((
                redis::ErrorKind::UnexpectedReturnType,
                "unexpected batch reply",
                detail,
            ));
            return self.failed(error, BatchError::Redis);
        }
        if self.round == Round::First {
            self.replies = self.pick(values);
        } else {
            let mut values = values;
            for &(index, position) in &self.resent {
                self.replies[index] = Ok(std::mem::take(&mut values[position]));
            }
        }
        self.resend_noscript()
    }

    /// Whether the batch itself goes inside `MULTI` ... `EXEC` in this run.
    fn sends_transaction(&self) -> bool {
        match self.form {
            Form::Direct => self.batch.is_transaction(),
            #[cfg(feature = "cluster")]
            Form::Routed { .. } => true,
        }
    }

    /// How many replies the pipeline of this round has.
    fn expected_replies(&self) -> usize {
        match self.round {
            Round::First => self.batch.pipeline.len(),
            Round::LoadAgain | Round::Eval => {
                self.resent.last().map_or(0, |&(_, position)| position + 1)
            }
        }
    }

    /// The reply of each entry among `values`, the replies of the batch as sent.
    fn pick(&self, values: Vec<Value>) -> Vec<RedisResult<Value>> {
        transaction::replies_at(values, &self.positions)
    }

    /// The replies of the batch sent as a transaction: `EXEC`'s replies are the batch's.
    fn after_transaction(&mut self, replies: RedisResult<Vec<Value>>) -> Step<'a> {
        let values = match replies {
            Ok(values) => values,
            Err(error) => return Step::Done(Err(transaction_error(error))),
        };
        let count = values.len().saturating_sub(2);
        let outcome = match transaction::read(values, count) {
            Ok(outcome) => outcome,
            Err(error) => return Step::Done(Err(BatchError::Redis(error))),
        };
        match outcome {
            Outcome::Ran(values) => {
                self.replies = self.pick(values);
                self.done()
            }
            Outcome::WatchAborted => Step::Done(Err(BatchError::WatchAborted)),
            Outcome::Refused(refusal) => Step::Done(Err(BatchError::Discarded(refusal.as_error()))),
            Outcome::NotAtomic { multi, replies } => {
                let replies = Replies::new(self.batch.id, self.pick(replies));
                Step::Done(Err(BatchError::NotAtomic {
                    refusal: RedisError::from(multi),
                    replies: Some(replies),
                }))
            }
        }
    }

    /// A round that got no usable replies: the whole batch fails on its first round; on a
    /// re-send round the earlier replies stand and the re-sent calls get the error.
    fn failed(
        &mut self,
        error: RedisError,
        whole: impl FnOnce(RedisError) -> BatchError,
    ) -> Step<'a> {
        if self.round == Round::First {
            return Step::Done(Err(whole(error)));
        }
        for &(index, _) in &self.resent {
            self.replies[index] = Err(error.clone());
        }
        self.done()
    }

    /// After the `SCRIPT LOAD`s (and library checks) that precede a transaction: stop on a
    /// script that does not load, else send the transaction.
    fn after_check(&mut self, replies: RedisResult<Vec<Value>>) -> Step<'a> {
        let checking = std::mem::take(&mut self.checking);
        if let Err(error) = &replies
            && (error.is_io_error() || error.is_connection_dropped() || error.is_timeout())
        {
            // Nothing of the transaction was sent.
            return Step::Done(Err(BatchError::NotSent(error.clone())));
        }
        match check_all_loaded(&checking, replies.map(Value::Array)) {
            Ok(()) => Step::Send(self.main_pipeline()),
            Err(error) => Step::Done(Err(BatchError::Load(error))),
        }
    }

    /// The batch's commands in the form this run sends.
    fn main_pipeline(&self) -> Cow<'a, Pipeline> {
        match &self.form {
            Form::Direct if self.batch.is_transaction() => {
                Cow::Owned(transaction::pipeline(self.batch.pipeline.cmd_iter()))
            }
            Form::Direct => Cow::Borrowed(&self.batch.pipeline),
            #[cfg(feature = "cluster")]
            Form::Routed { probe } => {
                let kept = routed_commands(self.batch, probe.as_ref());
                Cow::Owned(transaction::pipeline(kept.into_iter().map(|(_, cmd)| cmd)))
            }
        }
    }

    /// Sends again, in a plain batch, the script calls that met `NOSCRIPT` (they did not
    /// run): after a `SCRIPT LOAD`, then, for those that meet it once more, as `EVAL`.
    fn resend_noscript(&mut self) -> Step<'a> {
        // Inside MULTI/EXEC no call can meet NOSCRIPT: its script loads inline.
        if self.sends_transaction() {
            return self.done();
        }
        let candidates: Vec<usize> = match self.round {
            Round::First => (0..self.replies.len()).collect(),
            Round::LoadAgain => self.resent.iter().map(|&(index, _)| index).collect(),
            Round::Eval => return self.done(),
        };
        let again: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| self.batch.entries[i].script.is_some() && is_missing(&self.replies[i]))
            .collect();
        if again.is_empty() {
            return self.done();
        }
        self.round = match self.round {
            Round::First => Round::LoadAgain,
            Round::LoadAgain | Round::Eval => Round::Eval,
        };
        let (pipeline, resent) = self.resend_pipeline(&again);
        self.resent = resent;
        Step::Send(Cow::Owned(pipeline))
    }

    /// The pipeline sending the calls `again` once more, and the position of each in it:
    /// in the `LoadAgain` round, each script's `SCRIPT LOAD` then the calls as they were;
    /// in the `Eval` round, the calls as `EVAL <source>`, which cannot meet `NOSCRIPT` (and
    /// reports a script Redis cannot compile as such).
    fn resend_pipeline(&self, again: &[usize]) -> (Pipeline, Vec<(usize, usize)>) {
        let mut pipeline = redis::pipe();
        let mut resent = Vec::with_capacity(again.len());
        let mut loaded: Vec<&str> = Vec::new();
        let mut again = again.iter().peekable();
        for (index, (entry, words)) in self.batch.entries_with_words().enumerate() {
            let Some(meta) = entry
                .script
                .filter(|_| again.next_if(|&&i| i == index).is_some())
            else {
                continue;
            };
            // Functions have no EVAL form: they get their library's load once more.
            if self.round == Round::Eval && !meta.is_function() {
                pipeline.add_command(invocation::eval(meta, words));
            } else {
                if !loaded.contains(&meta.sha1()) {
                    loaded.push(meta.sha1());
                    pipeline.add_command(load_command(meta));
                }
                pipeline.add_command(invocation::command(words));
            }
            resent.push((index, pipeline.len() - 1));
        }
        (pipeline, resent)
    }

    fn done(&mut self) -> Step<'a> {
        Step::Done(Ok(Replies::new(
            self.batch.id,
            std::mem::take(&mut self.replies),
        )))
    }
}

/// The commands of `batch` as a routed run sends them between `MULTI` and `EXEC`: `probe`
/// first, then the batch's without the `FUNCTION LOAD`s, each with its position in the
/// batch's pipeline (`None` for the probe).
#[cfg(feature = "cluster")]
fn routed_commands<'b>(batch: &'b Batch, probe: Option<&'b Cmd>) -> Vec<(Option<usize>, &'b Cmd)> {
    let loads_library = |cmd: &Cmd| {
        let mut words = cmd.args_iter();
        matches!(
            (words.next(), words.next()),
            (
                Some(redis::Arg::Simple(b"FUNCTION")),
                Some(redis::Arg::Simple(b"LOAD"))
            )
        )
    };
    probe
        .map(|probe| (None, probe))
        .into_iter()
        .chain(
            batch
                .pipeline
                .cmd_iter()
                .enumerate()
                .filter(|(_, cmd)| !loads_library(cmd))
                .map(|(at, cmd)| (Some(at), cmd)),
        )
        .collect()
}

/// The error of a transaction whose replies did not come back: the connection's (it may
/// have run), or, from redis-rs's sync cluster client, which returns the first error reply
/// of a pipeline alone (looking into `EXEC`'s reply too), that reply. Its text tells what
/// happened where it can: `MULTI` refused (the commands ran one by one, their replies
/// lost); a refusal that only queueing or `EXEC` can meet, never a command inside the
/// transaction (nothing ran). Any other error may be a command's own reply inside `EXEC`
/// (`EXEC` checks each command's permissions again, and a script can hand back the
/// arity or unknown-command error of a command it ran), so the batch may have run:
/// [`BatchError::RepliesLost`] says so.
fn transaction_error(error: RedisError) -> BatchError {
    if !crate::error::is_server_error(&error) {
        return BatchError::from_redis(error);
    }
    let detail = error.detail().unwrap_or_default().to_ascii_lowercase();
    match error.code().unwrap_or_default() {
        "NOPERM" if detail.contains("'multi'") => BatchError::NotAtomic {
            refusal: error,
            replies: None,
        },
        "EXECABORT" | "CROSSSLOT" | "MOVED" | "ASK" | "TRYAGAIN" | "CLUSTERDOWN" | "LOADING"
        | "MASTERDOWN" | "BUSY" => BatchError::Discarded(error),
        _ => BatchError::RepliesLost(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::Slot;
    use crate::call::ScriptCall;
    use crate::meta::test_meta;
    use crate::reply::ReplyShape;

    static INCR: ScriptMeta = test_meta(
        "Incr",
        "return redis.call('INCR', KEYS[1])",
        &ReplyShape::Int,
        false,
    );

    fn incr(key: &str) -> ScriptCall<i64> {
        let mut call = ScriptCall::new(&INCR, 1, 0);
        call.push(key);
        call
    }

    fn noscript() -> Value {
        server_error("NOSCRIPT No matching script. Please use EVAL.")
    }

    fn server_error(text: &str) -> Value {
        redis::parse_redis_value(format!("-{text}\r\n").as_bytes()).unwrap()
    }

    fn sha() -> Value {
        Value::BulkString(INCR.sha1().as_bytes().to_vec())
    }

    /// The words of each command of a pipeline, as text.
    fn words(pipeline: &Pipeline) -> Vec<String> {
        pipeline
            .cmd_iter()
            .map(|cmd| {
                cmd.args_iter()
                    .map(|arg| match arg {
                        redis::Arg::Simple(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                        _ => "<cursor>".to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Drives a run of `batch`, answering each pipeline with the next of `answers` (every
    /// reply of it) and recording what was sent.
    fn run_scripted(
        batch: &Batch,
        answers: Vec<RedisResult<Vec<Value>>>,
    ) -> (Vec<Vec<String>>, Result<Replies, BatchError>) {
        let mut answers = answers.into_iter();
        let mut sent = Vec::new();
        let outcome = Run::new(batch, Form::Direct).drive(|pipeline| {
            sent.push(words(pipeline));
            answers.next().expect("a reply for every pipeline sent")
        });
        (sent, outcome)
    }

    fn queued() -> Value {
        Value::SimpleString("QUEUED".to_owned())
    }

    #[test]
    fn a_pipeline_loads_each_script_once_before_its_first_call() {
        let mut batch = Batch::new();
        let a = batch.add(incr("a"));
        let b = batch.add(incr("b"));
        let (sent, outcome) =
            run_scripted(&batch, vec![Ok(vec![sha(), Value::Int(1), Value::Int(5)])]);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].len(), 3);
        assert!(sent[0][0].starts_with("SCRIPT LOAD return redis.call"));
        assert_eq!(sent[0][1], format!("EVALSHA {} 1 a", INCR.sha1()));
        let mut replies = outcome.unwrap();
        assert_eq!(replies.take(a).unwrap(), 1);
        assert_eq!(replies.take(b).unwrap(), 5);
    }

    #[test]
    fn calls_that_meet_noscript_are_sent_again_after_a_script_load() {
        let mut batch = Batch::new();
        let a = batch.add(incr("a"));
        let b = batch.add(incr("b"));
        let (sent, outcome) = run_scripted(
            &batch,
            vec![
                Ok(vec![sha(), Value::Int(1), noscript()]),
                Ok(vec![sha(), Value::Int(7)]),
            ],
        );
        assert_eq!(sent.len(), 2);
        assert_eq!(
            sent[1],
            [
                format!("SCRIPT LOAD {}", INCR.source()),
                format!("EVALSHA {} 1 b", INCR.sha1())
            ],
            "only the call that did not run, after loading its script (no EVAL: Redis may evict what EVAL caches)"
        );
        let mut replies = outcome.unwrap();
        assert_eq!(replies.take(a).unwrap(), 1);
        assert_eq!(replies.take(b).unwrap(), 7);
    }

    #[test]
    fn a_call_that_meets_noscript_twice_is_sent_once_more_as_eval() {
        let mut batch = Batch::new();
        let a = batch.add(incr("a"));
        let (sent, outcome) = run_scripted(
            &batch,
            vec![
                Ok(vec![sha(), noscript()]),
                Ok(vec![sha(), noscript()]),
                Ok(vec![Value::Int(4)]),
            ],
        );
        assert_eq!(sent.len(), 3);
        assert_eq!(sent[2], [format!("EVAL {} 1 a", INCR.source())]);
        assert_eq!(outcome.unwrap().take(a).unwrap(), 4);
    }

    #[test]
    fn a_failed_resend_fails_only_the_resent_calls() {
        let mut batch = Batch::new();
        let a = batch.add(incr("a"));
        let b = batch.add(incr("b"));
        let dropped = RedisError::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        let (_, outcome) = run_scripted(
            &batch,
            vec![Ok(vec![sha(), Value::Int(1), noscript()]), Err(dropped)],
        );
        let mut replies = outcome.unwrap();
        assert_eq!(replies.take(a).unwrap(), 1);
        let error = replies.take(b).unwrap_err();
        assert!(error.may_have_run(), "{error}");
    }

    #[test]
    fn a_transaction_checks_its_scripts_every_run_then_sends_multi_and_exec() {
        let mut batch = Batch::transaction();
        let a = batch.add(incr("a"));
        for _ in 0..2 {
            let (sent, outcome) = run_scripted(
                &batch,
                vec![
                    Ok(vec![sha()]),
                    Ok(vec![
                        Value::Okay,
                        queued(),
                        queued(),
                        Value::Array(vec![sha(), Value::Int(3)]),
                    ]),
                ],
            );
            assert_eq!(sent.len(), 2, "the check, then the transaction: {sent:?}");
            assert_eq!(sent[0].len(), 1);
            assert!(sent[0][0].starts_with("SCRIPT LOAD"));
            assert_eq!(sent[1].first().map(String::as_str), Some("MULTI"));
            assert_eq!(sent[1].last().map(String::as_str), Some("EXEC"));
            assert_eq!(outcome.unwrap().take(a.clone()).unwrap(), 3);
        }
    }

    #[test]
    fn a_script_that_does_not_load_stops_the_transaction() {
        let mut batch = Batch::transaction();
        let _ = batch.add(incr("a"));
        let (sent, outcome) = run_scripted(
            &batch,
            vec![Ok(vec![server_error(
                "ERR Error compiling script (new function): user_script:1: unexpected symbol",
            )])],
        );
        assert_eq!(sent.len(), 1, "nothing of the transaction is sent");
        assert!(matches!(outcome, Err(BatchError::Load(_))));
    }

    #[test]
    fn a_watched_key_aborts_and_a_short_reply_is_an_error() {
        let (_, outcome) = one_call_transaction(vec![Value::Okay, queued(), queued(), Value::Nil]);
        assert!(matches!(outcome, Err(BatchError::WatchAborted)));
        let mut pipeline = Batch::new();
        let _ = pipeline.add(incr("a"));
        let (_, outcome) = run_scripted(&pipeline, vec![Ok(vec![])]);
        let Err(BatchError::Redis(error)) = outcome else {
            panic!("not an error: {outcome:?}")
        };
        assert!(error.to_string().contains("expected 2 replies"), "{error}");
    }

    /// Runs a transaction of one call, its check answered, its own replies `replies`.
    fn one_call_transaction(replies: Vec<Value>) -> (Slot<i64>, Result<Replies, BatchError>) {
        let mut batch = Batch::transaction();
        let a = batch.add(incr("a"));
        let (_, outcome) = run_scripted(&batch, vec![Ok(vec![sha()]), Ok(replies)]);
        (a, outcome)
    }

    #[test]
    fn a_refused_multi_reports_that_each_command_ran_on_its_own() {
        let (a, outcome) = one_call_transaction(vec![
            server_error("NOPERM User u has no permissions to run the 'multi' command"),
            sha(),
            Value::Int(2),
            server_error("ERR EXEC without MULTI"),
        ]);
        let Err(BatchError::NotAtomic {
            refusal,
            replies: Some(mut replies),
        }) = outcome
        else {
            panic!("not NotAtomic: {outcome:?}")
        };
        assert_eq!(refusal.code(), Some("NOPERM"));
        assert_eq!(replies.take(a).unwrap(), 2, "it ran, once");
    }

    #[test]
    fn a_discarded_transaction_says_why_in_one_line() {
        let (_, outcome) = one_call_transaction(vec![
            Value::Okay,
            queued(),
            server_error("ASK 3999 127.0.0.1:7002"),
            server_error("EXECABORT Transaction discarded because of previous errors."),
        ]);
        let Err(error @ BatchError::Discarded(_)) = outcome else {
            panic!("not discarded: {outcome:?}")
        };
        let text = error.to_string();
        assert!(text.starts_with("nothing of the batch ran:"), "{text}");
        assert!(text.contains("migrating to 127.0.0.1:7002"), "{text}");
        assert!(!text.contains('\n') && !text.contains("Index"), "{text}");
    }
}
