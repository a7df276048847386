//! The seed article's test helpers: concurrent runs and latency profiles.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What [`concurrently`] collected: the results and the errors of every run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcomes<T, E> {
    /// The results of the runs that succeeded.
    pub results: Vec<T>,
    /// The errors of the runs that failed.
    pub errors: Vec<E>,
}

/// Runs `job` `runs` times spread over `threads` threads at once, each thread with its own
/// state from `setup` (typically a connection), and collects every result and error: the
/// seed article's `test_atomicity`, for checking that a script stays atomic under
/// concurrent calls.
///
/// ```
/// # use redis_script_testing::{RedisServer, concurrently};
/// let server = RedisServer::start();
/// let outcomes = concurrently(4, 100, || server.connection(), |con, _run| {
///     redis::cmd("INCR").arg("hits").query::<i64>(con)
/// });
/// assert_eq!(outcomes.results.len(), 100);
/// assert!(outcomes.errors.is_empty());
/// let hits: i64 = redis::cmd("GET").arg("hits").query(&mut server.connection()).unwrap();
/// assert_eq!(hits, 100);
/// ```
pub fn concurrently<S, T, E>(
    threads: usize,
    runs: usize,
    setup: impl Fn() -> S + Sync,
    job: impl Fn(&mut S, usize) -> Result<T, E> + Sync,
) -> Outcomes<T, E>
where
    T: Send,
    E: Send,
{
    let threads = threads.max(1);
    let next = AtomicUsize::new(0);
    let start = std::sync::Barrier::new(threads);
    let per_thread: Vec<Outcomes<T, E>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut state = setup();
                    // Every thread starts its runs once all are set up.
                    start.wait();
                    let mut outcomes = Outcomes {
                        results: Vec::new(),
                        errors: Vec::new(),
                    };
                    loop {
                        let run = next.fetch_add(1, Ordering::Relaxed);
                        if run >= runs {
                            return outcomes;
                        }
                        match job(&mut state, run) {
                            Ok(result) => outcomes.results.push(result),
                            Err(error) => outcomes.errors.push(error),
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("a concurrent run panicked"))
            .collect()
    });
    let mut all = Outcomes {
        results: Vec::with_capacity(runs),
        errors: Vec::new(),
    };
    for outcomes in per_thread {
        all.results.extend(outcomes.results);
        all.errors.extend(outcomes.errors);
    }
    all
}

/// Latencies of repeated runs; see [`latency_profile`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencyProfile {
    /// How many runs were timed.
    pub runs: usize,
    /// The fastest run.
    pub min: Duration,
    /// The mean.
    pub avg: Duration,
    /// The median.
    pub p50: Duration,
    /// The 95th percentile.
    pub p95: Duration,
    /// The 99th percentile.
    pub p99: Duration,
    /// The slowest run.
    pub max: Duration,
}

impl std::fmt::Display for LatencyProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        write!(
            f,
            "{} runs: min {:.3} ms, avg {:.3} ms, p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            self.runs,
            ms(self.min),
            ms(self.avg),
            ms(self.p50),
            ms(self.p95),
            ms(self.p99),
            ms(self.max)
        )
    }
}

/// Times `runs` runs of `job` (at least one) after `warmup` untimed ones: the seed
/// article's `benchmark` and `profile_script`. Percentiles are nearest-rank. Stops at the
/// first error.
///
/// ```
/// # use redis_script_testing::{RedisServer, latency_profile};
/// let server = RedisServer::start();
/// let mut con = server.connection();
/// let profile = latency_profile(10, 100, || redis::cmd("PING").query::<String>(&mut con).map(drop)).unwrap();
/// assert_eq!(profile.runs, 100);
/// assert!(profile.min <= profile.p50 && profile.p50 <= profile.p99 && profile.p99 <= profile.max);
/// println!("PING: {profile}");
/// ```
pub fn latency_profile<E>(
    warmup: usize,
    runs: usize,
    mut job: impl FnMut() -> Result<(), E>,
) -> Result<LatencyProfile, E> {
    for _ in 0..warmup {
        job()?;
    }
    let mut times = Vec::with_capacity(runs.max(1));
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        job()?;
        times.push(started.elapsed());
    }
    times.sort();
    // Nearest rank: the smallest time at least `fraction` of the runs do not exceed.
    let at = |fraction: f64| {
        let rank = (times.len() as f64 * fraction).ceil() as usize;
        times[rank.clamp(1, times.len()) - 1]
    };
    let total: Duration = times.iter().sum();
    Ok(LatencyProfile {
        runs: times.len(),
        min: times[0],
        avg: total / u32::try_from(times.len()).unwrap_or(u32::MAX),
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        max: times[times.len() - 1],
    })
}
