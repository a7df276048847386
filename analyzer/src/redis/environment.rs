//! The Lua environment Redis gives scripts: its globals and library members (from the
//! generated tables), and what later versions add to them.

use super::tables::{GLOBALS, LIBRARY_MEMBERS};
use super::version::RedisVersion;

/// Library tables whose members are checked.
pub const LIBRARIES: &[&str] = &[
    "bit",
    "cjson",
    "cmsgpack",
    "coroutine",
    "math",
    "os",
    "redis",
    "string",
    "struct",
    "table",
];

/// What Redis 7.4 adds to the environment.
const ADDED_IN_7_4: &[&str] = &["os", "os.clock"];

/// Whether `name` is a global of the Lua environment of `target`.
pub fn has_global(name: &str, target: RedisVersion) -> bool {
    known(name, GLOBALS, target)
}

/// Whether `name` (`lib.member`) is a library member of the Lua environment of `target`.
pub fn has_member(name: &str, target: RedisVersion) -> bool {
    known(name, LIBRARY_MEMBERS, target)
}

/// The library members whose library is `library`.
pub fn members_of(library: &str) -> impl Iterator<Item = &'static str> {
    LIBRARY_MEMBERS
        .iter()
        .copied()
        .filter(move |member| member.split('.').next() == Some(library))
}

fn known(name: &str, table: &[&str], target: RedisVersion) -> bool {
    table.binary_search(&name).is_ok()
        || (target >= RedisVersion::new(7, 4) && ADDED_IN_7_4.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_sorted_for_binary_search() {
        assert!(GLOBALS.windows(2).all(|w| w[0] < w[1]));
        assert!(LIBRARY_MEMBERS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn later_versions_add_os_clock() {
        assert!(!has_member("os.clock", RedisVersion::BASELINE));
        assert!(has_member("os.clock", RedisVersion::new(7, 4)));
        assert!(has_member("string.format", RedisVersion::BASELINE));
    }
}
