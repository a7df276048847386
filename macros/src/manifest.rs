//! The crate-wide settings in the using crate's `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.redis-script]
//! target = "redis-8.0"
//! ```
//!
//! Only that table is read, and in it `key = "text"` lines (Cargo.toml is TOML, so other
//! forms of these keys are not expected); an attribute's own option wins over it.

use std::path::{Path, PathBuf};

/// The table the settings are in.
const TABLE: &str = "[package.metadata.redis-script]";

/// The settings of a crate.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `target = "..."`, as written, with its line for messages.
    pub target: Option<String>,
    /// The manifest they were read from, so editing it rebuilds the crate; `None` when it
    /// has no settings.
    pub manifest: Option<PathBuf>,
}

/// The settings in `<crate_root>/Cargo.toml` (none when it cannot be read).
pub fn read(crate_root: &Path) -> Settings {
    let manifest = crate_root.join("Cargo.toml");
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return Settings::default();
    };
    let mut settings = parse(&text);
    if settings.target.is_some() {
        settings.manifest = manifest.canonicalize().ok();
    }
    settings
}

/// The settings in a manifest's text.
fn parse(text: &str) -> Settings {
    let mut settings = Settings::default();
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
            settings.target = string_value(value);
        }
    }
    settings
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_target_of_its_table_only() {
        let text = "[package]\nname = \"app\"\ntarget = \"no\"\n\n[package.metadata.redis-script]\n# the servers we run\ntarget = \"valkey-9.0\" # production\n\n[dependencies]\ntarget = \"no\"\n";
        assert_eq!(parse(text).target.as_deref(), Some("valkey-9.0"));
        assert_eq!(
            parse("[package.metadata.redis-script]\ntarget='redis-8.0'")
                .target
                .as_deref(),
            Some("redis-8.0")
        );
        assert_eq!(parse("[package]\nname = \"app\"").target, None);
    }
}
