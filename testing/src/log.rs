//! Reading a server's log: what `redis.log` wrote during a test.

use crate::server::RedisServer;

impl RedisServer {
    /// The end of the log now: [`log_since`](Self::log_since) returns what comes after it.
    pub fn log_mark(&self) -> LogMark {
        LogMark(self.log().len())
    }

    /// The log lines written since `mark`, such as the messages of `redis.log` (the server
    /// logs at `verbose` level, so every level but `LOG_DEBUG` shows).
    ///
    /// ```
    /// # use redis_script_testing::{LogLevel, RedisServer};
    /// let server = RedisServer::start();
    /// let mark = server.log_mark();
    /// let () = redis::cmd("EVAL")
    ///     .arg("redis.log(redis.LOG_WARNING, 'checkpoint ' .. ARGV[1])")
    ///     .arg(0)
    ///     .arg(7)
    ///     .query(&mut server.connection())
    ///     .unwrap();
    /// let lines = server.log_since(mark);
    /// assert!(lines.iter().any(|l| l.level == LogLevel::Warning && l.message == "checkpoint 7"));
    /// ```
    pub fn log_since(&self, mark: LogMark) -> Vec<LogLine> {
        let log = self.log();
        log.get(mark.0..)
            .unwrap_or_default()
            .lines()
            .filter_map(LogLine::parse)
            .collect()
    }
}

/// A position in a server's log; see [`RedisServer::log_mark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogMark(usize);

/// The level of a log line, as `redis.log` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// `redis.LOG_DEBUG` (`.` in the log).
    Debug,
    /// `redis.LOG_VERBOSE` (`-`).
    Verbose,
    /// `redis.LOG_NOTICE` (`*`).
    Notice,
    /// `redis.LOG_WARNING` (`#`).
    Warning,
}

/// One line of a server's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Its level.
    pub level: LogLevel,
    /// The message, without the process id, time and level.
    pub message: String,
}

impl LogLine {
    /// Reads `12345:M 28 Nov 2026 00:00:00.123 # message`.
    fn parse(line: &str) -> Option<Self> {
        let mut parts = line.splitn(7, ' ');
        let _process = parts.next()?;
        let (_day, _month, _year, _time) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let level = match parts.next()? {
            "." => LogLevel::Debug,
            "-" => LogLevel::Verbose,
            "*" => LogLevel::Notice,
            "#" => LogLevel::Warning,
            _ => return None,
        };
        Some(Self {
            level,
            message: parts.next().unwrap_or_default().to_owned(),
        })
    }
}
