//! The crate-wide settings in the using crate's `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.redis-script]
//! target = "redis-8.0"
//! allow = ["key_not_from_keys"]
//! ```
//!
//! Only that table is read (by the analyzer's `manifest_target` and `manifest_levels`); an
//! attribute's own options win over it.

use std::path::{Path, PathBuf};

use redis_script_analyzer::RuleLevels;

/// The settings of a crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `target = "..."`, as written, with its line for messages.
    pub target: Option<String>,
    /// The rule levels of `allow`, `warn` and `deny`, or why they cannot be read.
    pub levels: Result<RuleLevels, String>,
    /// The manifest they were read from, so editing it rebuilds the crate; `None` when it
    /// has no settings.
    pub manifest: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            target: None,
            levels: Ok(RuleLevels::default()),
            manifest: None,
        }
    }
}

/// The settings in `<crate_root>/Cargo.toml` (none when it cannot be read).
pub fn read(crate_root: &Path) -> Settings {
    let manifest = crate_root.join("Cargo.toml");
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return Settings::default();
    };
    let mut settings = parse(&text);
    if settings.target.is_some() || settings.levels != Ok(RuleLevels::default()) {
        settings.manifest = manifest.canonicalize().ok();
    }
    settings
}

/// The settings in a manifest's text.
fn parse(text: &str) -> Settings {
    Settings {
        target: redis_script_analyzer::manifest_target(text),
        levels: redis_script_analyzer::manifest_levels(text),
        manifest: None,
    }
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
