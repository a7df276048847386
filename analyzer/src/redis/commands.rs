//! Redis's command table, as scripts see it: which commands exist, how many arguments
//! they take, which write and which scripts may not call.

/// A command (or a subcommand such as `CONFIG GET`) of the Redis the tables were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// Lowercase name (`get`; for a subcommand, the part after the container: `get` of `config`).
    pub name: &'static str,
    /// Redis's arity: `n > 0` means exactly `n` words, `n < 0` at least `-n` (the command's
    /// own name counts, and a subcommand's container too).
    pub arity: i64,
    /// Whether it may write.
    pub write: bool,
    /// Whether scripts may not call it.
    pub noscript: bool,
    /// Subcommands, sorted by name.
    pub subcommands: &'static [Command],
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
        find(self.subcommands, name)
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

/// The command `name` (any case) in Redis's table.
pub fn lookup(name: &str) -> Option<&'static Command> {
    find(super::tables::COMMANDS, name)
}

fn find(commands: &'static [Command], name: &str) -> Option<&'static Command> {
    let name = name.to_ascii_lowercase();
    commands
        .binary_search_by(|c| c.name.cmp(name.as_str()))
        .ok()
        .map(|i| &commands[i])
}

#[cfg(test)]
mod tests {
    use super::*;

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
