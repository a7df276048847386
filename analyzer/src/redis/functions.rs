//! What Redis Functions offer a library: the fields of a registration, and the little that
//! exists while a library loads (checked against Redis 7.0, 8.0 and Valkey 8.1, 9.0).

/// The fields `redis.register_function{...}` takes; Redis refuses others.
pub const REGISTRATION_FIELDS: &[&str] = &["function_name", "callback", "flags", "description"];

/// The members of `redis` (and of Valkey's `server`) that exist while a library loads:
/// every other member, and every other global (`string`, `pairs`...), is missing then.
pub const LOAD_TIME_MEMBERS: &[&str] = &[
    "register_function",
    "log",
    "LOG_DEBUG",
    "LOG_VERBOSE",
    "LOG_NOTICE",
    "LOG_WARNING",
    "REDIS_VERSION",
    "REDIS_VERSION_NUM",
];

/// What is wrong with `name` as a library or function name, if anything: Redis accepts
/// letters, digits and `_`, at least one.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Some("only letters, digits and `_` are allowed")
    } else {
        None
    }
}
