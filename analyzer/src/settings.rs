//! The crate-wide settings a crate's `Cargo.toml` gives the macros (and the command line):
//!
//! ```toml
//! [package.metadata.redis-script]
//! target = "redis-8.0"
//! allow = ["key_not_from_keys"]
//! deny = ["blocking_command"]
//! ```
//!
//! Only that table is read, and in it `key = "text"` and `key = ["text", ...]` lines.

/// The table the settings are in.
const TABLE: &str = "[package.metadata.redis-script]";

use crate::rules::{Level, RuleLevels};

/// The rule levels of the `[package.metadata.redis-script]` table of a `Cargo.toml`'s text
/// (`allow`, `warn`, `deny` lists of rule names or codes); an error for a rule that does
/// not exist or cannot be set.
///
/// ```
/// use redis_script_analyzer::{Level, Rule};
/// let manifest = "[package.metadata.redis-script]\nallow = [\"unread_parameter\"]\n";
/// let levels = redis_script_analyzer::manifest_levels(manifest).unwrap();
/// let rule = Rule::find("unread_parameter").unwrap();
/// assert_eq!(levels.level(rule), Level::Allow);
/// ```
pub fn manifest_levels(text: &str) -> Result<RuleLevels, String> {
    let mut levels = RuleLevels::default();
    for (key, value) in table_lines(text) {
        let Some(level) = Level::parse(key) else {
            continue;
        };
        let list = value
            .trim()
            .strip_prefix('[')
            .and_then(|v| v.split(']').next());
        let Some(list) = list else {
            return Err(format!(
                "`{key}` takes a list of rule names: `{key} = [\"name\"]`"
            ));
        };
        for name in list.split(',').filter_map(string_value) {
            levels.set(&name, level)?;
        }
    }
    Ok(levels)
}

/// The `key = value` lines of the `[package.metadata.redis-script]` table.
fn table_lines(text: &str) -> Vec<(&str, &str)> {
    let mut lines = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') && !line.starts_with("[\"") {
            inside = line.split('#').next().unwrap_or_default().trim() == TABLE;
            continue;
        }
        if let (true, Some((key, value))) = (inside, line.split_once('=')) {
            lines.push((key.trim(), value));
        }
    }
    lines
}

/// The `target` of the `[package.metadata.redis-script]` table of a `Cargo.toml`'s text.
///
/// ```
/// let manifest = "[package]\nname = \"app\"\n\n[package.metadata.redis-script]\ntarget = \"valkey-9.0\"\n";
/// assert_eq!(redis_script_analyzer::manifest_target(manifest).as_deref(), Some("valkey-9.0"));
/// ```
pub fn manifest_target(text: &str) -> Option<String> {
    table_lines(text)
        .into_iter()
        .filter(|(key, _)| *key == "target")
        .filter_map(|(_, value)| string_value(value))
        .next_back()
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
