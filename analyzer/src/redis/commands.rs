//! Redis's command table, as scripts see it: which commands exist, how many arguments
//! they take and in what shape (from `COMMAND DOCS`), which write and which scripts may
//! not call.

use super::version::RedisVersion;

/// A command (or a subcommand such as `CONFIG GET`) of the Redis the tables were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// Lowercase name (`get`; for a subcommand, the part after the container: `get` of `config`).
    pub name: &'static str,
    /// What it does, in one line, as the server's `COMMAND DOCS` says it.
    pub summary: &'static str,
    /// Redis's arity: `n > 0` means exactly `n` words, `n < 0` at least `-n` (the command's
    /// own name counts, and a subcommand's container too).
    pub arity: i64,
    /// Whether it may write.
    pub write: bool,
    /// Whether scripts may not call it.
    pub noscript: bool,
    /// The version that added it, when the docs say.
    pub since: Option<RedisVersion>,
    /// Its arguments, as `COMMAND DOCS` describes them (after the name, and after the
    /// subcommand for a subcommand); empty when the docs give none.
    pub args: &'static [Arg],
    /// Subcommands, sorted by name.
    pub subcommands: &'static [Command],
}

/// One argument of a command, as Redis's command docs describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arg {
    /// Its name in the docs (`key`, `condition`, `seconds`).
    pub name: &'static str,
    /// What it is.
    pub kind: ArgKind,
    /// The word written before it (`EX` before the seconds of `SET`), or the word itself
    /// for a [`ArgKind::PureToken`].
    pub token: Option<&'static str>,
    /// [`Arg::OPTIONAL`], [`Arg::MULTIPLE`], [`Arg::MULTIPLE_TOKEN`].
    pub flags: u8,
    /// The version that added it, when the docs say.
    pub since: Option<RedisVersion>,
    /// The alternatives of a [`ArgKind::OneOf`], the parts of a [`ArgKind::Block`].
    pub args: &'static [Arg],
}

/// What an argument is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A key name.
    Key,
    /// Any string.
    String,
    /// An integer.
    Integer,
    /// A floating-point number (or `-inf`, `+inf`, `(1.5`...).
    Double,
    /// A glob-style pattern.
    Pattern,
    /// A Unix time.
    UnixTime,
    /// Its token alone (`NX`).
    PureToken,
    /// One of its alternatives.
    OneOf,
    /// Its parts, in order.
    Block,
}

impl Arg {
    /// May be left out.
    pub const OPTIONAL: u8 = 1;
    /// May be repeated.
    pub const MULTIPLE: u8 = 2;
    /// Repeated with its token before each repetition.
    pub const MULTIPLE_TOKEN: u8 = 4;

    /// An argument, for the generated tables.
    pub const fn new(
        name: &'static str,
        kind: ArgKind,
        token: Option<&'static str>,
        flags: u8,
        since: Option<RedisVersion>,
        args: &'static [Arg],
    ) -> Self {
        Self {
            name,
            kind,
            token,
            flags,
            since,
            args,
        }
    }

    /// Whether it may be left out.
    pub fn optional(&self) -> bool {
        self.flags & Self::OPTIONAL != 0
    }

    /// Whether it may be repeated.
    pub fn multiple(&self) -> bool {
        self.flags & Self::MULTIPLE != 0
    }

    /// Whether its token is written before each repetition.
    pub fn multiple_token(&self) -> bool {
        self.flags & Self::MULTIPLE_TOKEN != 0
    }
}

impl Command {
    /// Whether `words` words (name included) fit the arity.
    pub fn accepts(&self, words: usize) -> bool {
        let words = i64::try_from(words).unwrap_or(i64::MAX);
        if self.arity >= 0 {
            words == self.arity
        } else {
            words >= -self.arity
        }
    }

    /// The arity in words, for messages: "3 words" or "at least 2 words".
    pub fn arity_text(&self) -> String {
        if self.arity >= 0 {
            format!("exactly {} words", self.arity)
        } else {
            format!("at least {} words", -self.arity)
        }
    }

    /// The subcommand `name` (any case).
    pub fn subcommand(&self, name: &str) -> Option<&'static Command> {
        let name = name.to_ascii_lowercase();
        self.subcommands
            .binary_search_by(|c| c.name.cmp(name.as_str()))
            .ok()
            .map(|i| &self.subcommands[i])
    }
}

/// Commands Redis refuses in `no-writes` scripts although `COMMAND` does not flag them as
/// writes: they may be replicated (Redis 7.0's `may-replicate` commands scripts can call).
pub const MAY_REPLICATE: &[&str] = &["pfcount", "publish", "spublish"];

impl Command {
    /// Whether a `no-writes` script may not call it: it writes or may be replicated.
    pub fn writes(&self) -> bool {
        self.write || MAY_REPLICATE.contains(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::redis::target::{Known, Target};

    fn lookup(name: &str) -> Option<&'static Command> {
        match Target::default().command(name) {
            Known::Yes(command) => Some(command),
            _ => None,
        }
    }

    #[test]
    fn knows_commands_arities_and_flags() {
        let get = lookup("GET").unwrap();
        assert!(get.accepts(2) && !get.accepts(3) && !get.write);
        let set = lookup("set").unwrap();
        assert!(set.write && set.accepts(3) && set.accepts(5) && !set.accepts(2));
        assert!(lookup("multi").unwrap().noscript);
        assert!(lookup("eval").unwrap().noscript);
        assert!(lookup("nosuchcommand").is_none());
        let config = lookup("config").unwrap();
        assert!(config.subcommand("GET").unwrap().accepts(3));
        assert_eq!(get.arity_text(), "exactly 2 words");
    }
}
