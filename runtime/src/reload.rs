//! The attempts of one call, as a state machine without I/O: the call; when the server
//! answered that it lacks the code (`NOSCRIPT`, or "Function not found"), the code and the
//! call once more. Sync, async and cluster calls drive the same steps, each sending them
//! its own way, and so do the calls a cluster batch sends on their own.
//!
//! A script is loaded (`SCRIPT LOAD`), then called once more as `EVAL` (`EVAL_RO`) with
//! its source: no `SCRIPT FLUSH` of another client landing between the two can make the
//! call miss its script, the call is routed and redirected as the call itself, and neither
//! touches the connection's state (a `WATCH` holds). The load first makes the server keep
//! the script for good: Redis 7.4 and later evict the scripts that `EVAL` created past
//! 500, and Redis 8.0 keeps them evictable even after a `SCRIPT LOAD` of the same code. A
//! load that fails for a reason of the server's (an ACL without `script`, `OOM`) does not
//! stop the call; one that does not compile does.
//!
//! A library function has no such form. Its reload is one transaction, `MULTI`, `FUNCTION
//! LOAD`, the call, `EXEC` ([`Reload::Transaction`]), which leaves no gap for a `FUNCTION
//! FLUSH`: a load that finds a library of that name already there fails alone, and the
//! call still runs; a function still not found then means the server's library is another
//! version, which is read back to be sure. When the server refuses the transaction itself
//! (queueing is refused past `maxmemory`), or where a transaction would not do
//! ([`Reload::Stepwise`]), the load and the call are sent one after the other, again while
//! a flush keeps landing between them, a bounded number of times.

use redis::{Cmd, Pipeline, RedisError, RedisResult, Value};

use crate::error::{Error, ErrorKind};
use crate::load::{
    Deployed, Loaded, check_loaded, deployed_command, is_missing, load_command, mismatch,
    read_deployed,
};
use crate::meta::ScriptMeta;
use crate::transaction::{self, Outcome};

/// What to send next.
pub(crate) enum Step {
    /// The call itself, routed as a call.
    Call,
    /// The call with the script's source (`EVAL`), routed as a call.
    CallWithSource(Cmd),
    /// A command for the node of the call (a load, a read-back of the library).
    OnNode(Cmd),
    /// The reload transaction, for the node of the call; every reply is wanted (only async
    /// connections send one).
    Transaction(Pipeline),
    /// The call is over.
    Done(Finished),
}

/// How a call ended.
#[derive(Debug)]
pub(crate) enum Finished {
    /// The call's reply, to be read as the call's result.
    Reply(RedisResult<Value>),
    /// The call did not run, for this reason; the second member stands for its reply in a
    /// batch.
    Failed(
        Error,
        #[cfg_attr(not(feature = "cluster-async"), allow(dead_code))] RedisResult<Value>,
    ),
}

/// How a library function's call reloads its library (a script's is always `EVAL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reload {
    /// In one transaction: on async connections, single or cluster.
    #[cfg_attr(not(feature = "aio"), allow(dead_code))]
    Transaction,
    /// The load, then the call, [`STEPS_FIRST`] times, then in one transaction: on a sync
    /// connection, whose `WATCH` the transaction's `EXEC` would clear, so that only a
    /// `FUNCTION FLUSH` landing between the load and the call time after time does.
    StepwiseFirst,
    /// The load, then the call: on redis-rs's sync cluster client, which returns the first
    /// error of a reply alone, looking inside `EXEC`'s too, so that the "already exists" of
    /// a load inside a transaction would hide the call's reply.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    Stepwise,
}

/// How many times a [`Reload::StepwiseFirst`] call sends the load and the call one after
/// the other before it sends them in one transaction.
const STEPS_FIRST: u8 = 2;

/// How many reloads a call sends at most while a flush keeps landing between its load and
/// its call (or a transaction of them is refused). Each is two round trips or one, so a
/// flush that lands between them every time is a flush loop as fast as the call itself;
/// past this many the call gives up with an error that says so, having never run. (32
/// was once too few: a sync cluster call, which has no transaction to fall back on, lost
/// 32 races in a row to a test's tight flush loop on a loaded 2-core machine.)
const RELOADS: u8 = 64;

/// The state of one call's attempts.
pub(crate) struct Attempts<'a> {
    meta: &'static ScriptMeta,
    cmd: &'a Cmd,
    reload: Reload,
    state: State,
    /// Reloads sent so far: loads alone and transactions.
    reloads: u8,
    /// Whether the server refused a reload transaction (past `maxmemory` it refuses to
    /// queue): loads go alone from then on.
    refused: bool,
    /// Whether the last reply was the first call's "the code is missing": the reload goes
    /// out next.
    missed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The call was sent.
    Called,
    /// A script's `SCRIPT LOAD` was sent; its call with the source follows.
    LoadedForEval,
    /// The call went again with the script's source, or in the reload transaction.
    Reloaded,
    /// The load was sent alone.
    Loaded,
    /// The call was sent again after the load alone; how the load went.
    CalledAgain(Loaded),
    /// The library was read back after its function was not found in it.
    Listed,
}

impl<'a> Attempts<'a> {
    /// The attempts of `cmd`, a call of `meta`; the first step is [`Step::Call`].
    pub(crate) fn new(meta: &'static ScriptMeta, cmd: &'a Cmd, reload: Reload) -> Self {
        Self {
            meta,
            cmd,
            reload,
            state: State::Called,
            reloads: 0,
            refused: false,
            missed: false,
        }
    }

    /// The next step, given the reply (every reply, for a transaction) to the last one.
    pub(crate) fn resume(&mut self, reply: Reply) -> Step {
        self.missed = false;
        match (self.state, reply) {
            (State::Called, Reply::One(reply)) if is_missing(&reply) => {
                self.missed = true;
                if !self.meta.is_function() {
                    self.state = State::LoadedForEval;
                    return Step::OnNode(load_command(self.meta));
                }
                self.reload_next()
            }
            (State::LoadedForEval, Reply::One(load)) => match check_loaded(self.meta, load) {
                // Not compiled, or the load's connection failed: the call was not sent.
                Err(error) if !matches!(error.kind(), ErrorKind::Redis(_)) => {
                    Step::Done(failed(error))
                }
                // Loaded, or refused for a reason of the server's (an ACL without `script`,
                // `OOM`): `EVAL` carries the source anyway.
                _ => {
                    self.state = State::Reloaded;
                    let eval = crate::invocation::eval(self.meta, self.cmd.args_iter());
                    Step::CallWithSource(eval)
                }
            },
            (State::Reloaded, Reply::All(replies)) => self.after_transaction(replies),
            (State::Loaded, Reply::One(load)) => match check_loaded(self.meta, load) {
                Ok(loaded) => {
                    self.state = State::CalledAgain(loaded);
                    Step::Call
                }
                Err(error) => Step::Done(failed(error)),
            },
            (State::CalledAgain(loaded), Reply::One(reply)) if is_missing(&reply) => {
                match loaded {
                    Loaded::AlreadyThere => self.list(),
                    // Flushed between the load and the call: it did not run.
                    Loaded::Now => self.reload_next(),
                }
            }
            (State::Listed, Reply::One(listed)) => match read_deployed(self.meta, listed) {
                Ok(found @ Deployed::Other { .. }) => Step::Done(Finished::Failed(
                    mismatch(self.meta, &found),
                    Err(not_found()),
                )),
                // The compiled version, or none: flushed and loaded again meanwhile.
                _ => self.reload_next(),
            },
            (_, Reply::One(reply)) => Step::Done(Finished::Reply(reply)),
            (_, Reply::All(replies)) => Step::Done(Finished::Reply(replies.map(Value::Array))),
        }
    }

    /// The library's next reload: in one transaction or the load alone (the call follows),
    /// as [`Reload`] says; an error once [`RELOADS`] went out.
    fn reload_next(&mut self) -> Step {
        if self.reloads >= RELOADS {
            return Step::Done(self.flushed_every_time());
        }
        self.reloads += 1;
        let in_transaction = !self.refused
            && match self.reload {
                Reload::Transaction => true,
                Reload::StepwiseFirst => self.reloads > STEPS_FIRST,
                Reload::Stepwise => false,
            };
        let load = load_command(self.meta);
        if in_transaction {
            self.state = State::Reloaded;
            Step::Transaction(transaction::pipeline([&load, self.cmd]))
        } else {
            self.state = State::Loaded;
            Step::OnNode(load)
        }
    }

    /// The end of a call whose code was flushed between its load and the call at every
    /// attempt: it never ran.
    fn flushed_every_time(&self) -> Finished {
        let error = RedisError::from((
            redis::ErrorKind::Server(redis::ServerErrorKind::ResponseError),
            "the code was flushed between its load and the call at every attempt",
            format!("{} attempts; the call never ran", self.reloads),
        ));
        Finished::Failed(
            Error::new(self.meta, ErrorKind::Redis(error)),
            Err(not_found()),
        )
    }

    fn after_transaction(&mut self, replies: RedisResult<Vec<Value>>) -> Step {
        let outcome = match replies.and_then(|replies| transaction::read(replies, 2)) {
            Ok(outcome) => outcome,
            // A connection error (it may have run), or a redirection the cluster client
            // gave up following (discarded each time: it did not run).
            Err(error) => return Step::Done(Finished::Reply(Err(error))),
        };
        let replies = match outcome {
            // With MULTI refused (an ACL without `multi`), the load and the call ran on
            // their own, in this order: the call still ran once.
            Outcome::Ran(replies) | Outcome::NotAtomic { replies, .. } => replies,
            Outcome::Refused(refusal) if refusal.was_redirected() => {
                let error = refusal.as_error();
                return Step::Done(Finished::Failed(
                    Error::new(self.meta, ErrorKind::Redis(error.clone())),
                    Err(error),
                ));
            }
            // Queueing refused (past maxmemory everything is, in MULTI): one at a time.
            Outcome::Refused(_) => {
                self.refused = true;
                return self.reload_next();
            }
            Outcome::WatchAborted => {
                let error = RedisError::from((
                    redis::ErrorKind::Client,
                    "a key WATCHed on this connection changed, so the reload did not run",
                ));
                return Step::Done(Finished::Failed(
                    Error::new(self.meta, ErrorKind::Redis(error.clone())),
                    Err(error),
                ));
            }
        };
        let mut replies = replies.into_iter();
        let load = replies.next().unwrap_or(Value::Nil);
        let call = Ok(replies.next().unwrap_or(Value::Nil));
        match check_loaded(self.meta, Ok(load)) {
            Err(error) if is_missing(&call) => Step::Done(failed(error)),
            Ok(Loaded::AlreadyThere) if is_missing(&call) => self.list(),
            // Loaded, then flushed before the call: they ran one by one (MULTI refused).
            Ok(Loaded::Now) if is_missing(&call) => self.reload_next(),
            // The load failed but the call ran (the code was there after all), or it loaded.
            Err(_) | Ok(_) => Step::Done(Finished::Reply(call)),
        }
    }

    /// Reads the server's library back, to tell another version from a race.
    fn list(&mut self) -> Step {
        self.state = State::Listed;
        Step::OnNode(deployed_command(self.meta))
    }
}

/// "Function not found", as Redis answers it: the call did not run.
fn not_found() -> RedisError {
    RedisError::from((
        redis::ErrorKind::Server(redis::ServerErrorKind::ResponseError),
        "Function not found",
    ))
}

/// How a sync connection sends the steps of a call.
pub(crate) trait SyncSteps {
    /// Sends the call, routed as a call.
    fn call(&mut self, cmd: &Cmd) -> RedisResult<Value>;
    /// Sends a command to the node of the call.
    fn on_node(&mut self, cmd: &Cmd) -> RedisResult<Value>;
    /// Sends the reload transaction to the node of the call, every reply wanted.
    fn transaction(&mut self, pipeline: &Pipeline) -> RedisResult<Vec<Value>>;
}

/// Runs the attempts of a call on a sync connection; `reloading` is told when the reload
/// goes out.
pub(crate) fn drive(
    mut attempts: Attempts<'_>,
    con: &mut impl SyncSteps,
    reloading: impl Fn(),
) -> Finished {
    let mut step = Step::Call;
    loop {
        let reply = match step {
            Step::Call => Reply::One(con.call(attempts.cmd)),
            Step::CallWithSource(cmd) => Reply::One(con.call(&cmd)),
            Step::OnNode(cmd) => Reply::One(con.on_node(&cmd)),
            Step::Transaction(pipeline) => Reply::All(con.transaction(&pipeline)),
            Step::Done(finished) => return finished,
        };
        step = attempts.resume(reply);
        if attempts.missed {
            reloading();
        }
    }
}

/// Runs the attempts of a call on an async connection (not a cluster's); `reloading` is
/// told when the reload goes out.
#[cfg(feature = "aio")]
pub(crate) async fn drive_async<C: redis::aio::ConnectionLike>(
    mut attempts: Attempts<'_>,
    con: &mut C,
    reloading: impl Fn(),
) -> Finished {
    let mut step = Step::Call;
    loop {
        let reply = match step {
            Step::Call => Reply::One(con.req_packed_command(attempts.cmd).await),
            Step::CallWithSource(cmd) | Step::OnNode(cmd) => {
                Reply::One(con.req_packed_command(&cmd).await)
            }
            Step::Transaction(pipeline) => {
                Reply::All(con.req_packed_commands(&pipeline, 0, pipeline.len()).await)
            }
            Step::Done(finished) => return finished,
        };
        step = attempts.resume(reply);
        if attempts.missed {
            reloading();
        }
    }
}

/// Runs the attempts of a call on an async cluster connection: the call routed as a call,
/// everything else to `node`; `reloading` is told when the reload goes out.
#[cfg(feature = "cluster-async")]
pub(crate) async fn drive_cluster_async(
    mut attempts: Attempts<'_>,
    con: &mut redis::cluster_async::ClusterConnection,
    node: redis::cluster_routing::SingleNodeRoutingInfo,
    reloading: impl Fn(),
) -> Finished {
    use redis::aio::ConnectionLike as _;
    use redis::cluster_routing::RoutingInfo;
    let mut step = Step::Call;
    loop {
        let reply = match step {
            Step::Call => Reply::One(con.req_packed_command(attempts.cmd).await),
            Step::CallWithSource(cmd) => Reply::One(con.req_packed_command(&cmd).await),
            Step::OnNode(cmd) => Reply::One(
                con.route_command(cmd, RoutingInfo::SingleNode(node.clone()))
                    .await,
            ),
            Step::Transaction(pipeline) => {
                let count = pipeline.len();
                Reply::All(con.route_pipeline(pipeline, 0, count, node.clone()).await)
            }
            Step::Done(finished) => return finished,
        };
        step = attempts.resume(reply);
        if attempts.missed {
            reloading();
        }
    }
}

/// The reply to a step: one reply for a command, every reply for a transaction.
pub(crate) enum Reply {
    One(RedisResult<Value>),
    All(RedisResult<Vec<Value>>),
}

/// A call that did not run because its load failed.
fn failed(error: Error) -> Finished {
    let standing = match error.kind() {
        ErrorKind::Redis(cause) | ErrorKind::Load(cause) => Err(cause.clone()),
        _ => Err(RedisError::from((
            redis::ErrorKind::Client,
            "the script could not be loaded",
            error.to_string(),
        ))),
    };
    Finished::Failed(error, standing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{test_function, test_library, test_meta};
    use crate::reply::ReplyShape;

    static SCRIPT: ScriptMeta = test_meta("Incr", "return 1", &ReplyShape::Int, false);
    static LIBRARY: ScriptMeta = test_library("#!lua name=counters\n");
    static ADD: ScriptMeta = test_function(&LIBRARY, "add", false);

    fn error(text: &str) -> Value {
        redis::parse_redis_value(format!("-{text}\r\n").as_bytes()).unwrap()
    }

    fn queued() -> Value {
        Value::SimpleString("QUEUED".to_owned())
    }

    fn ran(load: Value, call: Value) -> Reply {
        Reply::All(Ok(vec![
            Value::Okay,
            queued(),
            queued(),
            Value::Array(vec![load, call]),
        ]))
    }

    fn call_of(meta: &'static ScriptMeta) -> Cmd {
        crate::invocation::evalsha(meta, 0, 0)
    }

    /// The attempts of `cmd` once its first call met missing code.
    fn missed<'a>(meta: &'static ScriptMeta, cmd: &'a Cmd, reload: Reload) -> Attempts<'a> {
        let mut attempts = Attempts::new(meta, cmd, reload);
        let missing = match meta.is_function() {
            true => "ERR Function not found",
            false => "NOSCRIPT No matching script.",
        };
        attempts.resume(Reply::One(Ok(error(missing))));
        attempts
    }

    /// The first word of each command of a step's pipeline.
    fn first_words(step: &Step) -> Vec<String> {
        let Step::Transaction(pipeline) = step else {
            return Vec::new();
        };
        pipeline
            .cmd_iter()
            .map(|cmd| match cmd.args_iter().next() {
                Some(redis::Arg::Simple(word)) => String::from_utf8_lossy(word).into_owned(),
                _ => String::new(),
            })
            .collect()
    }

    #[test]
    fn a_missing_function_is_loaded_and_called_in_one_transaction() {
        let cmd = call_of(&ADD);
        let mut attempts = Attempts::new(&ADD, &cmd, Reload::Transaction);
        let step = attempts.resume(Reply::One(Ok(error("ERR Function not found"))));
        assert_eq!(first_words(&step), ["MULTI", "FUNCTION", "FCALL", "EXEC"]);
        let done = attempts.resume(ran(
            error("ERR Library 'counters' already exists"),
            Value::Int(4),
        ));
        assert!(
            matches!(done, Step::Done(Finished::Reply(Ok(Value::Int(4))))),
            "a library already there does not stop the call"
        );
    }

    #[test]
    fn a_function_missing_from_the_library_there_is_checked_against_its_code() {
        let cmd = call_of(&ADD);
        let mut attempts = missed(&ADD, &cmd, Reload::Transaction);
        let step = attempts.resume(ran(
            error("ERR Library 'counters' already exists"),
            error("ERR Function not found"),
        ));
        assert!(matches!(step, Step::OnNode(_)), "the library is read back");
        let listed = Value::Array(vec![Value::Array(vec![
            Value::BulkString(b"library_name".to_vec()),
            Value::BulkString(b"counters".to_vec()),
            Value::BulkString(b"library_code".to_vec()),
            Value::BulkString(b"#!lua name=counters\n-- v2\n".to_vec()),
        ])]);
        let Step::Done(Finished::Failed(error, _)) = attempts.resume(Reply::One(Ok(listed))) else {
            panic!("not failed")
        };
        assert!(
            matches!(error.kind(), ErrorKind::LibraryMismatch { .. }),
            "{error}"
        );
    }

    #[test]
    fn a_missing_script_is_loaded_then_sent_again_with_its_source() {
        let cmd = call_of(&SCRIPT);
        let sha = || Reply::One(Ok(Value::BulkString(SCRIPT.sha1().as_bytes().to_vec())));
        let refused = || {
            Reply::One(Ok(error(
                "NOPERM User u has no permissions to run the 'script|load' command",
            )))
        };
        for (reload, load) in [(Reload::Transaction, sha()), (Reload::Stepwise, refused())] {
            let mut attempts = Attempts::new(&SCRIPT, &cmd, reload);
            let step = attempts.resume(Reply::One(Ok(error("NOSCRIPT No matching script."))));
            assert!(matches!(step, Step::OnNode(_)), "the load first");
            let Step::CallWithSource(eval) = attempts.resume(load) else {
                panic!("not sent with its source")
            };
            let words: Vec<_> = eval.args_iter().collect();
            assert_eq!(words[0], redis::Arg::Simple(&b"EVAL"[..]));
            assert_eq!(words[1], redis::Arg::Simple(SCRIPT.source().as_bytes()));
            let done = attempts.resume(Reply::One(Ok(Value::Int(5))));
            assert!(matches!(
                done,
                Step::Done(Finished::Reply(Ok(Value::Int(5))))
            ));
        }
    }

    #[test]
    fn a_script_that_does_not_compile_fails_the_call_which_did_not_run() {
        let cmd = call_of(&SCRIPT);
        let mut attempts = missed(&SCRIPT, &cmd, Reload::Transaction);
        let compile = error("ERR Error compiling script (new function): user_script:1: x");
        let Step::Done(Finished::Failed(failure, _)) = attempts.resume(Reply::One(Ok(compile)))
        else {
            panic!("not failed")
        };
        assert!(
            matches!(failure.kind(), ErrorKind::Compile { .. }),
            "{failure}"
        );
        assert!(!failure.may_have_run());
    }

    #[test]
    fn a_refused_transaction_falls_back_to_the_load_then_the_call() {
        let cmd = call_of(&ADD);
        let mut attempts = missed(&ADD, &cmd, Reload::Transaction);
        let oom = "OOM command not allowed when used memory > 'maxmemory'.";
        let step = attempts.resume(Reply::All(Ok(vec![
            Value::Okay,
            error(oom),
            error(oom),
            error("EXECABORT Transaction discarded because of previous errors."),
        ])));
        assert!(matches!(step, Step::OnNode(_)), "the load alone");
        let loaded = Value::BulkString(b"counters".to_vec());
        assert!(matches!(
            attempts.resume(Reply::One(Ok(loaded))),
            Step::Call
        ));
        let done = attempts.resume(Reply::One(Ok(Value::Int(1))));
        assert!(matches!(
            done,
            Step::Done(Finished::Reply(Ok(Value::Int(1))))
        ));
    }

    #[test]
    fn a_library_that_does_not_load_fails_the_call_which_did_not_run() {
        let cmd = call_of(&ADD);
        let mut attempts = missed(&ADD, &cmd, Reload::Transaction);
        let done = attempts.resume(ran(
            error("ERR Error registering functions"),
            error("ERR Function not found"),
        ));
        let Step::Done(Finished::Failed(failure, standing)) = done else {
            panic!("not failed")
        };
        assert!(!failure.may_have_run(), "{failure}");
        assert!(
            standing.is_err(),
            "a batch reads the load's error for the call"
        );
    }

    #[test]
    fn stepwise_loads_again_while_a_flush_lands_between_the_load_and_the_call() {
        let cmd = call_of(&ADD);
        let mut attempts = Attempts::new(&ADD, &cmd, Reload::Stepwise);
        let missing = || Reply::One(Ok(error("ERR Function not found")));
        let loaded = || Reply::One(Ok(Value::BulkString(b"counters".to_vec())));
        assert!(matches!(attempts.resume(missing()), Step::OnNode(_)));
        assert!(matches!(attempts.resume(loaded()), Step::Call));
        // Flushed between them: loaded once more.
        assert!(matches!(attempts.resume(missing()), Step::OnNode(_)));
        assert!(matches!(attempts.resume(loaded()), Step::Call));
        let done = attempts.resume(Reply::One(Ok(Value::Int(1))));
        assert!(matches!(
            done,
            Step::Done(Finished::Reply(Ok(Value::Int(1))))
        ));
        // Not forever.
        let mut attempts = Attempts::new(&ADD, &cmd, Reload::Stepwise);
        let mut step = attempts.resume(missing());
        let mut loads = 0;
        while let Step::OnNode(_) = step {
            loads += 1;
            assert!(matches!(attempts.resume(loaded()), Step::Call));
            step = attempts.resume(missing());
        }
        assert_eq!(loads, usize::from(RELOADS));
        let Step::Done(Finished::Failed(error, _)) = step else {
            panic!("the attempts do not end in an error");
        };
        assert!(!error.may_have_run(), "{error}");
        assert!(error.to_string().contains("flushed"), "{error}");
    }

    #[test]
    fn stepwise_first_goes_to_a_transaction_after_flushes_split_the_load_and_the_call() {
        let cmd = call_of(&ADD);
        let mut attempts = Attempts::new(&ADD, &cmd, Reload::StepwiseFirst);
        let missing = || Reply::One(Ok(error("ERR Function not found")));
        let loaded = || Reply::One(Ok(Value::BulkString(b"counters".to_vec())));
        let mut step = attempts.resume(missing());
        for _ in 0..STEPS_FIRST {
            assert!(matches!(step, Step::OnNode(_)), "the load alone first");
            assert!(matches!(attempts.resume(loaded()), Step::Call));
            step = attempts.resume(missing());
        }
        assert_eq!(first_words(&step), ["MULTI", "FUNCTION", "FCALL", "EXEC"]);
        let done = attempts.resume(ran(Value::BulkString(b"counters".to_vec()), Value::Int(3)));
        assert!(matches!(
            done,
            Step::Done(Finished::Reply(Ok(Value::Int(3))))
        ));
    }

    #[test]
    fn a_redirected_transaction_did_not_run_and_a_refused_multi_ran_on_its_own() {
        let cmd = call_of(&ADD);
        let mut attempts = missed(&ADD, &cmd, Reload::Transaction);
        let done = attempts.resume(Reply::All(Ok(vec![
            Value::Okay,
            queued(),
            error("MOVED 3999 127.0.0.1:7002"),
            error("EXECABORT Transaction discarded because of previous errors."),
        ])));
        let Step::Done(Finished::Failed(failure, _)) = done else {
            panic!("not failed")
        };
        assert!(!failure.may_have_run(), "{failure}");

        let mut attempts = missed(&ADD, &cmd, Reload::Transaction);
        let done = attempts.resume(Reply::All(Ok(vec![
            error("NOPERM User u has no permissions to run the 'multi' command"),
            Value::BulkString(b"counters".to_vec()),
            Value::Int(9),
            error("ERR EXEC without MULTI"),
        ])));
        assert!(matches!(
            done,
            Step::Done(Finished::Reply(Ok(Value::Int(9))))
        ));
    }
}
