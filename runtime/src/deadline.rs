//! How long an async invocation, batch or load may wait for its replies: a bound after which
//! it returns, reporting what did not answer as "may have run" (never sending it again).
//!
//! The timer is a thread of its own, not a runtime's: the crate works with any executor
//! redis-rs runs on. Waiting operations register in one of a few tables, by thread (one
//! lock to enter, one to leave, seldom waited for); the thread sleeps until the earliest
//! deadline, wakes the operations whose time is up, and sleeps again. It is only woken
//! early when an operation registers a deadline before the one it sleeps until, so
//! operations that share the default bound cost two uncontended locks and no system call.

use std::io;
use std::time::Duration;
#[cfg(feature = "aio")]
use std::{
    future::Future,
    sync::atomic::{AtomicU64, AtomicUsize, Ordering},
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
    until(end_of(after), future).await
}

/// The instant `after` from now; `None` (no bound) when that is past the clock's range, as
/// `Duration::MAX` is.
#[cfg(feature = "aio")]
pub(crate) fn end_of(after: Duration) -> Option<Instant> {
    Instant::now().checked_add(after)
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

/// Polls `future` until it completes or `end` has come (with no `end`, until it
/// completes); `None` when the time ran out first (the future is dropped then).
#[cfg(feature = "aio")]
pub(crate) async fn until<F: Future>(end: Option<Instant>, future: F) -> Option<F::Output> {
    let Some(end) = end else {
        return Some(future.await);
    };
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
/// One operation's place in the timer's tables, from its first wait until it is dropped.
struct Expiry {
    at: Instant,
    /// The shard and the index of its entry there, once registered.
    entry: Option<(usize, usize)>,
}

#[cfg(feature = "aio")]
impl Expiry {
    fn new(at: Instant) -> Self {
        Self { at, entry: None }
    }

    /// Whether the time is up; if not, makes sure the timer wakes `cx` when it is. The
    /// clock is read once, when the operation first waits: after that, the timer marks the
    /// entry when its time is up.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> bool {
        let timer = Timer::global();
        match self.entry {
            Some((shard, index)) => {
                let mut table = timer.lock(shard);
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
                if Instant::now() >= self.at {
                    return true;
                }
                let shard = Timer::shard_of_this_thread();
                let index = timer.lock(shard).insert(self.at, cx.waker().clone());
                self.entry = Some((shard, index));
                timer.registered(self.at);
            }
        }
        false
    }
}

#[cfg(feature = "aio")]
impl Drop for Expiry {
    fn drop(&mut self) {
        if let Some((shard, index)) = self.entry {
            Timer::global().lock(shard).remove(index);
        }
    }
}

/// How many tables the waiting operations are spread over, so that threads seldom wait
/// for each other's lock.
#[cfg(feature = "aio")]
const SHARDS: usize = 8;

#[cfg(feature = "aio")]
/// The timer thread and its tables.
struct Timer {
    shards: [Mutex<Table>; SHARDS],
    /// When the thread sleeps until, in nanoseconds after `epoch`; `u64::MAX` while it
    /// is awake and reading the tables (every registration then wakes it again).
    sleeping_until: AtomicU64,
    epoch: Instant,
    /// Set, under its lock, when an entry is due before `sleeping_until`.
    woken: Mutex<bool>,
    wake: Condvar,
}

/// The waiting operations of one shard, in slots reused through a free list.
#[cfg(feature = "aio")]
#[derive(Default)]
struct Table {
    entries: Vec<Entry>,
    free: Vec<usize>,
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
                shards: std::array::from_fn(|_| Mutex::new(Table::default())),
                sleeping_until: AtomicU64::new(u64::MAX),
                epoch: Instant::now(),
                woken: Mutex::new(false),
                wake: Condvar::new(),
            }));
            std::thread::Builder::new()
                .name("redis-script-deadlines".to_owned())
                .spawn(move || timer.run())
                .expect("the deadline timer thread starts");
            timer
        })
    }

    /// The shard the operations of this thread register in.
    fn shard_of_this_thread() -> usize {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        thread_local! {
            static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
        }
        SHARD.with(|shard| *shard)
    }

    fn lock(&self, shard: usize) -> MutexGuard<'_, Table> {
        // A panic while a table was locked cannot leave it inconsistent: every update
        // is a single assignment.
        self.shards[shard]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn nanos(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.epoch).as_nanos()).unwrap_or(u64::MAX)
    }

    /// Wakes the thread when an entry just registered is due before it would wake.
    fn registered(&self, at: Instant) {
        if self.nanos(at) < self.sleeping_until.load(Ordering::Acquire) {
            let mut woken = self.woken.lock().unwrap_or_else(|p| p.into_inner());
            *woken = true;
            self.wake.notify_one();
        }
    }

    /// Sleeps until the earliest deadline, wakes what is due, forever. With nothing to
    /// wait for it sleeps one default deadline at a time, so that operations registering
    /// meanwhile with the default bound need not wake it.
    fn run(&self) {
        loop {
            self.sleeping_until.store(u64::MAX, Ordering::Release);
            let now = Instant::now();
            let mut next = now + DEFAULT_DEADLINE;
            for shard in 0..SHARDS {
                let (due, soonest) = self.lock(shard).expire(now);
                for waker in due {
                    waker.wake();
                }
                next = soonest.map_or(next, |soonest| soonest.min(next));
            }
            self.sleeping_until
                .store(self.nanos(next), Ordering::Release);
            let mut woken = self.woken.lock().unwrap_or_else(|p| p.into_inner());
            if !*woken {
                let wait = next.saturating_duration_since(Instant::now());
                woken = self
                    .wake
                    .wait_timeout(woken, wait)
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .0;
            }
            *woken = false;
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
    fn a_deadline_past_the_clock_s_range_is_no_bound() {
        assert_eq!(end_of(Duration::MAX), None);
        assert_eq!(block_on(within(Duration::MAX, async { 5 })), Some(5));
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
