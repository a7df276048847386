//! The Lua environment Redis gives scripts: which of its globals are library tables (the
//! globals and members themselves are in the generated tables, per server: see
//! [`Target::global`](super::target::Target::global)).

/// Library tables whose members are checked, and which scripts may not write into.
pub const LIBRARIES: &[&str] = &[
    "bit",
    "cjson",
    "cmsgpack",
    "coroutine",
    "math",
    "os",
    "redis",
    "server",
    "string",
    "struct",
    "table",
];

#[cfg(test)]
mod tests {
    use crate::redis::tables::TABLES;
    use crate::redis::target::{Known, Target};
    use crate::redis::version::RedisVersion;

    #[test]
    fn the_tables_are_sorted_for_binary_search() {
        for table in TABLES {
            assert!(
                table.globals.windows(2).all(|w| w[0] < w[1]),
                "{}",
                table.server
            );
            assert!(
                table.members.windows(2).all(|w| w[0] < w[1]),
                "{}",
                table.server
            );
            assert!(
                table.commands.windows(2).all(|w| w[0].name < w[1].name),
                "{}",
                table.server
            );
        }
    }

    #[test]
    fn later_versions_add_os_clock() {
        let redis_7_0 = Target::default();
        let redis_7_4 = Target::parse("redis-7.4").unwrap();
        assert_eq!(
            redis_7_0.member("os.clock"),
            Known::Elsewhere(Target {
                family: crate::redis::target::Family::Redis,
                version: RedisVersion::new(7, 4)
            })
        );
        assert_eq!(redis_7_4.member("os.clock"), Known::Yes(()));
        assert_eq!(redis_7_0.member("string.format"), Known::Yes(()));
    }
}
