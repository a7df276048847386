//! Exactly-once bookkeeping for tests that run calls through failures: each call appends
//! its id to a log and counts it (`testing/record.lua`, or the `record` function of
//! `testing/ledger.lua`); afterwards the log must hold every call that ran exactly once,
//! and none that was refused.

use std::collections::HashSet;

use redis::ConnectionLike;
use redis_script::{BatchError, Error, ErrorKind, Replies, Slot};

/// The log and counter keys of a recording call for `tag`, in the slot of `tag`.
pub fn record_keys(tag: &str) -> (String, String) {
    (format!("{{{tag}}}:log"), format!("{{{tag}}}:count"))
}

/// What a caller learned of one call or batch.
#[derive(Debug)]
pub enum Seen {
    /// It ran.
    Ran,
    /// The connection failed: it may or may not have run.
    Unknown(String),
    /// It was refused: it did not run.
    Refused(String),
}

impl Seen {
    pub fn of_call(outcome: &Result<i64, Error>) -> Self {
        match outcome {
            Ok(_) => Self::Ran,
            Err(error) if error.may_have_run() => {
                assert!(
                    matches!(
                        error.kind(),
                        ErrorKind::Connection(_) | ErrorKind::Deadline { .. }
                    ),
                    "only a broken connection or the deadline leaves a call in doubt here: {error}"
                );
                Self::Unknown(error.to_string())
            }
            Err(error) => Self::Refused(error.to_string()),
        }
    }

    pub fn of_batch(outcome: Result<Replies, BatchError>, slots: Vec<Slot<i64>>) -> Self {
        match outcome {
            Ok(mut replies) => {
                for slot in slots {
                    replies.take(slot).expect("a call of a batch that ran");
                }
                Self::Ran
            }
            Err(error @ (BatchError::Connection(_) | BatchError::Deadline(_))) => {
                Self::Unknown(error.to_string())
            }
            Err(error @ BatchError::Discarded(_)) => Self::Refused(error.to_string()),
            Err(error) => panic!("unexpected batch failure: {error}"),
        }
    }
}

/// Every id a loop of calls sent, by what its caller saw.
#[derive(Debug, Default)]
pub struct Tally {
    pub ran: Vec<String>,
    pub unknown: Vec<(String, String)>,
    pub refused: Vec<(String, String)>,
}

impl Tally {
    pub fn record(&mut self, ids: Vec<String>, seen: &Seen) {
        for id in ids {
            match seen {
                Seen::Ran => self.ran.push(id),
                Seen::Unknown(why) => self.unknown.push((id, why.clone())),
                Seen::Refused(why) => self.refused.push((id, why.clone())),
            }
        }
    }

    pub fn merge(&mut self, other: Tally) {
        self.ran.extend(other.ran);
        self.unknown.extend(other.unknown);
        self.refused.extend(other.refused);
    }
}

/// Checks the log of the recording calls against what the callers saw: every call that ran is in
/// it exactly once, no refused call is, and the counter equals its length.
pub fn check_applied_once(con: &mut dyn ConnectionLike, tag: &str, tally: &Tally) {
    check_applied_once_across(con, &[tag], tally);
}

/// [`check_applied_once`] for calls recorded under any of `tags` (each call's id in the
/// log of its tag).
pub fn check_applied_once_across(con: &mut dyn ConnectionLike, tags: &[&str], tally: &Tally) {
    let mut applied: Vec<String> = Vec::new();
    for tag in tags {
        let (log, count) = record_keys(tag);
        let logged: Vec<String> = redis::cmd("LRANGE")
            .arg(&log)
            .arg(0)
            .arg(-1)
            .query(con)
            .unwrap();
        let counted: Option<usize> = redis::cmd("GET").arg(&count).query(con).unwrap();
        assert_eq!(
            counted.unwrap_or(0),
            logged.len(),
            "the counter of {tag} matches its log"
        );
        applied.extend(logged);
    }
    let mut distinct: HashSet<&String> = HashSet::new();
    let twice: Vec<&String> = applied.iter().filter(|id| !distinct.insert(id)).collect();
    assert!(
        twice.is_empty(),
        "no call was applied twice, but these were: {twice:?}"
    );
    for id in &tally.ran {
        assert!(
            distinct.contains(id),
            "call {id} succeeded, so it is in the log"
        );
    }
    for (id, error) in &tally.refused {
        assert!(
            !distinct.contains(id),
            "call {id} was refused ({error}), so it did not run"
        );
    }
    let unknown_applied = tally
        .unknown
        .iter()
        .filter(|(id, _)| distinct.contains(id))
        .count();
    assert_eq!(applied.len(), tally.ran.len() + unknown_applied);
    eprintln!(
        "{} calls: {} ran, {} refused, {} with a connection error ({} of them applied)",
        tally.ran.len() + tally.refused.len() + tally.unknown.len(),
        tally.ran.len(),
        tally.refused.len(),
        tally.unknown.len(),
        unknown_applied
    );
    for (id, error) in tally.unknown.iter().chain(&tally.refused).take(4) {
        eprintln!("  for example {id}: {error}");
    }
}
