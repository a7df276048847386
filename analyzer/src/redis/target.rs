//! The server a script is checked for: a family (Redis or Valkey) and its oldest version,
//! written `redis-7.0`, `redis-8.0`, `valkey-9.0` (a bare `7.4` means Redis). Each target
//! reads the generated table of the oldest server of its family that is at least as new,
//! leaving out what that server's docs say came later than the target.

use std::fmt;

use super::commands::Command;
pub use super::table::{Family, Table};
use super::tables::TABLES;
use super::version::RedisVersion;

/// The server a script must run on: its family and oldest version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    /// Redis or Valkey.
    pub family: Family,
    /// The oldest version.
    pub version: RedisVersion,
}

impl Default for Target {
    /// `redis-7.0`: Redis 7.0, the oldest server with everything scripts here rely on
    /// (shebang flags, `EVALSHA_RO`), which Valkey runs too.
    fn default() -> Self {
        Self {
            family: Family::Redis,
            version: RedisVersion::BASELINE,
        }
    }
}

/// How a command (or a Lua name) is known to the target's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known<T> {
    /// It has it.
    Yes(T),
    /// A later version of the same family, or another family, has it: the oldest such
    /// target.
    Elsewhere(Target),
    /// No server the tables know has it.
    No,
}

impl Target {
    /// Reads `redis-7.0`, `valkey-9.0` or a bare `7.4` (Redis).
    ///
    /// # Errors
    ///
    /// A message naming what is accepted, when `text` is not a target the tables cover.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (family, version) = match text.split_once('-') {
            Some((family, version)) => (family.to_ascii_lowercase(), version),
            None => ("redis".to_owned(), text),
        };
        let family = match family.as_str() {
            "redis" => Family::Redis,
            "valkey" => Family::Valkey,
            other => {
                return Err(format!(
                    "unknown server `{other}` in target `{text}`: write `redis-<version>` or `valkey-<version>`, e.g. {}",
                    Self::examples()
                ));
            }
        };
        let version = RedisVersion::parse(version).ok_or_else(|| {
            format!(
                "`{text}` is not a target: write a server and its oldest version, e.g. {}",
                Self::examples()
            )
        })?;
        let target = Self { family, version };
        let (oldest, newest) = target.range();
        if version < oldest || version > newest {
            return Err(format!(
                "`{text}` is outside what redis-script knows: {} {} to {}",
                family.display(),
                oldest.text(),
                newest.text()
            ));
        }
        Ok(target)
    }

    /// The oldest and the newest version of the family the tables cover.
    fn range(self) -> (RedisVersion, RedisVersion) {
        let versions = TABLES
            .iter()
            .filter(|t| t.family == self.family)
            .map(|t| t.version);
        let newest = versions.max().unwrap_or(RedisVersion::BASELINE);
        let oldest = match self.family {
            Family::Redis => RedisVersion::BASELINE,
            Family::Valkey => RedisVersion::new(7, 2),
        };
        (oldest, newest)
    }

    /// `"redis-7.0", "redis-7.4", "redis-8.0", "valkey-8.0", "valkey-9.0"`.
    fn examples() -> &'static str {
        "\"redis-7.0\", \"redis-7.4\", \"redis-8.0\", \"valkey-8.0\", \"valkey-9.0\""
    }

    /// `redis-7.0`.
    pub fn name(self) -> String {
        format!("{}-{}", self.family.key(), self.version.text())
    }

    /// The table this target reads: the oldest of its family at least as new.
    pub fn table(self) -> &'static Table {
        TABLES
            .iter()
            .copied()
            .filter(|t| t.family == self.family && t.version >= self.version)
            .min_by_key(|t| t.version)
            .or_else(|| TABLES.first().copied())
            .expect("the tables are generated for at least one server")
    }

    /// What the target's server is called in messages: `Redis 7.0.15` when the table's
    /// server is the target's version, else `Redis 7.4`.
    pub fn server(self) -> String {
        let table = self.table();
        if table.version == self.version {
            table.server.to_owned()
        } else {
            format!("{} {}", self.family.display(), self.version.text())
        }
    }

    /// Whether a server of `family` and `version` runs what this target allows: a newer
    /// one of the same family, or Valkey for Redis up to 7.2 (Valkey forked from 7.2.4).
    pub fn runs_on(self, family: Family, version: RedisVersion) -> bool {
        match (self.family, family) {
            (a, b) if a == b => version >= self.version,
            (Family::Redis, Family::Valkey) => self.version <= RedisVersion::new(7, 2),
            _ => false,
        }
    }

    /// Whether a thing added in `since` (by the docs of this target's table) is there.
    pub fn has_since(self, since: Option<RedisVersion>) -> bool {
        since.is_none_or(|since| since <= self.version)
    }

    /// The command `name` (any case), and if the target lacks it, the oldest target that
    /// has it.
    pub fn command(self, name: &str) -> Known<&'static Command> {
        let table = self.table();
        if let Some(command) = find(table.commands, name)
            && self.has_since(command.since)
        {
            return Known::Yes(command);
        }
        self.elsewhere(|table| find(table.commands, name).map(|command| command.since))
    }

    /// The servers the tables were read from, each as the target of its own version:
    /// `("Redis 7.0.15", redis-7.0)`.
    pub fn measured() -> impl Iterator<Item = (&'static str, Target)> {
        TABLES.iter().map(|table| {
            (
                table.server,
                Target {
                    family: table.family,
                    version: table.version,
                },
            )
        })
    }

    /// Every command the target has, in name order.
    pub fn commands(self) -> impl Iterator<Item = &'static Command> {
        self.table()
            .commands
            .iter()
            .copied()
            .filter(move |command| self.has_since(command.since))
    }

    /// Whether the target's Lua environment has the global `name`, and if not, the oldest
    /// target that has it.
    pub fn global(self, name: &str) -> Known<()> {
        self.named(name, |table| table.globals)
    }

    /// Whether the target's Lua environment has the library member `name`
    /// (`string.format`), and if not, the oldest target that has it.
    pub fn member(self, name: &str) -> Known<()> {
        self.named(name, |table| table.members)
    }

    /// The members of the library `library` in the target's Lua environment.
    pub fn members_of(self, library: &str) -> impl Iterator<Item = &'static str> + use<'_> {
        self.table()
            .members
            .iter()
            .copied()
            .filter(move |member| member.split('.').next() == Some(library))
    }

    fn named(self, name: &str, list: fn(&Table) -> &'static [&'static str]) -> Known<()> {
        if list(self.table()).binary_search(&name).is_ok() {
            return Known::Yes(());
        }
        self.elsewhere(|table| {
            list(table)
                .binary_search(&name)
                .ok()
                .map(|_| lua_since(table.family, name))
        })
    }

    /// The oldest target other than this one, of this family first, whose table has what
    /// `since_in` finds (it returns the version the docs say added it, if they say).
    fn elsewhere<T>(self, since_in: impl Fn(&Table) -> Option<Option<RedisVersion>>) -> Known<T> {
        let mut candidates: Vec<Target> = TABLES
            .iter()
            .filter_map(|table| {
                let since = since_in(table)?;
                let oldest = Target {
                    family: table.family,
                    version: RedisVersion::BASELINE,
                }
                .range()
                .0;
                let version = since
                    .unwrap_or(table.version)
                    .max(oldest)
                    .min(table.version);
                Some(Target {
                    family: table.family,
                    version,
                })
            })
            .filter(|candidate| *candidate != self)
            .collect();
        candidates.sort_by_key(|c| (c.family != self.family, c.family, c.version));
        match candidates.first() {
            Some(target) => Known::Elsewhere(*target),
            None => Known::No,
        }
    }
}

/// What the tables cannot say of the Lua environment: when a name came in, for messages.
fn lua_since(family: Family, name: &str) -> Option<RedisVersion> {
    match (family, name) {
        (Family::Redis, "os" | "os.clock") => Some(RedisVersion::new(7, 4)),
        _ => None,
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The command `name` (any case) in `commands`.
pub fn find(commands: &'static [&'static Command], name: &str) -> Option<&'static Command> {
    let name = name.to_ascii_lowercase();
    commands
        .binary_search_by(|c| c.name.cmp(name.as_str()))
        .ok()
        .map(|i| commands[i])
}
