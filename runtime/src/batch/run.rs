//! One run of a batch as a state machine without I/O: check a transaction's scripts, send
//! the batch, send again the calls that met `NOSCRIPT`. Sync and async runs drive the same
//! steps, and the tests below drive it with scripted replies.

use std::borrow::Cow;

use redis::{Pipeline, RedisError, RedisResult, Value};

use super::{Batch, BatchError, Replies};
use crate::invocation;
use crate::load::{check_all_loaded, is_missing, load_command, load_pipeline};
use crate::meta::ScriptMeta;
use crate::reply::describe;

/// What to do next while running a batch.
pub(super) enum Step<'a> {
    /// Send this pipeline and [`resume`](Run::resume) with its reply.
    Send(Cow<'a, Pipeline>),
    /// The run is over.
    Done(Result<Replies, BatchError>),
}

/// How a run gets the scripts of a batch to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// A `SCRIPT LOAD` before the first call of each script, its reply dropped.
    InlineLoads,
    /// `MULTI`/`EXEC` around the commands, with no `SCRIPT LOAD`: the first call of each
    /// script is `EVAL <source>`. Its scripts are checked before the run.
    #[cfg(feature = "cluster")]
    ClusterTransaction,
}

/// The state of one run of a batch.
pub(super) struct Run<'a> {
    batch: &'a Batch,
    form: Form,
    /// The scripts whose `SCRIPT LOAD`s are sent alone first (a transaction's), until
    /// their replies came.
    checking: Vec<&'static ScriptMeta>,
    /// The replies, once the batch was sent.
    replies: Vec<RedisResult<Value>>,
    /// The entries sent again because they met `NOSCRIPT`, in this round.
    resent: Vec<usize>,
    /// Which round this is.
    round: Round,
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
        let checks_scripts = match form {
            Form::InlineLoads => true,
            #[cfg(feature = "cluster")]
            Form::ClusterTransaction => false,
        };
        Self {
            batch,
            form,
            checking: if checks_scripts && batch.is_transaction() {
                batch.scripts.clone()
            } else {
                Vec::new()
            },
            replies: Vec::new(),
            resent: Vec::new(),
            round: Round::First,
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

    /// Runs every step, sending each pipeline with `send`.
    pub(super) fn drive(
        mut self,
        mut send: impl FnMut(&Pipeline) -> RedisResult<Value>,
    ) -> Result<Replies, BatchError> {
        let mut step = self.start();
        loop {
            match step {
                Step::Send(pipeline) => step = self.resume(send(&pipeline)),
                Step::Done(outcome) => return outcome,
            }
        }
    }

    /// The next step, given the reply to the pipeline of the last one.
    pub(super) fn resume(&mut self, reply: RedisResult<Value>) -> Step<'a> {
        if !self.checking.is_empty() {
            return self.after_check(reply);
        }
        let expected = match self.round {
            Round::First => self.batch.entries.len(),
            Round::LoadAgain | Round::Eval => self.resent.len(),
        };
        let values = match reply {
            Ok(Value::Array(values)) if values.len() == expected => values,
            Ok(Value::Nil) if self.batch.is_transaction() => {
                return Step::Done(Err(BatchError::WatchAborted));
            }
            Ok(other) => {
                let detail = format!("expected {expected} replies, got {}", describe(&other));
                let error = RedisError::from((
                    redis::ErrorKind::UnexpectedReturnType,
                    "unexpected batch reply",
                    detail,
                ));
                return self.failed(error, BatchError::Redis);
            }
            Err(error) => return self.failed(error.clone(), |_| BatchError::from_redis(error)),
        };
        if self.round == Round::First {
            self.replies = values.into_iter().map(Ok).collect();
        } else {
            for (&index, value) in self.resent.iter().zip(values) {
                self.replies[index] = Ok(value);
            }
        }
        self.resend_noscript()
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
        for &index in &self.resent {
            self.replies[index] = Err(error.clone());
        }
        self.done()
    }

    /// After the `SCRIPT LOAD`s that precede a transaction: stop on a script that does not
    /// load, else send the transaction.
    fn after_check(&mut self, reply: RedisResult<Value>) -> Step<'a> {
        let checking = std::mem::take(&mut self.checking);
        if let Err(error) = &reply
            && (error.is_io_error() || error.is_connection_dropped() || error.is_timeout())
        {
            // Nothing of the transaction was sent.
            return Step::Done(Err(BatchError::NotSent(error.clone())));
        }
        match check_all_loaded(&checking, reply) {
            Ok(()) => Step::Send(self.main_pipeline()),
            Err(error) => Step::Done(Err(BatchError::Load(error))),
        }
    }

    /// The batch's commands in the form this run sends.
    fn main_pipeline(&self) -> Cow<'a, Pipeline> {
        match self.form {
            Form::InlineLoads => Cow::Borrowed(&self.batch.pipeline),
            #[cfg(feature = "cluster")]
            Form::ClusterTransaction => Cow::Owned(self.batch.as_cluster_transaction()),
        }
    }

    /// Sends again, in a plain batch, the script calls that met `NOSCRIPT` (they did not
    /// run): after a `SCRIPT LOAD`, then, for those that meet it once more, as `EVAL`.
    fn resend_noscript(&mut self) -> Step<'a> {
        // Inside MULTI/EXEC (transactions, and every batch on a cluster) no call can meet
        // NOSCRIPT.
        if self.batch.is_transaction() || self.form != Form::InlineLoads {
            return self.done();
        }
        let candidates: Vec<usize> = match self.round {
            Round::First => (0..self.replies.len()).collect(),
            Round::LoadAgain => std::mem::take(&mut self.resent),
            Round::Eval => return self.done(),
        };
        self.resent = candidates
            .into_iter()
            .filter(|&i| self.batch.entries[i].script.is_some() && is_missing(&self.replies[i]))
            .collect();
        if self.resent.is_empty() {
            return self.done();
        }
        self.round = match self.round {
            Round::First => Round::LoadAgain,
            Round::LoadAgain | Round::Eval => Round::Eval,
        };
        Step::Send(Cow::Owned(self.resend_pipeline()))
    }

    /// The pipeline sending the calls in `resent` again: in the `LoadAgain` round, each
    /// script's `SCRIPT LOAD` (its reply dropped) then the calls as they were; in the
    /// `Eval` round, the calls as `EVAL <source>`, which cannot meet `NOSCRIPT` (and
    /// reports a script Redis cannot compile as such).
    fn resend_pipeline(&self) -> Pipeline {
        let mut pipeline = redis::pipe();
        pipeline.ignore_errors();
        let mut loaded: Vec<&str> = Vec::new();
        let mut resent = self.resent.iter().peekable();
        for (index, (entry, words)) in self.batch.entries_with_words().enumerate() {
            let Some(meta) = entry
                .script
                .filter(|_| resent.next_if(|&&i| i == index).is_some())
            else {
                continue;
            };
            // Functions have no EVAL form: they get their library's load once more.
            if self.round == Round::Eval && !meta.is_function() {
                pipeline.add_command(invocation::eval(meta, words));
                continue;
            }
            if !loaded.contains(&meta.sha1()) {
                loaded.push(meta.sha1());
                pipeline.add_command(load_command(meta)).ignore();
            }
            pipeline.add_command(invocation::command(words));
        }
        pipeline
    }

    fn done(&mut self) -> Step<'a> {
        Step::Done(Ok(Replies::new(
            self.batch.id,
            std::mem::take(&mut self.replies),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    /// Drives a run of `batch`, answering each pipeline with the next of `answers` and
    /// recording what was sent.
    fn run_scripted(
        batch: &Batch,
        answers: Vec<RedisResult<Value>>,
    ) -> (Vec<Vec<String>>, Result<Replies, BatchError>) {
        let mut answers = answers.into_iter();
        let mut sent = Vec::new();
        let outcome = Run::new(batch, Form::InlineLoads).drive(|pipeline| {
            sent.push(words(pipeline));
            answers.next().expect("a reply for every pipeline sent")
        });
        (sent, outcome)
    }

    #[test]
    fn a_pipeline_loads_each_script_once_before_its_first_call() {
        let mut batch = Batch::new();
        let a = batch.add(incr("a"));
        let b = batch.add(incr("b"));
        let (sent, outcome) = run_scripted(
            &batch,
            vec![Ok(Value::Array(vec![Value::Int(1), Value::Int(5)]))],
        );
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
                Ok(Value::Array(vec![Value::Int(1), noscript()])),
                Ok(Value::Array(vec![Value::Int(7)])),
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
                Ok(Value::Array(vec![noscript()])),
                Ok(Value::Array(vec![noscript()])),
                Ok(Value::Array(vec![Value::Int(4)])),
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
            vec![
                Ok(Value::Array(vec![Value::Int(1), noscript()])),
                Err(dropped),
            ],
        );
        let mut replies = outcome.unwrap();
        assert_eq!(replies.take(a).unwrap(), 1);
        let error = replies.take(b).unwrap_err();
        assert!(error.may_have_run(), "{error}");
    }

    #[test]
    fn a_transaction_checks_its_scripts_every_run_before_sending_anything() {
        let mut batch = Batch::transaction();
        let a = batch.add(incr("a"));
        for _ in 0..2 {
            let (sent, outcome) = run_scripted(
                &batch,
                vec![
                    Ok(Value::Array(vec![sha()])),
                    Ok(Value::Array(vec![Value::Int(3)])),
                ],
            );
            assert_eq!(sent.len(), 2, "the check, then the transaction: {sent:?}");
            assert_eq!(sent[0].len(), 1);
            assert!(sent[0][0].starts_with("SCRIPT LOAD"));
            assert_eq!(outcome.unwrap().take(a.clone()).unwrap(), 3);
        }
    }

    #[test]
    fn a_script_that_does_not_load_stops_the_transaction() {
        let mut batch = Batch::transaction();
        let _ = batch.add(incr("a"));
        let (sent, outcome) = run_scripted(
            &batch,
            vec![Ok(Value::Array(vec![server_error(
                "ERR Error compiling script (new function): user_script:1: unexpected symbol",
            )]))],
        );
        assert_eq!(sent.len(), 1, "nothing of the transaction is sent");
        assert!(matches!(outcome, Err(BatchError::Load(_))));
    }

    #[test]
    fn a_watched_key_aborts_and_a_short_reply_is_an_error() {
        let mut batch = Batch::transaction();
        let _ = batch.add(incr("a"));
        let (_, outcome) =
            run_scripted(&batch, vec![Ok(Value::Array(vec![sha()])), Ok(Value::Nil)]);
        assert!(matches!(outcome, Err(BatchError::WatchAborted)));
        let mut pipeline = Batch::new();
        let _ = pipeline.add(incr("a"));
        let (_, outcome) = run_scripted(&pipeline, vec![Ok(Value::Array(vec![]))]);
        let Err(BatchError::Redis(error)) = outcome else {
            panic!("not an error: {outcome:?}")
        };
        assert!(error.to_string().contains("expected 1 replies"), "{error}");
    }
}
