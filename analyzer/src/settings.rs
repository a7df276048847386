//! The crate-wide settings a crate's `Cargo.toml` gives the macros (and the command line):
//!
//! ```toml
//! [package.metadata.redis-script]
//! target = "redis-8.0"
//! ```
//!
//! Only that table is read, and in it `key = "text"` lines.

/// The table the settings are in.
const TABLE: &str = "[package.metadata.redis-script]";

/// The `target` of the `[package.metadata.redis-script]` table of a `Cargo.toml`'s text.
///
/// ```
/// let manifest = "[package]\nname = \"app\"\n\n[package.metadata.redis-script]\ntarget = \"valkey-9.0\"\n";
/// assert_eq!(redis_script_analyzer::manifest_target(manifest).as_deref(), Some("valkey-9.0"));
/// ```
pub fn manifest_target(text: &str) -> Option<String> {
    let mut target = None;
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line.split('#').next().unwrap_or_default().trim() == TABLE;
            continue;
        }
        if !inside {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() == "target" {
            target = string_value(value);
        }
    }
    target
}

/// The text of a TOML basic or literal string, `"redis-8.0"` or `'redis-8.0'`, before any
/// comment.
fn string_value(value: &str) -> Option<String> {
    let value = value.trim();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &value[1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_owned())
}
