//! How long an async invocation, batch or load may wait for its replies: a bound after which
//! it returns, reporting what did not answer as "may have run" (never sending it again).
//!
//! The timer is a thread of its own, not a runtime's: the crate works with any executor
//! redis-rs runs on. Waiting operations register in a table (one lock to enter, one to
//! leave); the thread sleeps until the earliest deadline in the table, wakes the operations
//! whose time is up, and sleeps again. It is only woken early when an operation registers a
//! deadline before the one it sleeps until, so operations that share the default bound cost
//! two uncontended locks and no system call.

use std::io;
use std::time::Duration;
#[cfg(feature = "aio")]
use std::{
    future::Future,
    sync::{Condvar, Mutex, MutexGuard, OnceLock},
    task::{Context, Poll, Waker},
    time::Instant,
};

use redis::RedisError;

/// How long an async call, batch or load waits for its replies unless told otherwise
/// ([`ScriptCall::deadline`](crate::ScriptCall::deadline), [`Batch::deadline`](crate::Batch::deadline)).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

#[cfg(feature = "aio")]
/// Polls `future` until it completes or `after` has passed since the call; `None` when the
/// time ran out first (the future is dropped then).
pub(crate) async fn within<F: Future>(after: Duration, future: F) -> Option<F::Output> {
    until(Instant::now() + after, future).await
}

/// Awaits `reply`, the reply to a request (a load, a read-back, `SCRIPT KILL`), for at
/// most [`DEFAULT_DEADLINE`]; past it, the deadline's [`error`].
#[cfg(feature = "aio")]
pub(crate) async fn bounded<T>(
    reply: impl Future<Output = redis::RedisResult<T>>,
) -> redis::RedisResult<T> {
    within(DEFAULT_DEADLINE, reply)
        .await
        .unwrap_or_else(|| Err(error(DEFAULT_DEADLINE)))
}

/// Polls `future` until it completes or `end` has come; `None` when the time ran out
/// first (the future is dropped then).
#[cfg(feature = "aio")]
pub(crate) async fn until<F: Future>(end: Instant, future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut expiry = Expiry::new(end);
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        match expiry.poll_expired(cx) {
            true => Poll::Ready(None),
            false => Poll::Pending,
        }
    })
    .await
}

/// The error given to each command that had no reply when the deadline of `after` passed:
/// an I/O time-out carrying [`Elapsed`], so [`elapsed_of`] can tell it from the client's own
/// time-outs.
pub(crate) fn error(after: Duration) -> RedisError {
    RedisError::from(io::Error::new(io::ErrorKind::TimedOut, Elapsed(after)))
}

/// The bound that ran out, when `error` was made by [`error`].
pub(crate) fn elapsed_of(error: &RedisError) -> Option<Duration> {
    // redis-rs keeps the I/O error behind an `Arc`, which is what `source` hands out.
    type Shared = std::sync::Arc<dyn std::error::Error + Send + Sync>;
    let shared = std::error::Error::source(error)?.downcast_ref::<Shared>()?;
    let io = shared.downcast_ref::<io::Error>()?;
    io.get_ref()?
        .downcast_ref::<Elapsed>()
        .map(|elapsed| elapsed.0)
}

/// The deadline of an operation ran out: no reply came within this long.
#[derive(Debug, Clone, Copy)]
struct Elapsed(Duration);

impl std::fmt::Display for Elapsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no reply within the deadline of {:?}", self.0)
    }
}

impl std::error::Error for Elapsed {}

#[cfg(feature = "aio")]
/// One operation's place in the timer's table, from its first wait until it is dropped.
struct Expiry {
    at: Instant,
    /// The index of its entry in the table, once registered.
    entry: Option<usize>,
}

#[cfg(feature = "aio")]
impl Expiry {
    fn new(at: Instant) -> Self {
        Self { at, entry: None }
    }

    /// Whether the time is up; if not, makes sure the timer wakes `cx` when it is.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> bool {
        if Instant::now() >= self.at {
            return true;
        }
        let timer = Timer::global();
        let mut table = timer.lock();
        match self.entry {
            Some(index) => {
                let entry = &mut table.entries[index];
                if entry.expired {
                    return true;
                }
                if !entry
                    .waker
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    entry.waker = Some(cx.waker().clone());
                }
            }
            None => {
                self.entry = Some(table.insert(self.at, cx.waker().clone()));
                if table.sleeping_until.is_none_or(|until| self.at < until) {
                    drop(table);
                    timer.wake.notify_one();
                }
            }
        }
        false
    }
}

#[cfg(feature = "aio")]
impl Drop for Expiry {
    fn drop(&mut self) {
        if let Some(index) = self.entry {
            Timer::global().lock().remove(index);
        }
    }
}

#[cfg(feature = "aio")]
/// The timer thread and its table.
struct Timer {
    table: Mutex<Table>,
    /// Signalled when an entry is due before the time the thread sleeps until.
    wake: Condvar,
}

#[cfg(feature = "aio")]
/// The waiting operations, in slots reused through a free list.
#[derive(Default)]
struct Table {
    entries: Vec<Entry>,
    free: Vec<usize>,
    /// Until when the timer thread sleeps; `None` while it is not asleep yet.
    sleeping_until: Option<Instant>,
}

#[cfg(feature = "aio")]
#[derive(Default)]
struct Entry {
    at: Option<Instant>,
    waker: Option<Waker>,
    expired: bool,
}

#[cfg(feature = "aio")]
impl Table {
    fn insert(&mut self, at: Instant, waker: Waker) -> usize {
        let entry = Entry {
            at: Some(at),
            waker: Some(waker),
            expired: false,
        };
        match self.free.pop() {
            Some(index) => {
                self.entries[index] = entry;
                index
            }
            None => {
                self.entries.push(entry);
                self.entries.len() - 1
            }
        }
    }

    fn remove(&mut self, index: usize) {
        self.entries[index] = Entry::default();
        self.free.push(index);
    }

    /// Marks every entry due at `now` expired and returns their wakers, and the earliest
    /// deadline still to come.
    fn expire(&mut self, now: Instant) -> (Vec<Waker>, Option<Instant>) {
        let mut due = Vec::new();
        let mut next: Option<Instant> = None;
        for entry in &mut self.entries {
            let Some(at) = entry.at.filter(|_| !entry.expired) else {
                continue;
            };
            if at <= now {
                entry.expired = true;
                due.extend(entry.waker.take());
            } else if next.is_none_or(|next| at < next) {
                next = Some(at);
            }
        }
        (due, next)
    }
}

#[cfg(feature = "aio")]
impl Timer {
    /// The timer of the process, its thread started on first use.
    fn global() -> &'static Timer {
        static TIMER: OnceLock<&'static Timer> = OnceLock::new();
        TIMER.get_or_init(|| {
            let timer: &'static Timer = Box::leak(Box::new(Timer {
                table: Mutex::new(Table::default()),
                wake: Condvar::new(),
            }));
            std::thread::Builder::new()
                .name("redis-script-deadlines".to_owned())
                .spawn(move || timer.run())
                .expect("the deadline timer thread starts");
            timer
        })
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // A panic while the table was locked cannot leave it inconsistent: every update
        // is a single assignment.
        self.table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sleeps until the earliest deadline, wakes what is due, forever. With nothing to
    /// wait for it sleeps one default deadline at a time, so that operations registering
    /// meanwhile with the default bound need not wake it.
    fn run(&self) {
        let mut table = self.lock();
        loop {
            let now = Instant::now();
            let (due, next) = table.expire(now);
            let until = next.unwrap_or(now + DEFAULT_DEADLINE);
            table.sleeping_until = Some(until);
            drop(table);
            for waker in due {
                waker.wake();
            }
            table = self.lock();
            if table.sleeping_until == Some(until) {
                let wait = until.saturating_duration_since(Instant::now());
                table = self
                    .wake
                    .wait_timeout(table, wait)
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "aio")]
    use std::{sync::Arc, task::Wake};

    #[cfg(feature = "aio")]
    /// Runs `future` to completion on this thread, parking between polls.
    fn block_on<F: Future>(future: F) -> F::Output {
        struct Unpark(std::thread::Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            std::thread::park();
        }
    }

    #[cfg(feature = "aio")]
    #[test]
    fn a_future_that_never_completes_is_cut_off_at_its_deadline() {
        let start = Instant::now();
        let outcome = block_on(within(
            Duration::from_millis(50),
            std::future::pending::<()>(),
        ));
        assert!(outcome.is_none());
        assert!(start.elapsed() >= Duration::from_millis(50));
    }

    #[cfg(feature = "aio")]
    #[test]
    fn a_future_that_completes_in_time_gives_its_output_and_leaves_no_entry() {
        let outcome = block_on(within(Duration::from_secs(5), async { 7 }));
        assert_eq!(outcome, Some(7));
        // A pending future, then ready: it registered, and dropping it frees the slot.
        let mut polled = false;
        let twice = std::future::poll_fn(|cx| {
            if polled {
                Poll::Ready(3)
            } else {
                polled = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        });
        assert_eq!(block_on(within(Duration::from_secs(5), twice)), Some(3));
    }

    #[cfg(feature = "aio")]
    #[test]
    fn the_table_reuses_freed_slots_and_expires_what_is_due() {
        let waker = Waker::noop().clone();
        let now = Instant::now();
        let mut table = Table::default();
        let soon = table.insert(now + Duration::from_millis(10), waker.clone());
        let later = table.insert(now + Duration::from_secs(10), waker.clone());
        table.remove(soon);
        assert_eq!(
            table.insert(now, waker.clone()),
            soon,
            "the freed slot is reused"
        );
        let (due, next) = table.expire(now + Duration::from_millis(1));
        assert_eq!(due.len(), 1);
        assert_eq!(next, Some(now + Duration::from_secs(10)));
        assert!(table.entries[soon].expired && !table.entries[later].expired);
        let (due, _) = table.expire(now + Duration::from_millis(2));
        assert!(due.is_empty(), "an expired entry is woken once");
    }

    #[cfg(feature = "aio")]
    #[test]
    fn a_shorter_deadline_wakes_the_sleeping_timer() {
        // The thread sleeps until a long deadline; a short one must still fire on time.
        let long = std::thread::spawn(|| {
            block_on(within(Duration::from_secs(3), std::future::pending::<()>()))
        });
        std::thread::sleep(Duration::from_millis(20));
        let start = Instant::now();
        assert!(
            block_on(within(
                Duration::from_millis(30),
                std::future::pending::<()>()
            ))
            .is_none()
        );
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "not held up by the long one"
        );
        assert!(long.join().unwrap().is_none());
    }

    #[test]
    fn the_deadline_error_is_recognised() {
        let error = error(Duration::from_secs(2));
        assert!(error.is_timeout());
        assert_eq!(elapsed_of(&error), Some(Duration::from_secs(2)));
        let other = RedisError::from(io::Error::from(io::ErrorKind::TimedOut));
        assert_eq!(elapsed_of(&other), None);
    }
}
